import { floatRepr, intRepr } from "./number-format.js";
import { PyFloat } from "./py-float.js";
import { pyRepr } from "./repr.js";

// A template dict is a plain object, so its keys are strings. Python's are not: `{1: 'x'}` has an
// int key, prints as {1: 'x'} and keeps insertion order, where a JavaScript object would list
// integer-like names first. A dict built with a key other than a string carries, in a
// non-enumerable side table, its keys as Python values in insertion order; the property names
// stay str(key) (as before), so code that only reads properties still finds the values.

const KEYS = Symbol("do-converge.template.dictKeys");

interface Keyed {
  [KEYS]?: readonly unknown[];
}

/** The property name a Python key is stored under: the key itself for a string, else its str() (as an int for a bool or an integral float). */
export function keyName(k: unknown): string {
  if (typeof k === "string") return k;
  if (k === null || k === undefined) return "None";
  // True == 1 and 1.0 == 1 in Python, with one hash: they are the same key.
  if (typeof k === "boolean") return k ? "1" : "0";
  if (typeof k === "number") return Number.isInteger(k) ? intRepr(k) : floatRepr(k);
  if (k instanceof PyFloat) return Number.isInteger(k.value) ? intRepr(k.value) : floatRepr(k.value);
  // A tuple's str() is its repr, "(1, 2)" (String() would give "1,2", the name of the str '1,2').
  if (Array.isArray(k)) return pyRepr(k);
  return String(k);
}

/** A dict from Python key/value pairs, in their order; later pairs win, as in Python. */
export function dictFromPairs(pairs: Iterable<readonly [unknown, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = new Map<string, unknown>();
  for (const [k, v] of pairs) {
    const name = keyName(k);
    // Python keeps the first key object of equal keys and replaces only the value.
    if (!keys.has(name)) keys.set(name, k);
    out[name] = v;
  }
  return withKeyTable(out, [...keys.values()]);
}

/**
 * Attaches the key table to `d` when one is needed: a key that is not a string, or string keys
 * JavaScript enumerates in another order than they were inserted (integer-like names such as
 * '1' come first in a JavaScript object, not in a Python dict).
 */
export function withKeyTable<T extends object>(d: T, keys: readonly unknown[]): T {
  const names = Object.keys(d);
  if (keys.length === names.length && keys.every((k, i) => typeof k === "string" && k === names[i])) return d;
  Object.defineProperty(d, KEYS, { value: keys, enumerable: false, configurable: true });
  return d;
}

/** Whether a dict carries Python keys other than strings. */
export function hasKeyTable(d: object): boolean {
  return (d as Keyed)[KEYS] !== undefined;
}

/**
 * A dict's keys as Python values, in insertion order. Keys the table knows come first, as they
 * were; a name added since (by update() or setdefault()) follows as a string, and a removed one
 * is left out, so a dict mutated after it was built stays consistent.
 */
export function pyKeys(d: object): unknown[] {
  const names = Object.keys(d);
  const table = (d as Keyed)[KEYS];
  if (table === undefined) return names;
  const left = new Set(names);
  const out: unknown[] = [];
  for (const k of table) {
    const name = keyName(k);
    if (left.delete(name)) out.push(k);
  }
  for (const name of names) if (left.has(name)) out.push(name);
  return out;
}

/** [key, value] pairs of a dict, keys as Python values. */
export function pyEntries(d: Record<string, unknown>): [unknown, unknown][] {
  return pyKeys(d).map((k) => [k, d[keyName(k)]]);
}

/** A scalar Python can hash as a dict key here (containers are unhashable or unsupported). */
export function isKeyScalar(k: unknown): boolean {
  return k === null || typeof k === "string" || typeof k === "number" || typeof k === "boolean" || typeof k === "bigint" || k instanceof PyFloat;
}

/**
 * The property holding Python key `k` in `d`, or undefined when `d` has no such key. In a dict
 * with a key table, `d['1']` does not find the int key 1 (nor `d[1]` a string '1'); a plain dict
 * answers by name, as before, since its int keys may have become strings on the way (JSON, YAML).
 */
export function propertyOf(d: object, k: unknown): string | undefined {
  const name = keyName(k);
  if (!Object.hasOwn(d, name)) return undefined;
  if ((d as Keyed)[KEYS] === undefined) return name;
  const stored = pyKeys(d).find((x) => keyName(x) === name);
  return (typeof stored === "string") === (typeof k === "string") ? name : undefined;
}

/** sort_keys (json, yaml): strings by code point, numbers by value (Python compares the keys themselves). */
export function sortedPyKeys(keys: unknown[]): unknown[] {
  const num = (k: unknown): number | undefined => (typeof k === "number" ? k : typeof k === "boolean" ? Number(k) : k instanceof PyFloat ? k.value : undefined);
  return [...keys].sort((a, b) => {
    const x = num(a);
    const y = num(b);
    if (x !== undefined && y !== undefined) return x - y;
    const p = keyName(a);
    const q = keyName(b);
    return p < q ? -1 : p > q ? 1 : 0;
  });
}

/** `out` (built from `sources` by copying or merging) given the Python keys of its sources, first seen first. */
export function withKeysOf<T extends object>(out: T, ...sources: object[]): T {
  if (!sources.some(hasKeyTable)) return out;
  const seen = new Set<string>();
  const keys: unknown[] = [];
  for (const k of sources.flatMap(pyKeys)) {
    const name = keyName(k);
    if (seen.has(name)) continue;
    seen.add(name);
    keys.push(k);
  }
  return withKeyTable(out, keys);
}
