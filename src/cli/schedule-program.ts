import { type Command, Option } from "commander";
import type { InstallOptions } from "../schedule/build-spec.js";
import { SYSTEM_CRON_DIR, SYSTEM_UNIT_DIR } from "../schedule/system-dirs.js";
import { positiveInteger } from "./positive-integer.js";
import type { PlaceOptions } from "./schedule-command.js";

const actions = () => import("./schedule-command.js");

function placeOptions(cmd: Command): Command {
  return cmd
    .option("--name <name>", "the schedule's name (default: the site directory's name)")
    .addOption(new Option("--backend <kind>", "systemd or cron (default: systemd when it runs the machine, else cron)").choices(["systemd", "cron"]))
    .option("--unit-dir <dir>", `systemd: the unit directory (default ${SYSTEM_UNIT_DIR})`)
    .option("--cron-dir <dir>", `cron: a cron.d directory (default ${SYSTEM_CRON_DIR} as root, else the user's crontab)`)
    .option("--no-manage", "only write or delete the files: run no systemctl (for a --unit-dir that systemd does not read)");
}

/**
 * `do-converge schedule install|remove|status`: the commands and their options here, what they
 * do in schedule-command.ts, imported when one of them runs (other commands do not load it).
 */
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
  ).action(async (site: string, o: InstallOptions & PlaceOptions) => out((await actions()).scheduleInstall(site, o)));
  placeOptions(
    schedule.command("remove").description("disable the timer and delete what install wrote (reports are kept)").argument("[site]", "the site file", "site.ts"),
  ).action(async (site: string, o: PlaceOptions) => out((await actions()).scheduleRemove(site, o)));
  placeOptions(
    schedule.command("status").description("is it installed, its schedule, next and last run, the last report's summary (exit 1: not installed)").argument("[site]", "the site file", "site.ts"),
  ).action(async (site: string, o: PlaceOptions) => {
    const s = (await actions()).scheduleStatus(site, o);
    out(s.text);
    if (!s.installed) setExit(1);
  });
}
