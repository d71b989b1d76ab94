import { isAlias, isScalar, visit, type Node, type Scalar } from "yaml";
import { dictFromPairs } from "../template/values/dict-keys.js";
import { hasExactNumbers } from "../template/values/exact-vars.js";
import { pyFloat } from "../template/values/py-float.js";
import { UnsafeText } from "../template/values/unsafe.js";
import { nodeToJS } from "./yaml-aliases.js";
import type { YamlFile } from "./yaml-document.js";

// PyYAML (and json.loads) give Ansible Python numbers: `3.0` is a float and prints as 3.0, and
// ints have no size limit. The yaml package gives JavaScript numbers, which lose both. The plain
// value stays what the rest of do-converge works with; this computes, beside it, the value with
// the template engine's Python-exact numbers, for templates only (see template/values/exact-vars.ts).
// `!unsafe` strings are marked there too: variable evaluation reads that form and leaves them alone.

const FLOAT_TAG = "tag:yaml.org,2002:float";
const INT_TAG = "tag:yaml.org,2002:int";
/** Ansible's `!unsafe`: a string that is data, never templated. */
export const UNSAFE_TAG = "!unsafe";

/** Whether a scalar that resolved to a number is a float in Python (from its tag or its text). */
function isFloatScalar(node: Scalar, source: string): boolean {
  if (node.tag === FLOAT_TAG) return true;
  if (node.tag === INT_TAG) return false;
  // YAML 1.1 floats (as PyYAML reads them) all have a dot; JSON's may have only an exponent. A
  // hex int can hold an `e` digit, and no other int form has a dot or an `e`.
  return !/^[-+]?0x/i.test(source) && /[.eE]/.test(source);
}

/** The exact value of an int's text in YAML 1.1 or JSON notation; undefined if not recognised. */
function bigIntOf(source: string): bigint | undefined {
  const text = source.replace(/_/g, "");
  const m = /^([-+]?)(.*)$/.exec(text);
  if (m === null) return undefined;
  const sign = m[1] === "-" ? -1n : 1n;
  const digits = m[2] ?? "";
  let n: bigint;
  if (/^(?:0x[0-9a-f]+|0b[01]+|0o[0-7]+)$/i.test(digits)) n = BigInt(digits);
  else if (/^0[0-7]+$/.test(digits)) n = BigInt(`0o${digits.slice(1)}`);
  else if (/^[0-9]+$/.test(digits)) n = BigInt(digits);
  else return undefined;
  return sign * n;
}

/** The Python form of a scalar (a number, an `!unsafe` string), or undefined when the plain value is already exact. */
function exactScalar(node: Scalar): unknown {
  const v: unknown = node.value;
  if (node.tag === UNSAFE_TAG) return new UnsafeText(typeof v === "string" ? v : String(node.source ?? v));
  if (typeof v !== "number" || !Number.isInteger(v)) return undefined;
  const source = node.source;
  if (typeof source !== "string") return undefined;
  if (isFloatScalar(node, source)) return pyFloat(v);
  if (Number.isSafeInteger(v)) return undefined;
  const big = bigIntOf(source);
  // Only when the plain number is this int's nearest double, so the two forms stay one value.
  return big !== undefined && Number(big) === v ? big : undefined;
}

/** Every number scalar under `node` (following aliases) whose Python form differs from its JS one. */
function exactScalars(y: YamlFile, node: Node): Map<Scalar, unknown> {
  const found = new Map<Scalar, unknown>();
  const seen = new Set<Node>();
  const walk = (n: Node): void => {
    if (seen.has(n)) return;
    seen.add(n);
    visit(n, {
      // Keys stay as they are: a mapping key becomes a JavaScript string either way.
      Scalar(key, s) {
        if (key === "key") return;
        const e = exactScalar(s);
        if (e !== undefined) found.set(s, e);
      },
      Alias(_key, a) {
        const target = a.resolve(y.doc);
        if (target !== undefined) walk(target);
      },
    });
  };
  if (isAlias(node)) {
    const target = node.resolve(y.doc);
    if (target !== undefined) walk(target);
  } else walk(node);
  return found;
}

/**
 * The value of a node with Python's numbers (PyFloat for `3.0`, bigint for an int past 2^53);
 * undefined when that is the same as its plain value, which is nearly always.
 */
export function exactValue(y: YamlFile, node: Node | null): unknown {
  if (node === null) return undefined;
  if (isScalar(node)) return exactScalar(node);
  const scalars = exactScalars(y, node);
  const typedKeys = hasTypedKeys(y, node);
  if (scalars.size === 0 && !typedKeys) return undefined;
  // toJS reads each scalar's value (kept as is, anchors and merge keys applied); lending it the
  // exact values for one synchronous call is simpler than re-implementing that walk.
  const saved = new Map<Scalar, unknown>();
  try {
    for (const [s, e] of scalars) {
      saved.set(s, s.value);
      s.value = e;
    }
    const value: unknown = typedKeys ? dictsOf(nodeToJS(y, node, { mapAsMap: true })) : nodeToJS(y, node);
    return hasExactNumbers(value) ? value : undefined;
  } finally {
    for (const [s, v] of saved) s.value = v;
  }
}

/** Whether a mapping under `node` (following aliases) has a scalar key that is not a string (`80: http`). */
function hasTypedKeys(y: YamlFile, node: Node): boolean {
  let found = false;
  const seen = new Set<Node>();
  const walk = (n: Node): void => {
    if (found || seen.has(n)) return;
    seen.add(n);
    visit(n, {
      Pair(_key, p) {
        const k = p.key;
        if (!isScalar(k)) return;
        const v: unknown = k.value;
        if (v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") found = true;
      },
      Alias(_key, a) {
        const target = a.resolve(y.doc);
        if (target !== undefined) walk(target);
      },
    });
  };
  walk(isAlias(node) ? (node.resolve(y.doc) ?? node) : node);
  return found && !hasNonScalarKey(y, node);
}

/** A mapping key that is itself a mapping or a list: toJS would stringify it, so typed keys are not attempted. */
function hasNonScalarKey(y: YamlFile, node: Node): boolean {
  let found = false;
  visit(isAlias(node) ? (node.resolve(y.doc) ?? node) : node, {
    Pair(_key, p) {
      if (p.key !== null && !isScalar(p.key) && !isAlias(p.key)) found = true;
    },
  });
  return found;
}

/** toJS's value read with mapAsMap, each Map made a template dict that keeps its Python keys. */
function dictsOf(v: unknown): unknown {
  if (v instanceof Map) return dictFromPairs([...v].map(([k, x]) => [k, dictsOf(x)] as const));
  if (Array.isArray(v)) return v.map(dictsOf);
  return v;
}
