import { FilterError } from "../errors.js";
import { pyTruthy } from "../values/compare.js";
import { isMapping, pyTypeName } from "../values/kinds.js";
import { numericValue } from "../values/py-float.js";
import { pyStr } from "../values/repr.js";
import { Undefined } from "../values/undefined.js";

// Argument coercions shared by filters, with Python's rules and errors that name the filter.

/** The site given to Undefined values a filter produces; the runtime relocates them to the filter call. */
export const FILTER_SITE = { file: "<filter>", line: 0, column: 0 } as const;

export function missingItem(name: string, hint: string): Undefined {
  return new Undefined(name, hint, FILTER_SITE);
}

export function str(filter: string, v: unknown, what = "input"): string {
  if (typeof v === "string") return v;
  throw new FilterError(filter, `${what} must be a string, got ${pyTypeName(v)}`);
}

/** Python's str() of any value (Ansible's to_text(..., nonstring='simplerepr')). */
export function text(v: unknown): string {
  return v === undefined ? "" : pyStr(v);
}

export function optionalText(v: unknown, fallback: string): string {
  return v === undefined ? fallback : pyStr(v);
}

export function int(filter: string, v: unknown, fallback: number, what = "argument"): number {
  if (v === undefined) return fallback;
  const n = numericValue(v);
  if (n === undefined || !Number.isInteger(n)) throw new FilterError(filter, `${what} must be an integer, got ${pyTypeName(v)}`);
  return n;
}

export function num(filter: string, v: unknown, what = "input"): number {
  const n = numericValue(v);
  if (n === undefined) throw new FilterError(filter, `${what} must be a number, got ${pyTypeName(v)}`);
  return n;
}

export function flag(v: unknown, fallback = false): boolean {
  return v === undefined ? fallback : pyTruthy(v);
}

export function list(filter: string, v: unknown, what = "input"): unknown[] {
  if (Array.isArray(v)) return v;
  throw new FilterError(filter, `${what} must be a list, got ${pyTypeName(v)}`);
}

export function dict(filter: string, v: unknown, what = "input"): Record<string, unknown> {
  if (isMapping(v)) return v;
  throw new FilterError(filter, `${what} must be a dictionary, got ${pyTypeName(v)}`);
}
