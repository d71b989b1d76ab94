import { PyRegexError, compilePyRegex, pySearch } from "../../python/regex.js";
import { TemplateValueError } from "../errors.js";
import { defineTest, type TestTable } from "../filters/registry.js";
import { pyContains, pyTruthy } from "../values/compare.js";
import { pyIterable } from "../values/iterate.js";
import { numericValue } from "../values/py-float.js";
import { pyStr } from "../values/repr.js";
import { versionCompare } from "./version.js";
import { ansibleBoolean } from "./ansible-more.js";

// Ansible's tests (ansible/plugins/test/core.py and mathstuff.py) that make sense in a template:
// regex matching, versions, set relations, truthiness.

function regex(value: unknown, pattern: unknown, ignorecase: unknown, multiline: unknown, kind: "match" | "search" | "fullmatch"): boolean {
  const source = pyStr(pattern ?? "");
  let re: RegExp;
  try {
    // re.search / re.match / re.fullmatch: the mode makes the RegExp sticky (and anchored at the end).
    re = compilePyRegex(source, { ignorecase: pyTruthy(ignorecase ?? false), multiline: pyTruthy(multiline ?? false), mode: kind });
  } catch (err) {
    if (err instanceof PyRegexError) throw new TemplateValueError(`invalid regular expression '${source}': ${err.reason}`);
    throw err;
  }
  return pySearch(re, pyStr(value)) !== null;
}

function set(values: unknown): unknown[] {
  return pyIterable(values);
}

export const ansibleTests: TestTable = {
  match: defineTest(["pattern", "ignorecase", "multiline"], (v, [p, i, m]) => regex(v, p, i, m, "match")),
  search: defineTest(["pattern", "ignorecase", "multiline"], (v, [p, i, m]) => regex(v, p, i, m, "search")),
  regex: defineTest(["pattern", "ignorecase", "multiline", "match_type"], (v, [p, i, m, t]) => {
    const kind = t === "match" ? "match" : t === "fullmatch" ? "fullmatch" : "search";
    return regex(v, p, i, m, kind);
  }),
  version: defineTest(["version", "operator", "strict", "version_type"], (v, [ver, op, strict, type]) =>
    versionCompare(pyStr(v), pyStr(ver ?? ""), op === undefined || op === null ? "eq" : pyStr(op), strict === true ? "strict" : type === undefined || type === null ? "loose" : pyStr(type)),
  ),
  version_compare: defineTest(["version", "operator", "strict", "version_type"], (v, [ver, op, strict, type]) =>
    versionCompare(pyStr(v), pyStr(ver ?? ""), op === undefined || op === null ? "eq" : pyStr(op), strict === true ? "strict" : type === undefined || type === null ? "loose" : pyStr(type)),
  ),
  truthy: defineTest(["convert_bool"], (v, [c]) => (pyTruthy(c ?? false) ? ansibleBoolean(v) : pyTruthy(v))),
  falsy: defineTest(["convert_bool"], (v, [c]) => !(pyTruthy(c ?? false) ? ansibleBoolean(v) : pyTruthy(v))),
  subset: defineTest(["superset"], (v, [sup]) => set(v).every((x) => pyContains(set(sup), x))),
  superset: defineTest(["subset"], (v, [sub]) => set(sub).every((x) => pyContains(set(v), x))),
  issubset: defineTest(["superset"], (v, [sup]) => set(v).every((x) => pyContains(set(sup), x))),
  issuperset: defineTest(["subset"], (v, [sub]) => set(sub).every((x) => pyContains(set(v), x))),
  contains: defineTest(["item"], (v, [item]) => pyContains(v, item)),
  any: defineTest([], (v) => pyIterable(v).some((x) => pyTruthy(x))),
  all: defineTest([], (v) => pyIterable(v).every((x) => pyTruthy(x))),
  nan: defineTest([], (v) => Number.isNaN(numericValue(v) ?? 0)),
};
