import { spawnSync } from "node:child_process";
import type { HostStats } from "../runner/stats.js";

/** The syslog tag of summary lines: `journalctl -t do-converge` lists one line per run. */
export const SYSLOG_TAG = "do-converge";

export interface RunOutcome {
  site: string;
  check: boolean;
  exitCode: number;
  recap?: ReadonlyMap<string, HostStats>;
  /** Why nothing ran (the lock was held, the configuration was wrong): short, no secret. */
  skipped?: string;
}

/**
 * One line that says how a run went: the site, converge or check, the recap's totals over hosts,
 * drift and the exit code. Made of counts and the site's path only, so no secret can be in it.
 */
export function summaryLine(o: RunOutcome): string {
  const head = `site=${o.site} mode=${o.check ? "check" : "converge"}`;
  if (o.skipped !== undefined || o.recap === undefined) return `${head} ${o.skipped ?? "nothing ran"} exit=${o.exitCode}`;
  const stats = [...o.recap.values()];
  const sum = (k: keyof HostStats) => stats.reduce((n, s) => n + s[k], 0);
  const drift = sum("changed") > 0;
  return `${head} hosts=${stats.length} ok=${sum("ok")} changed=${sum("changed")} failed=${sum("failed")} unreachable=${sum("unreachable")} drift=${drift ? "yes" : "no"} exit=${o.exitCode}`;
}

/** syslog priority: what monitoring filters on (drift is a warning, a failure an error). */
function priority(exitCode: number): string {
  if (exitCode === 0 || exitCode === 8) return "user.notice";
  if (exitCode === 3) return "user.warning";
  return "user.err";
}

/**
 * Sends the line to syslog (the journal under systemd) with logger(1), and prints it after the
 * recap. A syslog that cannot be reached costs a warning, never the run's exit code.
 */
export function emitSummary(o: RunOutcome, out: (s: string) => void, err: (s: string) => void): void {
  const line = summaryLine(o);
  out(`summary: ${line}\n`);
  const r = spawnSync("logger", ["-t", SYSLOG_TAG, "-p", priority(o.exitCode), "--", line], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.status !== 0) {
    err(`[WARNING]: the summary line did not reach syslog: logger ${r.error ? r.error.message : `exited ${r.status}: ${r.stderr.trim()}`}\n`);
  }
}
