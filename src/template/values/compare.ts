import { TemplateValueError } from "../errors.js";
import { presentValue } from "./hook.js";
import { isKeyScalar, propertyOf } from "./dict-keys.js";
import { isMapping, pyTypeName } from "./kinds.js";
import { bigIntPair, numericValue, PyFloat } from "./py-float.js";
import { isTuple } from "./tagged.js";
import { Undefined } from "./undefined.js";

// Python's truthiness, equality, ordering and membership. Nunjucks uses JavaScript's, which is
// wrong for templates written for Ansible: `[]` and `{}` are false in Python, `[1] == [1]` is
// true, `'1' == 1` is false, and `'k' in {'k': 1}` tests keys.

function defined(raw: unknown): unknown {
  const v = presentValue(raw);
  if (v instanceof Undefined) throw v.toError();
  return v;
}

export function pyTruthy(raw: unknown): boolean {
  const v = defined(raw);
  if (v === null || v === undefined) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === "string") return v.length > 0;
  if (v instanceof String) return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isMapping(v)) return Object.keys(v).length > 0;
  return true;
}

export function pyEquals(rawA: unknown, rawB: unknown): boolean {
  const a = defined(rawA);
  const b = defined(rawB);
  const big = bigIntPair(a, b);
  if (big !== undefined) return big[0] === big[1];
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (a === null || a === undefined || b === null || b === undefined) {
    return (a === null || a === undefined) && (b === null || b === undefined);
  }
  if (typeof a === "string" || a instanceof String) {
    return (typeof b === "string" || b instanceof String) && String(a) === String(b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    return a.every((item, i) => pyEquals(item, b[i]));
  }
  if (isMapping(a)) {
    if (!isMapping(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** Python's ordering (<, >, ...): -1, 0 or 1; TypeError for unorderable types, as Python raises. */
export function pyCompare(rawA: unknown, rawB: unknown, op = "<"): number {
  const a = defined(rawA);
  const b = defined(rawB);
  const big = bigIntPair(a, b);
  if (big !== undefined) return big[0] < big[1] ? -1 : big[0] > big[1] ? 1 : 0;
  const na = numericValue(a);
  const nb = numericValue(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i], op);
    }
    return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
  }
  throw new TemplateValueError(
    `'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
  );
}

/** Python's `needle in haystack`. */
export function pyContains(rawHaystack: unknown, rawNeedle: unknown): boolean {
  const haystack = defined(rawHaystack);
  const needle = defined(rawNeedle);
  if (typeof haystack === "string") {
    if (typeof needle !== "string") {
      throw new TemplateValueError(`'in <string>' requires string as left operand, not ${pyTypeName(needle)}`);
    }
    return haystack.includes(needle);
  }
  if (Array.isArray(haystack)) return haystack.some((item) => pyEquals(item, needle));
  if (isMapping(haystack)) {
    // Keys of JSON-like data are strings; an int key written in YAML may have become one too.
    return isKeyScalar(needle) && propertyOf(haystack, needle) !== undefined;
  }
  throw new TemplateValueError(`argument of type '${pyTypeName(haystack)}' is not iterable`);
}
