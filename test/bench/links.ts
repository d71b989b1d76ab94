import { run } from "../lab/exec.js";
import type { Topology } from "../lab/topology.js";

// systemd-nspawn names a lab host's end of its network link `vb-NAME`, one name per machine: a
// bench host named like another lab's host (the default lab's db1) cannot boot while that one
// runs, and would only be seen as an sshd that never answers. Asked before any host boots.

/** Each link of `ip -o link show` with the bridge it is a port of (undefined: none). */
export function linkMasters(ipOLink: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const line of ipOLink.split("\n")) {
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:/.exec(line);
    if (!m?.[1]) continue;
    out.set(m[1], / master (\S+)/.exec(line)?.[1]);
  }
  return out;
}

/** The topology's hosts whose `vb-NAME` link is already a port of another bridge. */
export function hostsOnOtherBridges(t: Topology, masters: ReadonlyMap<string, string | undefined>): { host: string; bridge: string }[] {
  return t.hosts.flatMap((h) => {
    const master = masters.get(`vb-${h.name}`);
    return master !== undefined && master !== t.bridge ? [{ host: h.name, bridge: master }] : [];
  });
}

export async function hostNameProblem(t: Topology): Promise<string | undefined> {
  const taken = hostsOnOtherBridges(t, linkMasters((await run("ip", ["-o", "link", "show"])).stdout));
  if (taken.length === 0) return undefined;
  return `host names taken by another lab on this machine (systemd-nspawn's link vb-NAME is on another bridge): ${taken.map((x) => `${x.host} (on ${x.bridge})`).join(", ")}; give the bench's hosts names of their own`;
}
