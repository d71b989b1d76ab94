import { describe, expect, it } from "vitest";
import { literalEval } from "../../../src/python/literal-eval.js";
import { pyRepr } from "../../../src/template/values/repr.js";
import { LiteralValueError, evalConcat } from "../../../src/vars/eval-concat.js";

// ansible_eval_concat of ansible-core 2.14.18 (ansible/template/native_helpers.py), case by case;
// the parity cases templated-vars-literal-* check the same against ansible-core itself.

describe("ansible_eval_concat", () => {
  it("reads text that starts with [ or { as a Python literal, with JSON's true/false/null", () => {
    expect(pyRepr(evalConcat("[1, 'a', (2, 3)]"))).toBe("[1, 'a', (2, 3)]");
    expect(pyRepr(evalConcat('{"on": true, "off": false, "none": null}'))).toBe("{'on': True, 'off': False, 'none': None}");
    expect(evalConcat("True")).toBe(true);
    expect(evalConcat("False")).toBe(false);
  });

  it("keeps the text where literal_eval raises ValueError, SyntaxError or MemoryError, and for other text", () => {
    for (const text of ["[1, 2] and more", "{oops", "[yes, no]", "[-true]", "true", "2", " [1]", "(1, 2)"]) expect(evalConcat(text)).toBe(text);
  });

  it("keeps the whole output of a string-type filter as text", () => {
    for (const f of ["to_json", "to_nice_json", "to_yaml", "to_nice_yaml", "string", "json", "ppretty"]) expect(evalConcat("[1, 2]", f)).toBe("[1, 2]");
    expect(evalConcat("[1, 2]", "trim")).toEqual([1, 2]);
  });

  it("fails where Ansible's template fails: a TypeError from literal_eval", () => {
    expect(() => evalConcat("{[1]: 2}")).toThrow(LiteralValueError);
    expect(() => evalConcat("{[1]: 2}")).toThrow(/TypeError: unhashable type: 'list'/);
  });
});

describe("literalEval jsonNames", () => {
  it("reads true, false and null only when asked, anywhere a constant may stand", () => {
    expect(literalEval("[true]").ok).toBe(false);
    const r = literalEval("{null: [true, {false}]}", { jsonNames: true });
    expect(r.ok && pyRepr(r.value)).toBe("{None: [True, {False}]}");
    expect(literalEval("-true", { jsonNames: true }).ok).toBe(false);
    expect(literalEval("set()", { jsonNames: true }).ok).toBe(true);
  });
});
