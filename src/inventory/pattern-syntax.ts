import { isIP } from "node:net";
import { HostPatternError } from "./errors.js";
import { hasGlobSyntax } from "./glob.js";

/** How one piece of a pattern combines with the pieces before it. */
export type PatternOp = "union" | "intersect" | "exclude";

/** `[i]` picks one host (negative counts from the end); `[a:b]` a slice with an inclusive end. */
export type Subscript = { kind: "index"; index: number } | { kind: "slice"; start: number; end?: number };

/** One piece of a host pattern, e.g. `!db[0]` → exclude, expr `db`, subscript index 0. */
export interface PatternAtom {
  readonly text: string;
  readonly op: PatternOp;
  readonly kind: "name" | "glob" | "regex";
  readonly expr: string;
  readonly subscript?: Subscript;
  /** for kind "regex": matches at the start of a name, like Python's re.match */
  readonly regex?: RegExp;
}

/**
 * Splits `a,b:c[1:2]:!d` into pieces. Like Ansible: commas separate; colons separate too,
 * except inside `[...]` and in an IPv6 address. Unlike Ansible, commas and colons may be mixed
 * (Ansible stops splitting on colons once it sees a comma), and a comma-separated piece that is a
 * regex (`~...`) is never split on colons, since `(?:...)` is common in regexes.
 */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  const parts = typeof pattern === "string" ? [pattern] : pattern;
  return parts.flatMap((p) => p.split(",").flatMap(splitColons)).map((p) => p.trim()).filter((p) => p !== "");
}

function splitColons(piece: string): string[] {
  const trimmed = piece.trim();
  if (/^[&!]?~/.test(trimmed) || isIP(trimmed) === 6) return [trimmed];
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of trimmed) {
    if (c === "[") depth++;
    else if (c === "]") depth = Math.max(0, depth - 1);
    if (c === ":" && depth === 0) {
      out.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

/** Parses one piece; `whole` is the full pattern, for error messages. */
export function parseAtom(text: string, whole: string): PatternAtom {
  const op: PatternOp = text.startsWith("&") ? "intersect" : text.startsWith("!") ? "exclude" : "union";
  const body = op === "union" ? text : text.slice(1);
  if (body === "") throw new HostPatternError(whole, `'${text}' must be followed by a group or host name`);
  if (/\s/.test(body)) throw new HostPatternError(whole, `'${body}' contains whitespace; separate patterns with ',' or ':'`);
  if (body.startsWith("~")) return { text, op, kind: "regex", expr: body, regex: compileRegex(body.slice(1), whole) };
  const { expr, subscript } = splitSubscript(body, whole);
  const kind = hasGlobSyntax(expr) ? "glob" : "name";
  return subscript === undefined ? { text, op, kind, expr } : { text, op, kind, expr, subscript };
}

function compileRegex(source: string, whole: string): RegExp {
  if (source === "") throw new HostPatternError(whole, "'~' must be followed by a regular expression");
  try {
    return new RegExp(`^(?:${source})`);
  } catch (err) {
    throw new HostPatternError(whole, `invalid regular expression '${source}': ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * Ansible's subscripts: `[i]` (i may be negative), `[a:b]` inclusive of b, `[a:]` to the end.
 * `[:b]` (from the start) is documented by Ansible though its parser does not take it; we do.
 */
function splitSubscript(body: string, whole: string): { expr: string; subscript?: Subscript } {
  const index = /^(.+)\[(-?\d+)\]$/.exec(body);
  if (index !== null) return { expr: index[1] ?? "", subscript: { kind: "index", index: Number(index[2]) } };
  const slice = /^(.+)\[(-?\d*):(-?\d*)\]$/.exec(body);
  if (slice !== null) {
    const [, expr = "", start = "", end = ""] = slice;
    if (start === "" && end === "") throw new HostPatternError(whole, `'${body}': a slice needs a start or an end, e.g. [0:2]`);
    if (start.startsWith("-") || end.startsWith("-")) {
      throw new HostPatternError(whole, `'${body}': slice bounds cannot be negative; use [-1] for the last host`);
    }
    const from = Number(start || "0");
    const subscript: Subscript = end === "" ? { kind: "slice", start: from } : { kind: "slice", start: from, end: Number(end) };
    return { expr, subscript };
  }
  const dashed = /^(.+)\[(\d+)-(\d*)\]$/.exec(body);
  if (dashed !== null) {
    const [, , from = "", to = ""] = dashed;
    throw new HostPatternError(whole, `'${body}': [x-y] subscripts were removed from Ansible; write [${from}:${to}] (inclusive)`);
  }
  return { expr: body };
}
