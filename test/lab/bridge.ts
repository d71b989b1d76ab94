import { createHash } from "node:crypto";
import { run } from "./exec.js";
import { METADATA_IPV4, type Topology } from "./topology.js";

export { METADATA_IPV4 };

async function linkExists(name: string): Promise<boolean> {
  return (await run("ip", ["link", "show", "dev", name], { allowFailure: true })).code === 0;
}

async function addressesOf(name: string): Promise<string[]> {
  const { stdout } = await run("ip", ["-o", "-4", "addr", "show", "dev", name]);
  return [...stdout.matchAll(/inet (\S+)/g)].map((m) => m[1] ?? "");
}

/**
 * A fixed, locally administered MAC for a bridge. Left to itself a Linux bridge takes the lowest
 * MAC of its ports, so powering a host off changed the gateway's MAC under every other host:
 * their neighbour entries went stale and the metadata service and the API were unreachable for
 * tens of seconds, just when keepalived on the surviving load balancer needed them.
 */
export function bridgeMac(name: string): string {
  const h = createHash("sha256").update(`do-converge-lab:${name}`).digest();
  return ["02", ...[...h.subarray(0, 5)].map((b) => b.toString(16).padStart(2, "0"))].join(":");
}

/**
 * The bridge's addresses: the gateway on both lab networks, and the metadata address when the
 * lab's metadata service is DigitalOcean's link-local one (only one bridge on a machine may hold it).
 */
export function bridgeAddresses(t: Topology): string[] {
  return [`${t.gatewayPrivate}/24`, `${t.gatewayPublic}/24`, ...(t.digitalocean && t.metadata.host === METADATA_IPV4 ? [`${METADATA_IPV4}/32`] : [])];
}

/**
 * The lab's bridge carries both lab networks and maybe the metadata address. There is no NAT and
 * no forwarding: lab hosts reach the lab machine's bridge addresses and each other, nothing else.
 */
export async function ensureBridge(t: Topology): Promise<void> {
  if (!(await linkExists(t.bridge))) await run("ip", ["link", "add", t.bridge, "address", bridgeMac(t.bridge), "type", "bridge"]);
  else await run("ip", ["link", "set", t.bridge, "address", bridgeMac(t.bridge)]);
  const want = bridgeAddresses(t);
  const have = await addressesOf(t.bridge);
  for (const a of want) if (!have.includes(a)) await run("ip", ["addr", "add", a, "dev", t.bridge]);
  await run("ip", ["link", "set", t.bridge, "up"]);
}

export async function removeBridge(name: string): Promise<void> {
  if (await linkExists(name)) await run("ip", ["link", "del", name]);
}

export async function bridgeExists(name: string): Promise<boolean> {
  return linkExists(name);
}
