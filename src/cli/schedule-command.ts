import { existsSync } from "node:fs";
import { type CronPlace, cronFile, installCron, installedCron, removeCron } from "../schedule/cron-backend.js";
import { cronTimes } from "../schedule/cron.js";
import { humanDuration } from "../schedule/duration.js";
import { ScheduleError } from "../schedule/errors.js";
import { type InstallOptions, buildSpec, scheduleName } from "../schedule/build-spec.js";
import { lastReportSummary } from "../schedule/last-report.js";
import { ensureReportDir } from "../schedule/report-dir.js";
import { lastReport, scheduledArgv } from "../schedule/run-argv.js";
import type { ScheduleSpec } from "../schedule/spec.js";
import { type SystemdPlace, installSystemd, installedSystemd, removeSystemd, systemdState, unitFiles } from "../schedule/systemd-backend.js";
import { shellJoin } from "../remote/quote.js";
import { SYSTEM_CRON_DIR, SYSTEM_UNIT_DIR } from "../schedule/system-dirs.js";

type Backend = ScheduleSpec["backend"];

export interface PlaceOptions {
  backend?: Backend;
  unitDir?: string;
  cronDir?: string;
  /** commander's --no-manage sets this false: write or delete files, call no systemctl. */
  manage: boolean;
  name?: string;
}

/**
 * The backend asked for, or implied by a directory given for one of them (--unit-dir is where
 * systemd units go, --cron-dir where a cron file goes), else systemd where it runs the machine
 * (/run/systemd/system: sd_booted(3)'s test), else cron. A directory of the other backend is
 * refused rather than ignored: the files would not be where the operator looks.
 */
function backendOf(o: PlaceOptions): Backend {
  if (o.unitDir !== undefined && o.cronDir !== undefined) throw new ScheduleError("--unit-dir is systemd's and --cron-dir is cron's: give one of them");
  if (o.backend === "cron" && o.unitDir !== undefined) throw new ScheduleError("--unit-dir is where systemd units go: not with --backend cron (use --cron-dir)");
  if (o.backend === "systemd" && o.cronDir !== undefined) throw new ScheduleError("--cron-dir is where a cron file goes: not with --backend systemd (use --unit-dir)");
  if (o.backend !== undefined) return o.backend;
  if (o.unitDir !== undefined) return "systemd";
  if (o.cronDir !== undefined) return "cron";
  return existsSync("/run/systemd/system") ? "systemd" : "cron";
}

const systemdPlace = (o: PlaceOptions): SystemdPlace => ({ unitDir: o.unitDir ?? SYSTEM_UNIT_DIR, manage: o.manage });
const cronPlace = (o: PlaceOptions): CronPlace =>
  o.cronDir ? { kind: "cron.d", dir: o.cronDir } : process.getuid?.() === 0 ? { kind: "cron.d", dir: SYSTEM_CRON_DIR } : { kind: "crontab" };

function describe(spec: ScheduleSpec): string {
  return `${spec.check ? "check (drift reported, nothing fixed)" : "converge"} ${spec.site} every ${humanDuration(spec.every)}${spec.randomDelay ? `, random delay up to ${humanDuration(spec.randomDelay)}` : ""}`;
}

export function scheduleInstall(site: string, o: InstallOptions & PlaceOptions): string {
  const backend = backendOf(o);
  const spec = buildSpec(site, o, backend);
  // Cron's limits are known before anything is written.
  if (backend === "cron") cronTimes(spec.every);
  ensureReportDir(spec);
  const written = backend === "systemd" ? installSystemd(spec, systemdPlace(o)) : [installCron(spec, cronPlace(o))];
  return [
    `installed schedule ${spec.name} (${backend}): ${describe(spec)}`,
    ...written.map((f) => `  wrote ${f}`),
    `  each run: ${shellJoin(scheduledArgv(spec))}`,
    `  reports: ${lastReport(spec)}${spec.keepReports ? ` (and the last ${spec.keepReports} under history/)` : ""}`,
    `  see: do-converge schedule status --name ${spec.name}; journalctl -t do-converge`,
    "",
  ].join("\n");
}

export function scheduleRemove(site: string, o: PlaceOptions): string {
  const name = scheduleName(site, o.name);
  const removed = backendOf(o) === "systemd" ? removeSystemd(name, systemdPlace(o)) : [removeCron(name, cronPlace(o))].filter((f) => f !== undefined);
  if (removed.length === 0) return `schedule ${name}: not installed, nothing removed\n`;
  return [`removed schedule ${name}`, ...removed.map((f) => `  deleted ${f}`), "  (reports are kept)", ""].join("\n");
}

export function scheduleStatus(site: string, o: PlaceOptions): { text: string; installed: boolean } {
  const name = scheduleName(site, o.name);
  const backend = backendOf(o);
  const spec = backend === "systemd" ? installedSystemd(name, systemdPlace(o)) : installedCron(name, cronPlace(o));
  if (!spec) return { text: `schedule ${name}: not installed (${backend})\n`, installed: false };
  const place = backend === "systemd" ? unitFiles(name, systemdPlace(o)).timer : o.cronDir || process.getuid?.() === 0 ? cronFile(name, o.cronDir ?? SYSTEM_CRON_DIR) : "the crontab";
  const state = backend === "systemd" && o.manage ? systemdState(name) : [];
  const lines = [
    `schedule ${name}: installed (${backend}, ${place})`,
    `  ${describe(spec)}`,
    `  each run: ${shellJoin(scheduledArgv(spec))}`,
    ...state.map((l) => `  ${l}`),
    ...lastReportSummary(lastReport(spec)).map((l) => `  ${l}`),
    "",
  ];
  return { text: lines.join("\n"), installed: true };
}
