import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";

// How the bench times a tool's run: wall time from spawn to exit, and for do-converge the control
// node's own cost, from GNU time's wait4() accounting of that one child (its CPU seconds and peak
// resident memory; neither the bench process nor the lab hosts, which share this machine, count).

export interface Timed {
  seconds: number;
  code: number | null;
  output: string;
}

/** CPU seconds and peak resident memory of one child process, as the kernel accounted them. */
export interface Rusage {
  userSeconds: number;
  systemSeconds: number;
  peakRssMb: number;
}

export const GNU_TIME = "/usr/bin/time";
/** user seconds, system seconds, max RSS in KiB: the last line GNU time writes to its -o file. */
const TIME_FORMAT = "%U %S %M";

export function timed(cmd: string, argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, env });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, output }));
  });
}

/** GNU time's -o file: "Command exited with non-zero status N" may come first; the figures are the last line. */
export function parseGnuTime(text: string): Rusage {
  const last = text.trim().split("\n").at(-1) ?? "";
  const m = /^(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)$/.exec(last.trim());
  if (!m) throw new Error(`${GNU_TIME} wrote no "user system maxrss" line: ${JSON.stringify(text.slice(-200))}`);
  return { userSeconds: Number(m[1]), systemSeconds: Number(m[2]), peakRssMb: Number(m[3]) / 1024 };
}

/** The command run under GNU time, its figures written to `figuresFile`. */
export function gnuTimeArgv(figuresFile: string, cmd: string, argv: readonly string[]): string[] {
  return ["-f", TIME_FORMAT, "-o", figuresFile, "--", cmd, ...argv];
}

export async function timedWithRusage(cmd: string, argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string, figuresFile: string): Promise<Timed & { rusage: Rusage }> {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: the bench's set-up step (npm run bench's prebench) installs Debian's time package as root`);
  rmSync(figuresFile, { force: true });
  const t = await timed(GNU_TIME, gnuTimeArgv(figuresFile, cmd, argv), env, cwd);
  return { ...t, rusage: parseGnuTime(readFileSync(figuresFile, "utf8")) };
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of no figures");
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
