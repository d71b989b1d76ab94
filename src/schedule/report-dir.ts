import { spawnSync } from "node:child_process";
import { ScheduleError } from "./errors.js";
import type { ScheduleSpec } from "./spec.js";
import { makeDirectories } from "../control-node/make-directories.js";

/** The directory the runs write their reports to, made now and owned by the user they run as. */
export function ensureReportDir(spec: ScheduleSpec): void {
  try {
    makeDirectories(spec.reportDir, 0o750);
  } catch (err) {
    throw new ScheduleError(`cannot create the report directory ${spec.reportDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!spec.runAs) return;
  const r = spawnSync("chown", [spec.runAs, spec.reportDir], { encoding: "utf8" });
  if (r.status !== 0) throw new ScheduleError(`chown ${spec.runAs} ${spec.reportDir}: ${r.error ? r.error.message : r.stderr.trim()}`);
}
