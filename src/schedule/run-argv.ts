import { join } from "node:path";
import type { ScheduleSpec } from "./spec.js";

/** The report of the latest run; the timestamped history sits beside it. */
export function lastReport(spec: Pick<ScheduleSpec, "reportDir">): string {
  return join(spec.reportDir, "last.json");
}

/**
 * The command a scheduled run executes: absolute node and do-converge paths (a timer has no
 * PATH worth trusting), the site, and the options that make it a monitored run: --detect-drift
 * (exit 3 on drift), a JSON report with history, and one summary line to syslog. No secret ever
 * appears here: the password file's path travels in the environment, the password stays in it.
 */
export function scheduledArgv(spec: ScheduleSpec): string[] {
  return [
    spec.node,
    spec.bin,
    spec.site,
    "--detect-drift",
    "--json",
    lastReport(spec),
    ...(spec.keepReports > 0 ? ["--keep-reports", String(spec.keepReports)] : []),
    "--syslog",
    ...(spec.check ? ["--check"] : []),
    ...spec.inventory.flatMap((i) => ["-i", i]),
    ...(spec.limit === undefined ? [] : ["--limit", spec.limit]),
    ...spec.knownHosts.flatMap((k) => ["--known-hosts", k]),
  ];
}

/** Environment of a scheduled run: the password files' paths (when given) and no colors. */
export function scheduledEnv(spec: ScheduleSpec): Record<string, string> {
  return {
    NO_COLOR: "1",
    ...(spec.passwordFile ? { DO_CONVERGE_PASSWORD_FILE: spec.passwordFile } : {}),
    ...(spec.vaultPasswordFile ? { ANSIBLE_VAULT_PASSWORD_FILE: spec.vaultPasswordFile } : {}),
  };
}
