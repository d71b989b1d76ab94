import { TemplateValueError } from "../errors.js";
import { defineTest, type TestTable } from "../filters/registry.js";
import { isPyCallable } from "../runtime/callable.js";
import { pyCompare, pyContains, pyEquals } from "../values/compare.js";
import { isIterable } from "../values/iterate.js";
import { isMapping, pyTypeName } from "../values/kinds.js";
import { isPyFloat, isPyInt, numericValue, PyFloat } from "../values/py-float.js";
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

export const jinjaTests: TestTable = {
  defined: defineTest([], (v) => !(v instanceof Undefined), { acceptsUndefined: true }),
  undefined: defineTest([], (v) => v instanceof Undefined, { acceptsUndefined: true }),
  none: defineTest([], (v) => v === null),
  boolean: defineTest([], (v) => typeof v === "boolean"),
  true: defineTest([], (v) => v === true),
  false: defineTest([], (v) => v === false),
  integer: defineTest([], (v) => isPyInt(v)),
  float: defineTest([], (v) => isPyFloat(v)),
  number: defineTest([], (v) => typeof v === "number" || v instanceof PyFloat || typeof v === "boolean"),
  string: defineTest([], (v) => typeof v === "string"),
  mapping: defineTest([], (v) => isMapping(v)),
  iterable: defineTest([], (v) => isIterable(v)),
  sequence: defineTest([], (v) => isIterable(v)),
  callable: defineTest([], (v) => isPyCallable(v) || typeof v === "function"),
  odd: defineTest([], (v) => Math.abs(int("odd", v) % 2) === 1),
  even: defineTest([], (v) => int("even", v) % 2 === 0),
  divisibleby: defineTest(["num"], (v, [n]) => int("divisibleby", v) % int("divisibleby", n) === 0),
  sameas: defineTest(["other"], (v, [o]) => v === o),
  in: defineTest(["seq"], (v, [seq]) => pyContains(seq, v)),
  lower: defineTest([], (v) => typeof v === "string" && /\p{Ll}/u.test(v) && !/\p{Lu}/u.test(v)),
  upper: defineTest([], (v) => typeof v === "string" && /\p{Lu}/u.test(v) && !/\p{Ll}/u.test(v)),
  escaped: defineTest([], () => false),
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
