import { spawnSync } from "node:child_process";
import { ScheduleError } from "./errors.js";

/** Runs systemctl; a failure is a ScheduleError naming the command and systemd's words. */
export function systemctl(args: string[]): string {
  const r = spawnSync("systemctl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) {
    throw new ScheduleError(`systemctl ${args.join(" ")}: ${r.error ? r.error.message : `exited ${r.status}: ${r.stderr.trim() || r.stdout.trim()}`}`);
  }
  return r.stdout;
}

/** `systemctl show UNIT -p ...` as a map. */
export function unitProperties(unit: string, props: string[]): Record<string, string> {
  const out = systemctl(["show", unit, "--no-pager", ...props.flatMap((p) => ["-p", p])]);
  return Object.fromEntries(
    out
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/** The timer's next and last elapse (list-timers knows both for calendar and monotonic timers). */
export function timerTimes(timer: string): { next?: Date; last?: Date } {
  const rows = JSON.parse(systemctl(["list-timers", "--all", "--no-pager", "--output=json", timer])) as { unit: string; next: number | null; last: number | null }[];
  const row = rows.find((r) => r.unit === timer);
  const date = (us: number | null | undefined) => (us ? new Date(us / 1000) : undefined);
  const next = date(row?.next);
  const last = date(row?.last);
  return { ...(next ? { next } : {}), ...(last ? { last } : {}) };
}
