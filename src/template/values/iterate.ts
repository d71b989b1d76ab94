import { TemplateValueError } from "../errors.js";
import { pyKeys } from "./dict-keys.js";
import { presentValue } from "./hook.js";
import { isMapping, pyTypeName } from "./kinds.js";
import { Undefined } from "./undefined.js";

// Python's iter() over template values, for filters: lists as they are, strings by character,
// dicts by key.

export function pyIterable(raw: unknown, what = "object"): unknown[] {
  const v = presentValue(raw);
  if (v instanceof Undefined) throw v.toError();
  if (Array.isArray(v)) return v;
  if (typeof v === "string") return [...v];
  if (isMapping(v)) return pyKeys(v);
  throw new TemplateValueError(`'${pyTypeName(v)}' ${what} is not iterable`);
}

export function isIterable(raw: unknown): boolean {
  const v = presentValue(raw);
  return Array.isArray(v) || typeof v === "string" || isMapping(v);
}
