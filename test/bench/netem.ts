import { run } from "../lab/exec.js";

// `--delay-ms N` with netem: the bench bridge's own egress queue holds every packet the control
// node sends to a lab host for N ms, so each exchange between the control node and a host takes
// N ms more, in the TCP handshake as in the SSH traffic. Traffic between the hosts (bridged from
// one port to another) does not pass the bridge device's queue: droplets of one region stay close
// to each other, the operator is far from them. Only the bench bridge is touched; its qdisc goes
// with it when the lab goes down (the guard's down too), and the bench removes it at its end.

/** Packets netem may hold at once: 150 ms of a busy first converge, well above netem's default 1000. */
export const NETEM_LIMIT = 100_000;

/** The two ends of a throwaway veth pair, made and deleted to ask the kernel whether it has netem. */
export const PROBE_LINKS = ["dcbnetem0", "dcbnetem1"] as const;

export function netemAddArgv(dev: string, delayMs: number): string[] {
  return ["qdisc", "replace", "dev", dev, "root", "netem", "delay", `${delayMs}ms`, "limit", String(NETEM_LIMIT)];
}

export function netemDelArgv(dev: string): string[] {
  return ["qdisc", "del", "dev", dev, "root"];
}

export function netemShowArgv(dev: string): string[] {
  return ["qdisc", "show", "dev", dev, "root"];
}

/** Does `tc qdisc show` list a root netem qdisc delaying by `delayMs`? */
export function showsNetem(tcShow: string, delayMs: number): boolean {
  return tcShow.split("\n").some((l) => /^qdisc netem \S+ root\b/.test(l) && new RegExp(`\\bdelay ${delayMs}(?:\\.0+)?ms\\b`).test(l));
}

/**
 * Why netem cannot be used here, or undefined: tries it on a veth pair of its own (never on a
 * device someone else uses), which it then deletes.
 */
export async function netemProblem(): Promise<string | undefined> {
  const [a, b] = PROBE_LINKS;
  await run("ip", ["link", "del", a], { allowFailure: true });
  await run("ip", ["link", "add", a, "type", "veth", "peer", "name", b]);
  try {
    const r = await run("tc", netemAddArgv(a, 1), { allowFailure: true });
    if (r.code === 0) return undefined;
    return `tc cannot add a netem qdisc on this kernel (${r.stderr.trim() || `exit ${r.code}`}; the kernel needs CONFIG_NET_SCH_NETEM)`;
  } finally {
    await run("ip", ["link", "del", a], { allowFailure: true });
  }
}

export async function addNetem(dev: string, delayMs: number): Promise<void> {
  await run("tc", netemAddArgv(dev, delayMs));
  const shown = (await run("tc", netemShowArgv(dev))).stdout;
  if (!showsNetem(shown, delayMs)) throw new Error(`tc ${netemAddArgv(dev, delayMs).join(" ")} left no ${delayMs} ms netem qdisc on ${dev}: ${shown.trim()}`);
}

/** Removes the bench's netem qdisc; a bridge already gone (the lab is down) has none to remove. */
export async function removeNetem(dev: string): Promise<void> {
  const shown = await run("tc", netemShowArgv(dev), { allowFailure: true });
  if (shown.code !== 0 || !/^qdisc netem /m.test(shown.stdout)) return;
  await run("tc", netemDelArgv(dev));
}
