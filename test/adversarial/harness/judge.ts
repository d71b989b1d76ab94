import { existsSync } from "node:fs";
import { basename } from "node:path";
import type { AdversarialCase } from "../case.js";
import type { CliRun } from "./run-cli.js";
import { type Snapshot, changes } from "./scratch.js";
import { MARK, SENTINEL } from "./site-source.js";

/** Hostile inputs must be refused within these (generous) bounds. */
export const HOSTILE_LIMITS = { wallMs: 30_000, rssKiB: 1024 * 1024 } as const;

/** A message that runs to megabytes (a huge input quoted whole) is not a clear one. */
const MAX_OUTPUT_BYTES = 64 * 1024;

/** What one case's run showed; `violations` empty means the input was handled as promised. */
export interface Verdict {
  violations: string[];
  /** Exit code, message and output all as promised (no stack trace). */
  clear: boolean;
  stackTrace: boolean;
  overBounds: boolean;
  /** Something ran or changed that must not have (sentinel, MARK, files outside mayChange). */
  changed: boolean;
}

// A Node stack trace, or a raw JavaScript error leaking through instead of an operator's message.
const STACK: readonly RegExp[] = [
  /^ {2,}at (?:async )?\S.*(?::\d+:\d+\)?|\(index \d+\)|\(native\)|<anonymous>\)?)$/m,
  /node:internal/,
  /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|EvalError|URIError|AggregateError)\b:/,
  /^\w*Error \[ERR_[A-Z_]+\]/m,
  /triggerUncaughtException|Uncaught exception|UnhandledPromiseRejection/,
];

/** Files a run may always leave: the run lock beside the site. */
const ALWAYS_ALLOWED = new Set([".do-converge.lock"]);

function allowed(path: string, patterns: NonNullable<AdversarialCase["mayChange"]>): boolean {
  return (
    ALWAYS_ALLOWED.has(path) ||
    patterns.some((p) => (typeof p !== "string" ? path.startsWith(p.prefix) : p.endsWith("/") ? path.startsWith(p) || `${path}/` === p : path === p))
  );
}

/** MARK, MARK2, ...: what payloads create; a literal file name merely containing MARK is not one. */
const isMark = (path: string) => new RegExp(`^${MARK}\\d*$`).test(basename(path));

const count = (text: string, re: RegExp) => text.match(new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`))?.length ?? 0;

/** `resolve` turns a case's text (with placeholders) into the real path. */
export function judge(c: AdversarialCase, run: CliRun, before: Snapshot, after: Snapshot, resolve: (text: string) => string): Verdict {
  const out = `${run.stdout}\n${run.stderr}`;
  const violations: string[] = [];
  let clear = true;
  const bad = (msg: string, unclear = false) => {
    violations.push(msg);
    if (unclear) clear = false;
  };

  if (run.killed) bad(run.killed, true);
  if (run.code !== c.exit) bad(`exit code ${run.code ?? "(none)"}, expected ${c.exit}`, true);
  if (!c.message.test(out)) bad(`the output does not match ${c.message}`, true);
  if (c.once && count(out, c.once) !== 1) bad(`${c.once} appears ${count(out, c.once)} times, expected once`, true);
  if (c.absent?.test(out)) bad(`the output contains ${c.absent}`, true);
  if (c.repeats && count(out, c.repeats.pattern) !== c.repeats.times) {
    bad(`${c.repeats.pattern} appears ${count(out, c.repeats.pattern)} times, expected ${c.repeats.times}`, true);
  }
  if (Buffer.byteLength(out) > MAX_OUTPUT_BYTES) bad(`${Buffer.byteLength(out)} bytes of output: more than ${MAX_OUTPUT_BYTES / 1024} KiB`, true);
  const stack = STACK.find((re) => re.test(out));
  if (stack) bad(`stack trace or raw JavaScript error in the output (${stack})`, true);

  let overBounds = false;
  if (c.hostile) {
    if (run.wallMs > HOSTILE_LIMITS.wallMs) {
      overBounds = true;
      bad(`took ${(run.wallMs / 1000).toFixed(1)} s, more than ${HOSTILE_LIMITS.wallMs / 1000} s`);
    }
    if (run.peakRssKiB !== undefined && run.peakRssKiB > HOSTILE_LIMITS.rssKiB) {
      overBounds = true;
      bad(`peak resident memory ${Math.round(run.peakRssKiB / 1024)} MiB, more than ${HOSTILE_LIMITS.rssKiB / 1024} MiB`);
    }
  }

  let changed = false;
  const diff = changes(before, after);
  if (after.has(SENTINEL) && c.kind !== "task") {
    changed = true;
    bad("the sentinel task ran: the run went ahead on bad input");
  }
  const marks = [...after.keys()].filter(isMark);
  if (marks.length) {
    changed = true;
    bad(`an injection payload ran: ${marks.join(", ")} exists`);
  }
  const stray = diff.filter((d) => !allowed(d.path, c.mayChange ?? []) && !isMark(d.path) && d.path !== SENTINEL);
  if (stray.length) {
    changed = true;
    bad(`files changed that must not have: ${stray.map((d) => `${d.path} (${d.what})`).join("; ")}`);
  }
  const escaped = (c.mustNotExist ?? []).map(resolve).filter((p) => existsSync(p));
  if (escaped.length) {
    changed = true;
    bad(`files were written outside the scratch directory: ${escaped.join(", ")}`);
  }
  if (c.kind === "task" && c.exit === 0) {
    const missing = (c.literal ?? []).filter((p) => !after.has(p));
    if (missing.length) bad(`the task did not do the literal thing: ${missing.join(", ")} missing`);
  }
  return { violations, clear, stackTrace: stack !== undefined, overBounds, changed };
}
