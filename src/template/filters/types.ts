import { FilterError } from "../errors.js";
import { presentValue } from "../values/hook.js";
import { pyTypeName } from "../values/kinds.js";
import { pyIntResult } from "../values/arithmetic.js";
import { roundFloat } from "../values/number-format.js";
import { isPyFloat, numericValue, pyFloat } from "../values/py-float.js";
import { isPyWhitespace } from "../values/py-strings.js";
import { pyStr } from "../values/repr.js";
import { int, num, optionalText } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Conversions: Ansible's bool, Jinja2's int/float/string/round/abs, type_debug.

/** Python's int(str, base): optional sign, underscores between digits, base prefixes. */
function parseIntString(s: string, base: number): number | bigint | undefined {
  let t = s;
  while (t.length > 0 && isPyWhitespace(t[0] ?? "")) t = t.slice(1);
  while (t.length > 0 && isPyWhitespace(t[t.length - 1] ?? "")) t = t.slice(0, -1);
  let sign = 1;
  if (t.startsWith("-") || t.startsWith("+")) {
    sign = t.startsWith("-") ? -1 : 1;
    t = t.slice(1);
  }
  let b = base;
  const prefix = /^0([xob])/i.exec(t);
  if (prefix !== null) {
    const p = (prefix[1] ?? "").toLowerCase();
    const pb = p === "x" ? 16 : p === "o" ? 8 : 2;
    if (b === 0 || b === pb) {
      b = pb;
      t = t.slice(2).replace(/^_/, "");
    }
  }
  if (b === 0) b = 10;
  if (t === "" || t.startsWith("_") || t.endsWith("_") || t.includes("__")) return undefined;
  const digits = t.replace(/_/g, "");
  const valid = "0123456789abcdefghijklmnopqrstuvwxyz".slice(0, b);
  if (![...digits.toLowerCase()].every((c) => valid.includes(c))) return undefined;
  const n = sign * parseInt(digits, b);
  if (Number.isSafeInteger(n)) return n;
  // Python's ints are unbounded: a long digit string stays exact.
  const exact = [...digits.toLowerCase()].reduce((acc, c) => acc * BigInt(b) + BigInt(valid.indexOf(c)), 0n);
  return pyIntResult(sign < 0 ? -exact : exact);
}

/** Python's float(str). */
function parseFloatString(s: string): number | undefined {
  const t = s.trim().replace(/(\d)_(?=\d)/g, "$1");
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
  return Number(t);
}

function toInt(v: unknown, fallback: unknown, base: number): unknown {
  if (typeof v === "string") {
    const direct = parseIntString(v, base);
    if (direct !== undefined) return direct;
    const f = parseFloatString(v);
    return f === undefined || !Number.isFinite(f) ? fallback : Math.trunc(f);
  }
  if (typeof v === "bigint") return v;
  const n = numericValue(v);
  if (n === undefined || !Number.isFinite(n)) return fallback;
  return Math.trunc(n);
}

const TRUE = new Set(["yes", "on", "true", "1"]);
const FALSE = new Set(["no", "off", "false", "0"]);

export const typeFilters: FilterTable = {
  bool: defineFilter([], (v) => {
    // Ansible's to_bool returns None unchanged (and None renders as "").
    if (typeof v === "boolean" || v === null) return v;
    const key = typeof v === "string" ? v.toLowerCase() : typeof v === "number" && Number.isInteger(v) ? String(v) : undefined;
    if (key !== undefined && TRUE.has(key)) return true;
    if (key !== undefined && FALSE.has(key)) return false;
    // Ansible's (deprecated) fallback for anything else: value == 1.
    return numericValue(v) === 1;
  }),
  int: defineFilter(["default", "base"], (v, [fallback, base]) => toInt(v, fallback ?? 0, int("int", base, 10))),
  float: defineFilter(["default"], (v, [fallback]) => {
    if (typeof v === "string") {
      const f = parseFloatString(v);
      return f === undefined ? (fallback ?? pyFloat(0)) : pyFloat(f);
    }
    const n = numericValue(v);
    return n === undefined ? (fallback ?? pyFloat(0)) : pyFloat(n);
  }),
  string: defineFilter([], (v) => pyStr(v)),
  abs: defineFilter([], (v) => {
    if (typeof v === "bigint") return v < 0n ? -v : v;
    const n = num("abs", v);
    return isPyFloat(v) ? pyFloat(Math.abs(n)) : Math.abs(n);
  }),
  round: defineFilter(["precision", "method"], (v, [precision, method]) => {
    const x = num("round", v);
    const p = int("round", precision, 0, "precision");
    const how = optionalText(method, "common");
    // round(int) is the int itself, however large.
    if (typeof v === "bigint" && how === "common") return v;
    if (how === "common") {
      // Python's round(int, n) stays an int; round(float, n) is a float.
      return isPyFloat(v) ? pyFloat(roundFloat(x, p)) : x;
    }
    if (how !== "ceil" && how !== "floor") throw new FilterError("round", "method must be common, ceil or floor");
    const f = 10 ** p;
    return pyFloat((how === "ceil" ? Math.ceil(x * f) : Math.floor(x * f)) / f);
  }),
  type_debug: defineFilter([], (v) => pyTypeName(presentValue(v))),
};
