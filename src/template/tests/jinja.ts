import { TemplateValueError } from "../errors.js";
import { defineTest, type TestTable } from "../filters/registry.js";
import { isPyCallable } from "../runtime/callable.js";
import { pyCompare, pyContains, pyEquals } from "../values/compare.js";
import { isIterable } from "../values/iterate.js";
import { sequenceKind } from "../values/tagged.js";
import { isMapping, pyTypeName } from "../values/kinds.js";
import { bigIntPair, isPyFloat, isPyInt, numericValue, PyFloat } from "../values/py-float.js";
import { Undefined } from "../values/undefined.js";

// Jinja2's built-in tests (jinja2/tests.py), with Python's notion of types.

function int(test: string, v: unknown): number {
  const n = numericValue(v);
  if (n === undefined) throw new TemplateValueError(`test '${test}' needs a number, got ${pyTypeName(v)}`);
  return n;
}

const eq = defineTest(["other"], (v, [o]) => pyEquals(v, o));
const ne = defineTest(["other"], (v, [o]) => !pyEquals(v, o));
const lt = defineTest(["other"], (v, [o]) => pyCompare(v, o, "<") < 0);
const le = defineTest(["other"], (v, [o]) => pyCompare(v, o, "<=") <= 0);
const gt = defineTest(["other"], (v, [o]) => pyCompare(v, o, ">") > 0);
const ge = defineTest(["other"], (v, [o]) => pyCompare(v, o, ">=") >= 0);

// Tests that only look at what the value is (isinstance, identity) answer for an undefined value
// too, as under Jinja2's StrictUndefined; the others touch it (compare, iterate, str) and fail.
const LOOKS_ONLY = { acceptsUndefined: true } as const;

export const jinjaTests: TestTable = {
  defined: defineTest([], (v) => !(v instanceof Undefined), { acceptsUndefined: true }),
  undefined: defineTest([], (v) => v instanceof Undefined, { acceptsUndefined: true }),
  none: defineTest([], (v) => v === null, LOOKS_ONLY),
  boolean: defineTest([], (v) => typeof v === "boolean", LOOKS_ONLY),
  true: defineTest([], (v) => v === true, LOOKS_ONLY),
  false: defineTest([], (v) => v === false, LOOKS_ONLY),
  integer: defineTest([], (v) => isPyInt(v) || typeof v === "bigint", LOOKS_ONLY),
  float: defineTest([], (v) => isPyFloat(v), LOOKS_ONLY),
  number: defineTest([], (v) => typeof v === "number" || v instanceof PyFloat || typeof v === "boolean" || typeof v === "bigint", LOOKS_ONLY),
  string: defineTest([], (v) => typeof v === "string", LOOKS_ONLY),
  mapping: defineTest([], (v) => isMapping(v), LOOKS_ONLY),
  iterable: defineTest([], (v) => isIterable(v)),
  // len() and __getitem__: a set and dict views (keys(), items()) have no __getitem__.
  sequence: defineTest([], (v) => isIterable(v) && !(Array.isArray(v) && ["set", "dict_items", "dict_keys", "dict_values"].includes(sequenceKind(v)))),
  // Jinja2's Undefined has __call__ (it fails when called), so callable() says True.
  callable: defineTest([], (v) => v instanceof Undefined || isPyCallable(v) || typeof v === "function", LOOKS_ONLY),
  odd: defineTest([], (v) => Math.abs(int("odd", v) % 2) === 1),
  even: defineTest([], (v) => int("even", v) % 2 === 0),
  divisibleby: defineTest(["num"], (v, [n]) => {
    // Ints beyond 2^53 divide exactly, as Python's do.
    const big = bigIntPair(v, n);
    if (big !== undefined && big[1] !== 0n) return big[0] % big[1] === 0n;
    return int("divisibleby", v) % int("divisibleby", n) === 0;
  }),
  sameas: defineTest(["other"], (v, [o]) => v === o, LOOKS_ONLY),
  in: defineTest(["seq"], (v, [seq]) => pyContains(seq, v)),
  lower: defineTest([], (v) => typeof v === "string" && /\p{Ll}/u.test(v) && !/\p{Lu}/u.test(v)),
  upper: defineTest([], (v) => typeof v === "string" && /\p{Lu}/u.test(v) && !/\p{Ll}/u.test(v)),
  escaped: defineTest([], () => false, LOOKS_ONLY),
  eq,
  equalto: eq,
  "==": eq,
  ne,
  "!=": ne,
  lt,
  lessthan: lt,
  "<": lt,
  le,
  "<=": le,
  gt,
  greaterthan: gt,
  ">": gt,
  ge,
  ">=": ge,
};
