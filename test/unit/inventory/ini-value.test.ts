import { describe, expect, it } from "vitest";
import { iniValue } from "../../../src/inventory/ini-value.js";
import { PyFloat } from "../../../src/template/values/py-float.js";

// Expected values are what Python 3.11 gives for ini.py's _parse_value on the same text.
describe("iniValue: INI values typed as ansible-core's ini plugin types them", () => {
  it.each<[string, unknown]>([
    ["42", 42],
    ["-7", -7],
    ["+5", 5],
    ["0x1F", 31],
    ["0o17", 15],
    ["017", "017"],
    ["1_000", 1000],
    ["1.5", 1.5],
    ["-0.5", -0.5],
    ["True", true],
    ["true", "true"],
    ["None", null],
    ["'quoted'", "quoted"],
    ['"double"', "double"],
    ["hello", "hello"],
    ["hello world", "hello world"],
    ["10.0.0.1", "10.0.0.1"],
    ["1.2.3", "1.2.3"],
    ["http://example.com/?a=b", "http://example.com/?a=b"],
    ["", ""],
    ["[1,2,3]", [1, 2, 3]],
    ["{'a': 1, 'b': [True, None]}", { a: 1, b: [true, null] }],
    ["(1, 'x')", [1, "x"]],
    ["(1)", 1],
    ["b'raw'", "raw"],
    ["1 # comment", 1],
    ["  5", 5],
  ])("%s", (text, value) => {
    expect(iniValue(text).value).toEqual(value);
  });

  it("keeps Python's float for 2.0 and 1e3 for templates, a plain number for the rest", () => {
    const two = iniValue("2.0");
    expect(two.value).toBe(2);
    expect(two.exact).toBeInstanceOf(PyFloat);
    expect(iniValue("1e3").value).toBe(1000);
    expect(iniValue("42").exact).toBeUndefined();
  });

  it("fails where Python's literal_eval raises something else than ValueError or SyntaxError", () => {
    expect(() => iniValue("{[1]: 2}")).toThrow(/unhashable/);
  });
});
