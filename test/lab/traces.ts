import { existsSync } from "node:fs";
import { MARKER_ENV, containerDirs, nspawnPid } from "./container.js";
import { run } from "./exec.js";
import type { Lab } from "./lab.js";
import { mountsUnder } from "./mounts.js";
import { cmdline, pidsWithEnv } from "./processes.js";

/** What one lab has on this machine, seen from outside it (for tests of up, down and clean-up). */
export interface LabTraces {
  bridge: boolean;
  /** The hosts' veth links on the bridge (vb-NAME). */
  links: string[];
  /**
   * Host processes (by the marker nspawn puts on their init), their systemd-nspawn and the lab's
   * daemons (apt-cacher-ng, the guard: by their state directory in their arguments).
   */
  processes: number[];
  mounts: string[];
  stateDir: boolean;
}

async function linkNames(): Promise<string[]> {
  const out = (await run("ip", ["-o", "link", "show"])).stdout;
  return [...out.matchAll(/^\d+: ([^:@\s]+)/gm)].map((m) => m[1] ?? "");
}

export async function labTraces(lab: Lab): Promise<LabTraces> {
  const links = await linkNames();
  const hostLinks = new Set(lab.topology.hosts.map((h) => `vb-${h.name}`));
  const markers = pidsWithEnv(MARKER_ENV, `${lab.paths.hostsDir}/`, "prefix");
  const daemons = (await run("ps", ["-eo", "pid="])).stdout
    .split("\n")
    .map(Number)
    .filter((p) => p > 0 && p !== process.pid && cmdline(p).some((a) => a === lab.paths.stateDir || a.includes(`${lab.paths.stateDir}/`)));
  return {
    bridge: links.includes(lab.topology.bridge),
    links: links.filter((l) => hostLinks.has(l)).sort(),
    processes: [...new Set([...markers, ...daemons])].sort((a, b) => a - b),
    mounts: mountsUnder(lab.paths.stateDir),
    stateDir: existsSync(lab.paths.stateDir),
  };
}

/** A lab that is fully gone: what `down` promises. */
export const NO_TRACES: LabTraces = { bridge: false, links: [], processes: [], mounts: [], stateDir: false };

/**
 * Which of a lab's hosts run, by their systemd-nspawn's pid: equal before and after means no host
 * of that lab was stopped or restarted in between.
 */
export function runningHosts(lab: Lab): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of lab.topology.hosts) {
    const pid = nspawnPid(containerDirs(lab.paths.hostsDir, h.name));
    if (pid !== undefined) out[h.name] = pid;
  }
  return out;
}

/** The default lab's side of the machine: its hosts' nspawn pids, its bridge and veth links. */
export async function labFootprint(lab: Lab): Promise<{ hosts: Record<string, number>; bridge: boolean; links: string[] }> {
  const t = await labTraces(lab);
  return { hosts: runningHosts(lab), bridge: t.bridge, links: t.links };
}
