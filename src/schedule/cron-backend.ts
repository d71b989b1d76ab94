import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { WriteFileError, writeFileAtomic } from "../control-node/write-file.js";
import { crontabBlock, renderCronFile, withCrontabBlock, withoutCrontabBlock } from "./cron.js";
import { ScheduleError } from "./errors.js";
import { type ScheduleSpec, readSpecLine, unitBase } from "./spec.js";

/**
 * Where a cron schedule lives: a file in /etc/cron.d (root; cron reads the directory by itself)
 * or a marked block in the invoking user's crontab (edited through crontab(1)).
 */
export type CronPlace = { kind: "cron.d"; dir: string } | { kind: "crontab" };

// cron ignores /etc/cron.d files whose names contain a dot: do-converge-NAME with dots replaced.
export const cronFile = (name: string, dir: string) => join(dir, unitBase(name).replace(/\./g, "_"));

function readCrontab(): string {
  const r = spawnSync("crontab", ["-l"], { encoding: "utf8" });
  if (r.error) throw new ScheduleError(`crontab -l: ${r.error.message} (is cron installed?)`);
  // "no crontab for USER" is an empty crontab, not an error.
  return r.status === 0 ? r.stdout : "";
}

function writeCrontab(text: string): void {
  const r = spawnSync("crontab", ["-"], { input: text, encoding: "utf8" });
  if (r.status !== 0) throw new ScheduleError(`crontab -: ${r.error ? r.error.message : r.stderr.trim()}`);
}

export function installedCron(name: string, place: CronPlace): ScheduleSpec | undefined {
  if (place.kind === "crontab") {
    const block = crontabBlock(readCrontab(), name);
    return block === undefined ? undefined : readSpecLine(block, "crontab");
  }
  const file = cronFile(name, place.dir);
  if (!existsSync(file)) return undefined;
  const spec = readSpecLine(readFileSync(file, "utf8"), file);
  if (!spec) throw new ScheduleError(`${file} exists and was not written by do-converge schedule install: not touching it`);
  return spec;
}

export function installCron(spec: ScheduleSpec, place: CronPlace): string {
  if (place.kind === "crontab") {
    writeCrontab(withCrontabBlock(readCrontab(), spec));
    return "the crontab";
  }
  installedCron(spec.name, place);
  const file = cronFile(spec.name, place.dir);
  const text = renderCronFile(spec);
  try {
    writeFileAtomic(file, text, 0o644);
  } catch (err) {
    throw new ScheduleError(`cannot write ${file}: ${err instanceof WriteFileError ? err.reason : err instanceof Error ? err.message : String(err)} (run as root, or use the crontab)`);
  }
  return file;
}

/** Deletes the schedule's file or crontab block; returns what was removed (undefined: nothing was installed). */
export function removeCron(name: string, place: CronPlace): string | undefined {
  if (!installedCron(name, place)) return undefined;
  if (place.kind === "crontab") {
    writeCrontab(withoutCrontabBlock(readCrontab(), name));
    return "the crontab's block";
  }
  const file = cronFile(name, place.dir);
  rmSync(file, { force: true });
  return file;
}
