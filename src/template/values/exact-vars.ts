import { hasKeyTable, pyKeys, withKeyTable } from "./dict-keys.js";
import { isMapping } from "./kinds.js";
import { PyFloat } from "./py-float.js";
import { UnsafeText } from "./unsafe.js";

// Variables read from YAML reach templates with Python's number types: a float with an integral
// value (`ratio: 3.0`) as a PyFloat, an int beyond 2^53 as a bigint, as the engine represents
// numbers it computes, and a mapping with keys other than strings (`80: http`) keeps them. Everywhere else (role schemas, modules, reports) the same variables are
// plain JavaScript numbers. A vars reader keeps both forms; these helpers go between them.

/** The plain JavaScript form of a value: PyFloat → number, bigint → (nearest) number. */
export function plainOf(v: unknown): unknown {
  if (v instanceof PyFloat) return v.value;
  if (v instanceof UnsafeText) return v.text;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(plainOf);
  if (isMapping(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plainOf(x)]));
  return v;
}

/** True when a value holds a PyFloat, a bigint or an `!unsafe` string somewhere, i.e. differs from its plain form. */
export function hasExactNumbers(v: unknown): boolean {
  if (v instanceof PyFloat || typeof v === "bigint" || v instanceof UnsafeText) return true;
  if (Array.isArray(v)) return v.some(hasExactNumbers);
  if (isMapping(v)) return hasKeyTable(v) || Object.values(v).some(hasExactNumbers);
  return false;
}

/**
 * A deep copy that keeps PyFloats (structuredClone would turn them into plain objects), so a
 * template that mutates a list (`xs.append(1)`) cannot change the inventory's copy.
 */
export function cloneExact(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneExact);
  if (isMapping(v)) return withKeyTable(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneExact(x)])), pyKeys(v));
  return v;
}

/** Whether two plain values are the same data (deep). */
export function samePlain(a: unknown, b: unknown): boolean {
  if (Object.is(a, b) || a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => samePlain(x, b[i]));
  if (isMapping(a)) {
    if (!isMapping(b)) return false;
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && samePlain(a[k], b[k]));
  }
  return false;
}

/**
 * `vars` with each variable of `exact` put back in its Python-typed form, when the variable still
 * holds the plain form of that value. A value a role's schema transformed, or code replaced, no
 * longer matches and stays as it is: the exact form only stands in for the very value it mirrors.
 */
export function withExactValues(vars: Record<string, unknown>, exact: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  if (exact === undefined) return vars;
  const keys = Object.keys(exact).filter((k) => Object.hasOwn(vars, k) && samePlain(vars[k], plainOf(exact[k])));
  if (keys.length === 0) return vars;
  const out: Record<string, unknown> = { ...vars };
  for (const k of keys) out[k] = cloneExact(exact[k]);
  return out;
}
