import { dirname } from "node:path";
import { humanDuration, systemdSpan } from "./duration.js";
import { scheduledArgv, scheduledEnv } from "./run-argv.js";
import { type ScheduleSpec, specLine, unitBase } from "./spec.js";
import { systemdCommand, systemdEnvironment, systemdPath } from "./systemd-quote.js";

export interface Units {
  service: string;
  timer: string;
}

/**
 * An interval that divides the hour or the day becomes a calendar time (every 30m → :00 and :30),
 * so Persistent=true can run a slot missed while the machine was off; every other interval is
 * counted from the timer's start and from each run's start.
 */
export function timerSchedule(every: number): string[] {
  const minutes = every / 60;
  const hours = every / 3600;
  if (every === 86400) return ["OnCalendar=*-*-* 00:00:00", "Persistent=true"];
  if (Number.isInteger(hours) && 24 % hours === 0) return [`OnCalendar=*-*-* ${hours === 1 ? "*" : `00/${hours}`}:00:00`, "Persistent=true"];
  if (Number.isInteger(minutes) && 60 % minutes === 0) return [`OnCalendar=*-*-* *:${minutes === 1 ? "*" : `00/${minutes}`}:00`, "Persistent=true"];
  return [`OnActiveSec=${systemdSpan(every)}`, `OnUnitActiveSec=${systemdSpan(every)}`];
}

function header(spec: ScheduleSpec): string[] {
  return [
    `# do-converge schedule ${spec.name}: written by \`do-converge schedule install\`; \`do-converge schedule remove --name ${spec.name}\` deletes it.`,
    specLine(spec),
  ];
}

const what = (spec: ScheduleSpec) => `${spec.check ? "check" : "converge"} ${spec.site} every ${humanDuration(spec.every)}`;

/** The oneshot service a timer starts, and the timer. */
export function renderUnits(spec: ScheduleSpec): Units {
  const env = Object.entries(scheduledEnv(spec)).map(([k, v]) => `Environment=${systemdEnvironment(k, v)}`);
  const service = [
    ...header(spec),
    "[Unit]",
    `Description=do-converge: ${what(spec)} (schedule ${spec.name})`,
    "Wants=network-online.target",
    "After=network-online.target",
    "",
    "[Service]",
    "Type=oneshot",
    `WorkingDirectory=${systemdPath(dirname(spec.site))}`,
    ...env,
    `ExecStart=${systemdCommand(scheduledArgv(spec))}`,
    // 8: an operator's run held the site's lock, so this one did nothing: not a failure. Drift
    // (3) is left a failure on purpose, for OnFailure= and for monitoring of failed units.
    "SuccessExitStatus=8",
    ...(spec.runAs ? [`User=${systemdPath(spec.runAs)}`] : []),
    "",
  ];
  const timer = [
    ...header(spec),
    "[Unit]",
    `Description=do-converge schedule ${spec.name}: ${what(spec)}`,
    "",
    "[Timer]",
    ...timerSchedule(spec.every),
    ...(spec.randomDelay > 0 ? [`RandomizedDelaySec=${systemdSpan(spec.randomDelay)}`] : []),
    // Fire when due, not up to a minute later (systemd's default coalescing).
    "AccuracySec=1s",
    `Unit=${unitBase(spec.name)}.service`,
    "",
    "[Install]",
    "WantedBy=timers.target",
    "",
  ];
  return { service: service.join("\n"), timer: timer.join("\n") };
}
