import { dirname } from "node:path";
import { shellJoin, shellQuote } from "../remote/quote.js";
import { humanDuration } from "./duration.js";
import { ScheduleError } from "./errors.js";
import { lastReport, scheduledArgv, scheduledEnv } from "./run-argv.js";
import { type ScheduleSpec, specLine } from "./spec.js";

/** Cron's five time fields for an interval; cron can only express divisors of the hour or day. */
export function cronTimes(every: number): string {
  const minutes = every / 60;
  const hours = every / 3600;
  if (every === 86400) return "0 0 * * *";
  if (Number.isInteger(hours) && 24 % hours === 0) return hours === 1 ? "0 * * * *" : `0 */${hours} * * *`;
  if (Number.isInteger(minutes) && 60 % minutes === 0) return minutes === 1 ? "* * * * *" : `*/${minutes} * * * *`;
  throw new ScheduleError(`cron cannot run every ${humanDuration(every)}: choose minutes that divide an hour (1m..30m), hours that divide a day, or 1d (or use systemd)`);
}

/**
 * The shell command of a cron line. The random delay is a sleep before the run (cron has no
 * RandomizedDelaySec); output goes beside the reports, since cron would mail it or drop it.
 * In crontab a bare % ends the command, so every % is escaped.
 */
export function cronCommand(spec: ScheduleSpec): string {
  const env = Object.entries(scheduledEnv(spec)).map(([k, v]) => `${k}=${shellQuote(v)}`);
  const log = lastReport(spec).replace(/\.json$/, ".log");
  const parts = [
    `cd ${shellQuote(dirname(spec.site))}`,
    ...(spec.randomDelay > 0 ? [`sleep "$(shuf -i 0-${spec.randomDelay} -n 1)"`] : []),
    `${env.join(" ")} exec ${shellJoin(scheduledArgv(spec))} >${shellQuote(log)} 2>&1`,
  ];
  const command = parts.join(" && ");
  if (/[\n\r]/.test(command)) throw new ScheduleError("a path with a newline cannot go into a cron line");
  return command.replace(/%/g, "\\%");
}

const begin = (name: string) => `# BEGIN do-converge schedule ${name}`;
const end = (name: string) => `# END do-converge schedule ${name}`;

/** An /etc/cron.d file: its lines name the user the command runs as. */
export function renderCronFile(spec: ScheduleSpec): string {
  return [
    `# do-converge schedule ${spec.name}: written by \`do-converge schedule install\`; \`do-converge schedule remove --name ${spec.name}\` deletes it.`,
    specLine(spec),
    "SHELL=/bin/sh",
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    `${cronTimes(spec.every)} ${spec.runAs ?? "root"} ${cronCommand(spec)}`,
    "",
  ].join("\n");
}

/** The block install adds to a user's crontab, between markers that remove looks for. */
export function renderCrontabBlock(spec: ScheduleSpec): string {
  return [begin(spec.name), specLine(spec), `${cronTimes(spec.every)} ${cronCommand(spec)}`, end(spec.name)].join("\n");
}

/** A crontab without the named schedule's block (everything else kept as it was). */
export function withoutCrontabBlock(crontab: string, name: string): string {
  const lines = crontab.split("\n");
  const from = lines.indexOf(begin(name));
  if (from < 0) return crontab;
  const to = lines.indexOf(end(name), from);
  if (to < 0) throw new ScheduleError(`the crontab has "${begin(name)}" but no "${end(name)}": edit it by hand (crontab -e)`);
  return [...lines.slice(0, from), ...lines.slice(to + 1)].join("\n");
}

/** A crontab with the schedule's block, replacing an older block of the same name. */
export function withCrontabBlock(crontab: string, spec: ScheduleSpec): string {
  const rest = withoutCrontabBlock(crontab, spec.name).replace(/\n*$/, "");
  return `${rest ? `${rest}\n` : ""}${renderCrontabBlock(spec)}\n`;
}

/** The block's text in a crontab, if the schedule is there. */
export function crontabBlock(crontab: string, name: string): string | undefined {
  const lines = crontab.split("\n");
  const from = lines.indexOf(begin(name));
  const to = lines.indexOf(end(name), from);
  return from < 0 || to < 0 ? undefined : lines.slice(from, to + 1).join("\n");
}
