// The pure part of the haproxy role: which Galera servers go in the backend, which addresses the
// frontend binds, and what the metadata service said about the droplet's anchor address.

export interface BackendServer {
  /** The inventory name: what the stats page and the logs show. */
  name: string;
  address: string;
}

export class HaproxyPlanError extends Error {
  override readonly name = "HaproxyPlanError";
}

/** Every member of the Galera group, in inventory order, at its private address. */
export function galeraServers(members: readonly string[], addressOf: (name: string) => string): BackendServer[] {
  if (members.length === 0) throw new HaproxyPlanError("the Galera group has no hosts: the backend would be empty");
  const servers = members.map((name) => ({ name, address: addressOf(name) }));
  const seen = new Map<string, string>();
  for (const s of servers) {
    const other = seen.get(s.address);
    if (other !== undefined) throw new HaproxyPlanError(`${other} and ${s.name} share the address ${s.address}`);
    seen.set(s.address, s.name);
  }
  return servers;
}

export interface BindInput {
  reservedIp: string;
  privateIp: string;
  /** The droplet's anchor address, where DigitalOcean delivers traffic sent to a Reserved IP. */
  anchorIp?: string | undefined;
  /** The operator's list, which replaces the computed one. */
  override?: readonly string[] | undefined;
}

/**
 * The addresses the frontend binds, without duplicates. The Reserved IP itself is where the lab
 * (and every network that routes the address to its holder) delivers traffic; on DigitalOcean the
 * traffic arrives at the droplet's anchor address instead, so that is bound too when the metadata
 * service has one. The private address lets clients in the VPC reach a given load balancer.
 */
export function bindAddresses(input: BindInput): string[] {
  const list = input.override ?? [input.reservedIp, input.privateIp, ...(input.anchorIp ? [input.anchorIp] : [])];
  if (list.length === 0) throw new HaproxyPlanError("haproxy_bind_addresses is empty: the frontend would listen nowhere");
  return [...new Set(list)];
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * The anchor address from `curl -s -w '\n%{http_code}' .../anchor_ipv4/address`: the address on
 * 200, undefined on 404 (a droplet without one, or the lab). Every other status is an error rather than
 * "no anchor": a metadata hiccup must not silently drop a listener from the configuration.
 */
export function parseAnchorProbe(stdout: string): string | undefined {
  const text = stdout.replace(/\n+$/, "");
  const cut = text.lastIndexOf("\n");
  const code = (cut < 0 ? text : text.slice(cut + 1)).trim();
  const body = cut < 0 ? "" : text.slice(0, cut).trim();
  if (code === "404") return undefined;
  if (code !== "200") throw new HaproxyPlanError(`the metadata service answered ${code || "nothing"} for the anchor address`);
  if (!IPV4.test(body)) throw new HaproxyPlanError(`the metadata service gave an anchor address that is not IPv4: ${JSON.stringify(body.slice(0, 60))}`);
  return body;
}
