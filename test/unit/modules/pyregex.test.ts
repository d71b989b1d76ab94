import { describe, expect, it } from "vitest";
import { pyExpand, pyInlineFlags, pyRegex } from "../../../src/modules/pyregex.js";

// Expected spans are Python 3.11's re.search on the same input.
const span = (p: string, s: string, multiline = false) => {
  const m = pyRegex(p, { multiline }).exec(s);
  return m ? [m.index, m.index + m[0].length] : null;
};

describe("Python regex to JavaScript", () => {
  it("$ matches at the end and before a final newline only", () => {
    expect(span("a$", "a\n")).toEqual([0, 1]);
    expect(span("a$", "a\nb")).toBeNull();
    expect(span("a$", "a\r\n")).toBeNull();
    expect(span("(?m)a$", "a\nb")).toEqual([0, 1]);
    expect(span("a$", "a\nb", true)).toEqual([0, 1]);
  });
  it("\\A and \\Z are the very start and end", () => {
    expect(span("a\\Z", "a\n")).toBeNull();
    expect(span("a\\Z", "a")).toEqual([0, 1]);
    expect(span("(?m)\\Ab", "a\nb")).toBeNull();
  });
  it("^ with (?m) is after \\n only", () => {
    expect(span("(?m)^b", "a\nb")).toEqual([2, 3]);
    expect(span("(?m)^b", "a\rb")).toBeNull();
  });
  it(". excludes only \\n; (?s) includes it", () => {
    expect(span("a.b", "a\rb")).toEqual([0, 3]);
    expect(span("a.b", "a\nb")).toBeNull();
    expect(span("(?s)a.b", "a\nb")).toEqual([0, 3]);
  });
  it("named groups and references, comments, verbose mode, {,n}", () => {
    const m = pyRegex("(?P<k>\\w+)=(?P=k)").exec("x ab=ab");
    expect(m?.groups?.k).toBe("ab");
    expect(span("a(?#comment)b", "ab")).toEqual([0, 2]);
    expect(span("(?x) a  b # trailing comment\n c", "abc")).toEqual([0, 3]);
    expect(span("(?x)[ ]", "a b")).toEqual([1, 2]);
    expect(span("a{,2}b", "aaab")).toEqual([1, 4]);
    expect(span("a{,}b", "aaab")).toEqual([0, 4]);
  });
  it("a ] first in a set is a literal", () => {
    expect(span("[]a]+", "x]a]")).toEqual([1, 4]);
    expect(span("[^]]+", "]]ab")).toEqual([2, 4]);
  });
  it("(?i) applies to the whole pattern", () => {
    expect(span("(?i)selinux", "SELINUX=x")).toEqual([0, 7]);
    expect(pyInlineFlags("(?im)x")).toEqual({ i: true, m: true, s: false, x: false });
  });
  it("refuses what JavaScript cannot express, with a message", () => {
    expect(() => pyRegex("(?i:a)b")).toThrow(/scoped inline flag/);
    expect(() => pyRegex("(?>a)")).toThrow(/atomic group/);
    expect(() => pyRegex("a*+")).toThrow(/possessive/);
    expect(() => pyRegex("(?(1)a|b)")).toThrow(/conditional/);
    expect(() => pyRegex("[a")).toThrow(/invalid regular expression/);
    expect(() => pyRegex("a\\")).toThrow(/trailing backslash/);
  });
});

describe("Python's Match.expand", () => {
  const m = pyRegex("^(?P<k>a)=(\\d)?").exec("a=") as RegExpExecArray;
  const m5 = pyRegex("^(?P<k>a)=(\\d)?").exec("a=5") as RegExpExecArray;
  it("numbered and named groups; unmatched groups are empty", () => {
    expect(pyExpand("\\1:\\2", m5)).toBe("a:5");
    expect(pyExpand("\\g<k>\\g<2>\\g<0>", m5)).toBe("a5a=5");
    expect(pyExpand("[\\2]", m)).toBe("[]");
  });
  it("escapes: \\n \\t \\\\ and octal; other punctuation keeps its backslash", () => {
    expect(pyExpand("\\1\\n\\t\\\\1", m5)).toBe("a\n\t\\1");
    expect(pyExpand("\\101\\0", m5)).toBe("A\0");
    expect(pyExpand("\\.", m5)).toBe("\\.");
    expect(pyExpand("$1", m5)).toBe("$1");
  });
  it("bad references fail like Python", () => {
    expect(() => pyExpand("\\3", m5)).toThrow(/invalid group reference 3/);
    expect(() => pyExpand("\\g<nope>", m5)).toThrow(/unknown group name/);
    expect(() => pyExpand("\\q", m5)).toThrow(/bad escape/);
  });
});
