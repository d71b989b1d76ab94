import { describe, expect, it } from "vitest";
import { xmlAttr, xmlSafe, xmlText } from "../../../src/report/xml.js";
import { parseXml } from "./xml-parse.js";

describe("XML escaping", () => {
  it("escapes markup in text and, with quotes and whitespace, in attributes", () => {
    expect(xmlText(`a<b>&"c'\td\r\n]]>`)).toBe(`a&lt;b&gt;&amp;"c'\td&#13;\n]]&gt;`);
    expect(xmlAttr(`a<b>&"c'\td\r\n`)).toBe("a&lt;b&gt;&amp;&quot;c&apos;&#9;d&#13;&#10;");
  });

  it("replaces characters XML 1.0 cannot carry, keeping paired surrogates and allowed controls", () => {
    expect(xmlSafe("\x00\x1b[0m\x7f\x85\uFFFE\uD83D\uDE00\uDE00\uD83D")).toBe("\\x00\\x1b[0m\x7f\x85\uFFFD\uD83D\uDE00\uFFFD\uFFFD");
  });
});

// The tests' XML reader must fail where a real parser fails, or it proves nothing.
describe("the tests' XML reader", () => {
  it.each([
    ["a bare &", "<a>x & y</a>"],
    ["< in an attribute", '<a b="<"/>'],
    ["an unknown entity", "<a>&nbsp;</a>"],
    ["a control character", "<a>\x1b</a>"],
    ["a reference to a control character", "<a>&#27;</a>"],
    ["mismatched tags", "<a><b></a></b>"],
    ["an unclosed element", "<a><b/>"],
    ["an unquoted attribute", "<a b=1/>"],
    ["two roots", "<a/><b/>"],
    ["]]> in text", "<a>]]></a>"],
  ])("rejects %s", (_, doc) => {
    expect(() => parseXml(doc)).toThrow();
  });

  it("decodes what it accepts", () => {
    expect(parseXml(`<a b="x&#10;y&quot;&#x26;" c='z\nw'>t&lt;&amp;</a>`)).toEqual({ name: "a", attrs: { b: 'x\ny"&', c: "z w" }, children: ["t<&"] });
  });
});
