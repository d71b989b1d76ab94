import { ScheduleError } from "./errors.js";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * "30m", "1h", "1h30m", "90s", "1d" → seconds. One small grammar for --every and --random-delay,
 * the same whether systemd or cron carries it out.
 */
export function parseDuration(text: string, option: string): number {
  const t = text.trim().toLowerCase();
  const parts = [...t.matchAll(/(\d+)\s*([smhd])/g)];
  if (t === "" || parts.map((p) => p[0]).join("") !== t.replace(/\s+/g, "")) {
    throw new ScheduleError(`${option} ${JSON.stringify(text)}: not a duration (examples: 90s, 30m, 1h, 1h30m, 1d)`);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2] ?? "s"] ?? 1), 0);
}

/** Seconds as a systemd time span ("1h 30min", "20s"), which systemd parses back exactly. */
export function systemdSpan(seconds: number): string {
  const out: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["min", 60],
    ["s", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out.push(`${n}${unit}`);
    rest -= n * size;
  }
  return out.length > 0 ? out.join(" ") : "0";
}

/** Seconds as the operator wrote them, shortest form ("1h30m"): for status and descriptions. */
export function humanDuration(seconds: number): string {
  return systemdSpan(seconds).replace(/min/g, "m").replace(/ /g, "");
}
