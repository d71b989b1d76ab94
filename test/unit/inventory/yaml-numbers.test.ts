import { describe, expect, it } from "vitest";
import { parseVarsText } from "../../../src/inventory/vars-file.js";
import { plainOf, withExactValues } from "../../../src/template/index.js";
import { PyFloat } from "../../../src/template/values/py-float.js";

// A vars file's numbers in two forms: `value`, the plain JavaScript number everything but
// templates uses, and `exact`, Python's (PyYAML's) number, present only where the two differ.

describe("vars files keep Python's numbers beside the plain ones", () => {
  it("an integral float: plain 3, exact PyFloat(3); ints and non-integral floats have no exact form", () => {
    const v = parseVarsText("ratio: 3.0\nport: 3306\nhalf: 0.5\nname: x\n", "vars.yml");
    expect(v.ratio?.value).toBe(3);
    expect(v.ratio?.exact).toEqual(new PyFloat(3));
    expect(v.ratio?.exact).toBeInstanceOf(PyFloat);
    for (const k of ["port", "half", "name"]) expect(v[k]?.exact, k).toBeUndefined();
  });

  it("ints beyond 2^53 are exact bigints in decimal, hex, octal and with underscores", () => {
    const v = parseVarsText("a: 12345678901234567890\nb: 0x1FFFFFFFFFFFFFFFF\nc: -9007199254740993\nd: 1_000_000_000_000_000_000\ne: 0777777777777777777777\n", "vars.yml");
    expect(v.a?.exact).toBe(12345678901234567890n);
    expect(v.a?.value).toBe(12345678901234567890);
    expect(v.b?.exact).toBe(0x1ffffffffffffffffn);
    expect(v.c?.exact).toBe(-9007199254740993n);
    expect(v.d?.exact).toBe(1_000_000_000_000_000_000n);
    expect(v.e?.exact).toBe(0o777777777777777777777n);
  });

  it("float notations PyYAML reads as floats: exponent with a dot, trailing dot, sign, !!float", () => {
    const v = parseVarsText("a: 1.0e+3\nb: 5.\nc: +2.0\nd: !!float 3\ne: -0.0\nf: 1e3\n", "vars.yml");
    expect(v.a?.exact).toEqual(new PyFloat(1000));
    expect(v.b?.exact).toEqual(new PyFloat(5));
    expect(v.c?.exact).toEqual(new PyFloat(2));
    expect(v.d?.value).toBe(3);
    expect(v.d?.exact).toEqual(new PyFloat(3));
    expect(v.e?.exact).toBeInstanceOf(PyFloat);
    // PyYAML needs a dot for an exponent float: 1e3 is a string (say, a short git hash).
    expect(v.f?.value).toBe("1e3");
  });

  it("nested values, anchors and merge keys carry the exact form; keys stay strings", () => {
    const v = parseVarsText("base: &b {r: 1.0, s: 1}\nderived:\n  <<: *b\n  t: [2.0, 3]\nalias: *b\nplain: {x: 1}\n3.0: key\n", "vars.yml");
    expect(v.derived?.value).toEqual({ r: 1, s: 1, t: [2, 3] });
    expect(v.derived?.exact).toStrictEqual({ r: new PyFloat(1), s: 1, t: [new PyFloat(2), 3] });
    expect(v.alias?.exact).toStrictEqual({ r: new PyFloat(1), s: 1 });
    expect(v.plain?.exact).toBeUndefined();
    expect(v["3.0"]?.value).toBe("key");
    // Reading the exact form left the document's own values alone.
    expect(v.base?.value).toEqual({ r: 1, s: 1 });
  });

  it("JSON vars files: true stays a boolean, and 1e3 is a float as json.loads has it", () => {
    const v = parseVarsText('{"on": true, "off": false, "r": 3.0, "e": 1e3, "n": 2}', "vars.json");
    expect(v.on?.value).toBe(true);
    expect(v.off?.value).toBe(false);
    expect(v.r?.exact).toEqual(new PyFloat(3));
    expect(v.e?.exact).toEqual(new PyFloat(1000));
    expect(v.n?.exact).toBeUndefined();
  });
});

describe("withExactValues: the exact form stands in only for the value it mirrors", () => {
  const exact = { ratio: new PyFloat(3), big: 12345678901234567890n, list: [new PyFloat(1), 2] };

  it("replaces variables still holding the plain form", () => {
    const out = withExactValues({ ratio: 3, big: 12345678901234567890, list: [1, 2], other: "x" }, exact);
    expect(out).toStrictEqual({ ratio: new PyFloat(3), big: 12345678901234567890n, list: [new PyFloat(1), 2], other: "x" });
  });

  it("leaves a changed value (a schema's transform, code) and an absent one alone", () => {
    expect(withExactValues({ ratio: 6, list: [1] }, exact)).toEqual({ ratio: 6, list: [1] });
  });

  it("hands out copies: a template mutating a list cannot change the inventory's", () => {
    const out = withExactValues({ list: [1, 2] }, exact);
    (out.list as unknown[]).push(3);
    expect(exact.list).toHaveLength(2);
  });

  it("plainOf turns the exact form back into the plain one", () => {
    expect(plainOf(exact)).toEqual({ ratio: 3, big: 12345678901234567890, list: [1, 2] });
  });
});
