import { run } from "./exec.js";

/**
 * The control node's end of a lab host's link: systemd-nspawn names the bridge side of a
 * container's veth pair `vb-NAME` (lab host names are short enough to be kept whole). Traffic
 * leaving it goes to the host, so a queueing discipline here shapes what the control node sends.
 */
export function hostLink(name: string): string {
  if (name.length > 12) throw new Error(`lab host name ${name} is too long for a predictable veth name`);
  return `vb-${name}`;
}

/** Limits what reaches the host to `rate` (tc's syntax, e.g. "16mbit"), until unshape(). */
export async function shape(name: string, rate: string): Promise<void> {
  await run("tc", ["qdisc", "replace", "dev", hostLink(name), "root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms"]);
}

/**
 * Drops every packet to the host (the network gone, the link still up, so the host's own network
 * configuration sees nothing), until unshape(): a token bucket whose queue holds one byte, so
 * every packet is too large for it. (netem would say it plainly, but kernels here lack sch_netem.)
 */
export async function blackhole(name: string): Promise<void> {
  await run("tc", ["qdisc", "replace", "dev", hostLink(name), "root", "tbf", "rate", "1kbit", "burst", "1", "limit", "1"]);
}

/** Back to the default queue; idempotent. */
export async function unshape(name: string): Promise<void> {
  await run("tc", ["qdisc", "del", "dev", hostLink(name), "root"], { allowFailure: true });
}

/** Bytes sent to the host through the link's root queue since it was shaped: transfer progress, not time. */
export async function bytesSent(name: string): Promise<number> {
  const r = await run("tc", ["-s", "qdisc", "show", "dev", hostLink(name)]);
  const m = /Sent (\d+) bytes/.exec(r.stdout);
  return m ? Number(m[1]) : 0;
}
