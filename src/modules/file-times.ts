import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import { TemplateValueError } from "../template/errors.js";
import { type PyDateTime, strptime } from "../template/values/datetime.js";

// file's modification_time and access_time, as Ansible's file module reads them: "preserve"
// (leave the time alone), "now" (set it to the current time: always a change), or a time written
// in *_format (strptime directives), taken in the host's local time as Python's time.mktime does.

/** Ansible's default modification_time_format and access_time_format. */
export const DEFAULT_TIME_FORMAT = "%Y%m%d%H%M.%S";

export class TimeFormatError extends Error {}

/**
 * A time written in a strptime format, as broken-down local time ("YYYY-MM-DD HH:MM:SS", what
 * `date -d` reads in the host's time zone); fields left out default as in Python (1900-01-01
 * 00:00:00). The templates' strptime reads it, which knows the directives configuration uses.
 */
export function parseTime(text: string, format: string): string {
  let fields: PyDateTime["f"];
  try {
    fields = strptime(text, format).f;
  } catch (e) {
    if (e instanceof TemplateValueError) throw new TimeFormatError(e.message.replace(/^to_datetime: /, ""));
    throw e;
  }
  const { year, month, day, hour, minute, second } = fields;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59 || second > 61) {
    throw new TimeFormatError(`time data ${JSON.stringify(text)} is not a valid date and time (format ${JSON.stringify(format)})`);
  }
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(year, 4)}-${p(month)}-${p(day)} ${p(hour)}:${p(minute)}:${p(Math.min(second, 59))}`;
}

/** What one time argument asks for. */
export type TimeWant = { kind: "preserve" } | { kind: "now" } | { kind: "at"; local: string; text: string };

export function timeWant(value: string, format: string): TimeWant {
  if (value === "preserve") return { kind: "preserve" };
  if (value === "now") return { kind: "now" };
  return { kind: "at", local: parseTime(value, format), text: value };
}

/** The arguments, as the file module's schema takes them. */
export const TimeArgs = {
  // Unset means "preserve", for state=touch too (see wantedTimes).
  modification_time: z
    .string()
    .min(1)
    .optional()
    .describe('"preserve" (the default: left as it is), "now" (a change on every run), or a time written in modification_time_format, in the host\'s local time.'),
  modification_time_format: z.string().min(1).default(DEFAULT_TIME_FORMAT).describe("The strptime format of modification_time."),
  access_time: z
    .string()
    .min(1)
    .optional()
    .describe('"preserve" (the default: left as it is), "now" (a change on every run), or a time written in access_time_format, in the host\'s local time.'),
  access_time_format: z.string().min(1).default(DEFAULT_TIME_FORMAT).describe("The strptime format of access_time."),
};

export interface Times {
  mtime: TimeWant;
  atime: TimeWant;
}

/**
 * Unset, a time is kept, for state=touch too. Ansible's touch sets both to now by default and so
 * reports a change on every run; here a touch without times stays idempotent (a second converge
 * is changed=0, and drift detection stays quiet), and `modification_time: "now"` asks for
 * Ansible's behaviour explicitly.
 */
export function wantedTimes(a: { modification_time?: string | undefined; modification_time_format: string; access_time?: string | undefined; access_time_format: string }): Times {
  return { mtime: timeWant(a.modification_time ?? "preserve", a.modification_time_format), atime: timeWant(a.access_time ?? "preserve", a.access_time_format) };
}

export const keepsTimes = (t: Times) => t.mtime.kind === "preserve" && t.atime.kind === "preserve";
const fixed = (t: Times): TimeWant[] => [t.mtime, t.atime].filter((w) => w.kind === "at");

/** The times a path has now, and the epoch seconds the wanted fixed times stand for on the host. */
export interface TimesNow {
  /** Epoch seconds with fractions, as stat prints them; undefined for a path that does not exist yet. */
  mtime?: number;
  atime?: number;
  /** Wanted "at" times (their local text) → epoch seconds in the host's time zone. */
  epochs: Record<string, number>;
}

/** A read-only script printing the path's times, then each fixed time's epoch (one per line). */
export function timesProbeScript(path: string, t: Times): string {
  return [
    `stat -L -c '%.9Y %.9X' -- ${shellQuote(path)} 2>/dev/null || echo absent`,
    ...fixed(t).map((w) => (w.kind === "at" ? `date -d ${shellQuote(w.local)} +%s || echo invalid` : "")),
  ].join("\n");
}

export function parseTimesProbe(stdout: string, t: Times): TimesNow {
  const [head = "", ...rest] = stdout.split("\n");
  const [m, a] = head.split(" ");
  const epochs: Record<string, number> = {};
  fixed(t).forEach((w, i) => {
    if (w.kind === "at") epochs[w.local] = Number(rest[i]);
  });
  return { ...(head !== "absent" && m && a ? { mtime: Number(m), atime: Number(a) } : {}), epochs };
}

const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace(".000Z", "Z");

/**
 * What the times need, as Ansible's update_timestamp_for_file decides it: nothing when both are
 * preserved; a change whenever one is "now"; a fixed time only when it differs from the path's.
 * `now` is undefined for a path about to be created (its times are then whatever it gets).
 */
export function timeChanges(t: Times, now: TimesNow): { summary: string[]; before: string; after: string } | undefined {
  if (keepsTimes(t)) return undefined;
  const one = (label: string, w: TimeWant, cur: number | undefined) => {
    if (w.kind === "preserve") return undefined;
    if (w.kind === "now") return { line: `${label} now`, before: cur, after: "now" };
    const e = now.epochs[w.local];
    if (e === undefined || Number.isNaN(e)) return undefined;
    return cur === e ? undefined : { line: `${label} ${w.text}`, before: cur, after: iso(e) };
  };
  const parts = [one("mtime", t.mtime, now.mtime), one("atime", t.atime, now.atime)];
  const changes = parts.filter((p) => p !== undefined);
  if (changes.length === 0) return undefined;
  const text = (k: "before" | "after") =>
    ["mtime", "atime"]
      .map((label, i) => {
        const p = parts[i];
        const cur = i === 0 ? now.mtime : now.atime;
        const v = k === "after" && p ? p.after : cur === undefined ? "(new)" : iso(cur);
        return `${label}: ${v}\n`;
      })
      .join("");
  return { summary: changes.map((c) => c.line), before: text("before"), after: text("after") };
}

/** Commands setting the times on path (touch -c: never creates it). */
export function timeCommands(path: string, t: Times, now: TimesNow): string[] {
  const p = shellQuote(path);
  if (t.mtime.kind === "now" && t.atime.kind === "now") return [`touch -c -- ${p}`];
  const out: string[] = [];
  const set = (flag: "-m" | "-a", w: TimeWant) => {
    if (w.kind === "now") out.push(`touch -c ${flag} -- ${p}`);
    if (w.kind === "at") out.push(`touch -c ${flag} -d @${now.epochs[w.local]} -- ${p}`);
  };
  set("-m", t.mtime);
  set("-a", t.atime);
  return out;
}
