import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENTRY } from "../../cli-entry.js";

export interface Bounds {
  /** The child is killed past this wall time (a hang is a finding, not a stuck suite). */
  timeoutMs: number;
  /** The child is killed when its resident memory passes this (the machine is shared). */
  killAboveKiB: number;
}

export interface CliRun {
  /** Exit code; null when killed. */
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set size of the CLI process in KiB, when it could be measured. */
  peakRssKiB: number | undefined;
  /** Why the harness killed it, if it did. */
  killed?: string;
}

// Peak memory: GNU time (-f %M) reports the child's ru_maxrss from wait4(), the kernel's own
// account of its peak resident set, exact even for a spike right before exit. Without GNU time
// (a minimal CI image) the harness falls back to sampling the kernel's high-water mark VmHWM in
// /proc/PID/status every 25 ms: VmHWM only grows, so a sample taken after a spike still sees it;
// only growth in the last 25 ms before exit could be missed. The same sampling also enforces the
// kill bound while the child runs, so a hostile input cannot take the machine's memory.
const GNU_TIME = "/usr/bin/time";
const hasGnuTime = (() => {
  if (!existsSync(GNU_TIME)) return false;
  const r = spawnSync(GNU_TIME, ["-f", "%M", "-o", "/dev/null", "true"]);
  return r.status === 0;
})();

function statusKiB(pid: number, field: "VmHWM" | "VmRSS"): number | undefined {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m?.[1] === undefined ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** The node process to sample: the child itself, or GNU time's one child. */
function nodePid(pid: number): number | undefined {
  if (!hasGnuTime) return pid;
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

let runs = 0;

/**
 * Runs `do-converge ARGV` in cwd (see test/cli-entry.ts for which build), in its own process group
 * so that a kill also ends the shells it started. Never rejects.
 */
export function runCli(argv: readonly string[], opts: { cwd: string; env: NodeJS.ProcessEnv; bounds: Bounds }): Promise<CliRun> {
  const rssFile = join(tmpdir(), `dcv-adv-rss-${process.pid}-${++runs}`);
  const node = [process.execPath, ...ENTRY.node, ...argv];
  const [cmd, ...args] = hasGnuTime ? [GNU_TIME, "-f", "%M", "-o", rssFile, ...node] : node;
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd ?? process.execPath, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let killed: string | undefined;
    let sampled = 0;
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const kill = (why: string) => {
      if (killed !== undefined) return;
      killed = why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const poll = setInterval(() => {
      const pid = child.pid === undefined ? undefined : nodePid(child.pid);
      if (pid !== undefined) {
        sampled = Math.max(sampled, statusKiB(pid, "VmHWM") ?? 0);
        const rss = statusKiB(pid, "VmRSS") ?? 0;
        if (rss > opts.bounds.killAboveKiB) kill(`killed: resident memory ${Math.round(rss / 1024)} MiB passed ${Math.round(opts.bounds.killAboveKiB / 1024)} MiB`);
      }
      if (Date.now() - started > opts.bounds.timeoutMs) kill(`killed: still running after ${opts.bounds.timeoutMs / 1000} s`);
    }, 25);
    child.on("close", (code) => {
      clearInterval(poll);
      const wallMs = Date.now() - started;
      let measured: number | undefined;
      if (hasGnuTime && existsSync(rssFile)) {
        const last = readFileSync(rssFile, "utf8").trim().split("\n").at(-1) ?? "";
        if (/^\d+$/.test(last)) measured = Number(last);
        rmSync(rssFile, { force: true });
      }
      const peak = Math.max(measured ?? 0, sampled);
      resolve({
        // GNU time exits with its child's status; a killed run has none.
        code: killed !== undefined ? null : code,
        stdout,
        // With -o, GNU time writes its own lines ("Command exited with ...") to that file, not to stderr.
        stderr,
        wallMs,
        peakRssKiB: peak > 0 ? peak : undefined,
        ...(killed !== undefined ? { killed } : {}),
      });
    });
  });
}
