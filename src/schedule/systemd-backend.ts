import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../control-node/write-file.js";
import { ScheduleError } from "./errors.js";
import { type ScheduleSpec, readSpecLine, unitBase } from "./spec.js";
import { systemctl, timerTimes, unitProperties } from "./systemctl.js";
import { renderUnits } from "./systemd-units.js";

export interface SystemdPlace {
  unitDir: string;
  /** False: write or delete the files only (a unit directory that systemd does not read: tests). */
  manage: boolean;
}

export const unitFiles = (name: string, place: SystemdPlace) => ({
  service: join(place.unitDir, `${unitBase(name)}.service`),
  timer: join(place.unitDir, `${unitBase(name)}.timer`),
});

/** The installed schedule's spec, undefined when none; a same-named file that is not ours is an error. */
export function installedSystemd(name: string, place: SystemdPlace): ScheduleSpec | undefined {
  const files = unitFiles(name, place);
  let spec: ScheduleSpec | undefined;
  for (const file of [files.timer, files.service]) {
    if (!existsSync(file)) continue;
    const found = readSpecLine(readFileSync(file, "utf8"), file);
    if (!found) throw new ScheduleError(`${file} exists and was not written by do-converge schedule install: not touching it`);
    spec ??= found;
  }
  return spec;
}

export function installSystemd(spec: ScheduleSpec, place: SystemdPlace): string[] {
  installedSystemd(spec.name, place); // refuses to overwrite someone else's units
  const files = unitFiles(spec.name, place);
  const units = renderUnits(spec);
  try {
    writeFileAtomic(files.service, units.service);
    writeFileAtomic(files.timer, units.timer);
  } catch (err) {
    throw new ScheduleError(`cannot write ${place.unitDir}: ${err instanceof Error ? err.message : String(err)} (run as root, or choose --unit-dir)`);
  }
  if (!place.manage) return [files.service, files.timer];
  systemctl(["daemon-reload"]);
  // restart, not just start: a reinstall with a new interval must take effect now.
  systemctl(["enable", `${unitBase(spec.name)}.timer`]);
  systemctl(["restart", `${unitBase(spec.name)}.timer`]);
  return [files.service, files.timer];
}

/** Disables the timer and deletes the two units; returns the files deleted (none: nothing installed). */
export function removeSystemd(name: string, place: SystemdPlace): string[] {
  if (!installedSystemd(name, place)) return [];
  const files = unitFiles(name, place);
  const base = unitBase(name);
  if (place.manage) systemctl(["disable", "--now", `${base}.timer`]);
  for (const f of [files.timer, files.service]) rmSync(f, { force: true });
  if (place.manage) {
    systemctl(["daemon-reload"]);
    // A failed last run would otherwise linger in `systemctl --failed` for a unit that is gone.
    try {
      systemctl(["reset-failed", `${base}.service`, `${base}.timer`]);
    } catch {
      // Not failed, or already unloaded: nothing to reset.
    }
  }
  return [files.service, files.timer];
}

/** The timer's state as systemd sees it, as lines for `schedule status`. */
export function systemdState(name: string): string[] {
  const base = unitBase(name);
  try {
    const timer = unitProperties(`${base}.timer`, ["ActiveState", "UnitFileState"]);
    const times = timerTimes(`${base}.timer`);
    const service = unitProperties(`${base}.service`, ["ActiveState", "Result", "ExecMainStatus", "ExecMainExitTimestamp"]);
    return [
      `timer: ${timer.ActiveState ?? "?"} (${timer.UnitFileState || "?"})`,
      `next run: ${times.next?.toISOString() ?? "none scheduled"}`,
      `last run: ${times.last ? `${times.last.toISOString()}` : "never"}${service.ExecMainExitTimestamp ? `, exit ${service.ExecMainStatus} (${service.Result}) at ${service.ExecMainExitTimestamp}` : ""}${service.ActiveState === "activating" ? " (running now)" : ""}`,
    ];
  } catch (err) {
    return [`timer: unknown (${err instanceof Error ? err.message : String(err)})`];
  }
}
