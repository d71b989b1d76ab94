import { existsSync } from "node:fs";
import { type Command, Option } from "commander";
import { type CronPlace, SYSTEM_CRON_DIR, cronFile, installCron, installedCron, removeCron } from "../schedule/cron-backend.js";
import { cronTimes } from "../schedule/cron.js";
import { humanDuration } from "../schedule/duration.js";
import { type InstallOptions, buildSpec, scheduleName } from "../schedule/build-spec.js";
import { lastReportSummary } from "../schedule/last-report.js";
import { ensureReportDir } from "../schedule/report-dir.js";
import { lastReport, scheduledArgv } from "../schedule/run-argv.js";
import type { ScheduleSpec } from "../schedule/spec.js";
import { SYSTEM_UNIT_DIR, type SystemdPlace, installSystemd, installedSystemd, removeSystemd, systemdState, unitFiles } from "../schedule/systemd-backend.js";
import { shellJoin } from "../remote/quote.js";
import { positiveInteger } from "./positive-integer.js";

type Backend = ScheduleSpec["backend"];

interface PlaceOptions {
  backend?: Backend;
  unitDir?: string;
  cronDir?: string;
  /** commander's --no-manage sets this false: write or delete files, call no systemctl. */
  manage: boolean;
  name?: string;
}

/** systemd where it runs the machine (/run/systemd/system: sd_booted(3)'s test), else cron. */
function backendOf(o: PlaceOptions): Backend {
  return o.backend ?? (existsSync("/run/systemd/system") ? "systemd" : "cron");
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

function placeOptions(cmd: Command): Command {
  return cmd
    .option("--name <name>", "the schedule's name (default: the site directory's name)")
    .addOption(new Option("--backend <kind>", "systemd or cron (default: systemd when it runs the machine, else cron)").choices(["systemd", "cron"]))
    .option("--unit-dir <dir>", `systemd: the unit directory (default ${SYSTEM_UNIT_DIR})`)
    .option("--cron-dir <dir>", `cron: a cron.d directory (default ${SYSTEM_CRON_DIR} as root, else the user's crontab)`)
    .option("--no-manage", "only write or delete the files: run no systemctl (for a --unit-dir that systemd does not read)");
}

/** `do-converge schedule install|remove|status`. */
export function registerScheduleCommand(program: Command, setExit: (code: number) => void): void {
  const out = (s: string): void => {
    process.stdout.write(s);
  };
  const schedule = program.command("schedule").description("converge (or check) the site on a timer: systemd timer, or cron where systemd is absent");
  placeOptions(
    schedule
      .command("install")
      .description("install a timer that runs the site every --every, with --detect-drift, a JSON report and a syslog summary line")
      .argument("[site]", "the site file", "site.ts")
      .requiredOption("--every <duration>", "time between runs: 30m, 1h, 1h30m, 1d")
      .option("--random-delay <duration>", "wait up to this long (random) before each run")
      .option("-C, --check", "a check schedule: report drift (exit 3), fix nothing")
      .option("--password-file <file>", "the secrets password's file, given to runs as DO_CONVERGE_PASSWORD_FILE (default: that variable now)")
      .option("--vault-password-file <file>", "an ansible-vault password file or script, given to runs as ANSIBLE_VAULT_PASSWORD_FILE (default: that variable now)")
      .option("-i, --inventory <path>", "inventory source for the runs (repeatable)", (v: string, p: string[] = []) => [...p, v])
      .option("-l, --limit <pattern>", "limit the runs' hosts to a pattern")
      .option("--known-hosts <file>", "an extra known_hosts file for the runs (repeatable)", (v: string, p: string[] = []) => [...p, v])
      .option("--report-dir <dir>", "where runs write last.json and history/ (default /var/lib/do-converge/NAME as root)")
      .addOption(new Option("--keep-reports <n>", "timestamped reports kept under history/").default(30).argParser(positiveInteger))
      .option("--run-as <user>", "the user the runs are made as (default root): its SSH keys and known_hosts are used")
      .addOption(new Option("--allow-short-every").hideHelp()),
  ).action((site: string, o: InstallOptions & PlaceOptions) => out(scheduleInstall(site, o)));
  placeOptions(
    schedule.command("remove").description("disable the timer and delete what install wrote (reports are kept)").argument("[site]", "the site file", "site.ts"),
  ).action((site: string, o: PlaceOptions) => out(scheduleRemove(site, o)));
  placeOptions(
    schedule.command("status").description("is it installed, its schedule, next and last run, the last report's summary (exit 1: not installed)").argument("[site]", "the site file", "site.ts"),
  ).action((site: string, o: PlaceOptions) => {
    const s = scheduleStatus(site, o);
    out(s.text);
    if (!s.installed) setExit(1);
  });
}
