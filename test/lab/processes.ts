import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * PIDs whose environment holds NAME=VALUE. A container's init (its PID 1) outlives a killed
 * systemd-nspawn, and inside the container /proc/PID/root reads "/", so the marker that nspawn
 * put in init's environment (--setenv) is how a later `up` or `down` finds such orphans.
 */
export function pidsWithEnv(name: string, value: string, match: "exact" | "prefix" = "exact"): number[] {
  const needle = `${name}=${value}`;
  const hit = (e: string) => (match === "exact" ? e === needle : e.startsWith(needle));
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if (env.some(hit)) out.push(Number(entry));
    } catch {
      // the process ended while we looked, or is a kernel thread
    }
  }
  return out;
}

export function childPids(pid: number): number[] {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Waits until every pid has exited; returns the ones still alive after the deadline. */
export async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = alive.filter(isAlive);
  }
  return alive;
}

export function parentPid(pid: number): number {
  try {
    const m = /^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Stops a daemon of the lab: SIGTERM, and SIGKILL if it is still there after `graceMs`. */
export async function terminate(pid: number, graceMs = 5000): Promise<void> {
  signal(pid, "SIGTERM");
  const left = await waitForExit([pid], graceMs);
  for (const p of left) signal(p, "SIGKILL");
  await waitForExit(left, 5000);
}
