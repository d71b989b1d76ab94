import { describe, expect, it } from "vitest";
import {
  PyRegexError,
  type PyRegexOptions,
  compilePyRegex,
  pyExpand,
  pyFindIter,
  pyReEscape,
  pyRegexFlags,
  pySearch,
  pySub,
  translatePyRegex,
} from "../../../src/python/regex.js";

// Every expected value here is CPython 3.11's on the same input: re.search(p, s).span() (None as
// null), re.subn, re.findall, Match.expand, re.escape, and for errors the re.error message
// without its " at position N". None of the subjects has characters outside the BMP unless the
// test compares matched text, so Python's code-point spans equal JavaScript's indexes.

type Result = readonly [number, number] | null | string;

function search(pattern: string, text: string, options: PyRegexOptions = {}): Result {
  try {
    const m = compilePyRegex(pattern, options).exec(text);
    return m === null ? null : [m.index, m.index + m[0].length];
  } catch (err) {
    if (err instanceof PyRegexError) return `ERR ${err.reason}`;
    throw err;
  }
}

const table = (cases: readonly (readonly [string, string, Result])[], options: PyRegexOptions = {}) => {
  for (const [pattern, text, expected] of cases) {
    it(`${JSON.stringify(pattern)} on ${JSON.stringify(text)}`, () => {
      expect(search(pattern, text, options)).toEqual(expected);
    });
  }
};

describe("anchors and the dot, exactly as Python has them", () => {
  // The template translator used JS's m flag and bare `.`, which also stop at \r, U+2028, U+2029.
  table([
    ["a$", "a\n", [0, 1]],
    ["a$", "a\nb", null],
    ["a$", "a\r\n", null],
    ["a.b", "a\rb", [0, 3]],
    ["a.b", "a\u2028b", [0, 3]],
    ["a.b", "a\nb", null],
    ["(?s)a.b", "a\nb", [0, 3]],
    ["(?m)^b", "a\nb", [2, 3]],
    ["(?m)^b", "a\rb", null],
    ["(?m)^b", "a\u2028b", null],
    ["(?m)a$", "a\rb", null],
    ["(?m)a$", "a\nb", [0, 1]],
    ["a\\Z", "a\n", null],
    ["a\\Z", "a", [0, 1]],
    ["(?m)\\Ab", "a\nb", null],
  ]);
});

describe("Python syntax JavaScript spells differently", () => {
  // Verbose mode, comments, {,n} and the literal { } ] were the module translator's only.
  table([
    ["(?x) a  b # trailing comment\n c", "abc", [0, 3]],
    ["(?x)[ ]", "a b", [1, 2]],
    ["(?x)a\\ b", "a b", [0, 3]],
    ["(?x)a\u00a0b", "a\u00a0b", [0, 3]],
    ["a(?#comment)b", "ab", [0, 2]],
    ["a{,2}b", "aaab", [1, 4]],
    ["a{,}b", "aaab", [0, 4]],
    ["x{}", "x{}", [0, 3]],
    ["x{a}", "x{a}", [0, 4]],
    ["x{1,2", "x{1,2", [0, 5]],
    ["a]}", "a]}", [0, 3]],
    ["[]a]+", "x]a]", [1, 4]],
    ["[^]]+", "]]ab", [2, 4]],
    ["(?P<k>\\w+)=(?P=k)", "x ab=ab", [2, 7]],
    ["(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\10", "abcdefghijj", [0, 11]],
    ["(a)\\1{2}", "aaa", [0, 3]],
    ["(a)(?<=\\1)", "a", [0, 1]],
    ["(?<=a|b)x", "bx", [1, 2]],
    ["(?<=a{2})x", "aax", [2, 3]],
    ["(?=a)*", "a", [0, 0]],
    ["(?<=a)?b", "b", [0, 1]],
  ]);
});

describe("escapes", () => {
  // \a was "a" in both old translators; \0, \101 octal; escaped punctuation JS's v mode rejects.
  table([
    ["\\a", "\x07", [0, 1]],
    ["[\\a]", "\x07", [0, 1]],
    ["\\x41", "A", [0, 1]],
    ["\\u00e9", "é", [0, 1]],
    ["\\U00000041", "A", [0, 1]],
    ["\\101", "A", [0, 1]],
    ["\\0", "\0", [0, 1]],
    ["[\\1]", "\x01", [0, 1]],
    ["\\-\\ \\#\\é", "- #é", [0, 4]],
  ]);
  it("\\U beyond the BMP is one character, in and out of sets", () => {
    expect(compilePyRegex("^\\U0001F600+$").test("😀😀")).toBe(true);
    expect(compilePyRegex("^[\\U0001F600]$").test("😀")).toBe(true);
  });
});

describe("str patterns are Unicode-aware, as Python's are", () => {
  table([
    ["\\w+", "café", [0, 4]],
    ["(?a)\\w+", "café", [0, 3]],
    ["\\d", "\u0663", [0, 1]],
    ["(?a)\\d", "\u0663", null],
    ["\\s", "\x1c", [0, 1]],
    ["\\s", "\x85", [0, 1]],
    ["\\s", "\ufeff", null],
    ["\\bfoo", "éfoo", null],
    ["\\Bfoo", "éfoo", [1, 4]],
    ["[^\\W\\d]+", "é1", [0, 1]],
    ["[\\W_]+", "a_-", [1, 3]],
    ["(?i)ſ", "s", [0, 1]],
    ["(?i)[a-z]", "\u212a", [0, 1]],
    ["(?i)ß", "ẞ", [0, 1]],
  ]);
  it("works on code points: . is one character, a set holds astral characters", () => {
    expect(compilePyRegex("^.$").test("😀")).toBe(true);
    expect(compilePyRegex("[😀]+").exec("x😀😀")?.[0]).toBe("😀😀");
  });
});

describe("bytes patterns (Ansible's lineinfile, blockinfile, wait_for)", () => {
  table(
    [
      ["\\w+", "café", [0, 3]],
      ["\\d", "\u0663", null],
      ["\\s", "\xa0", null],
      ["\\u0041", "A", "ERR bad escape \\u"],
      ["\\U00000041", "A", "ERR bad escape \\U"],
      ["\\N{EM DASH}", "x", "ERR bad escape \\N"],
      ["(?u)a", "a", "ERR bad inline flags: cannot use 'u' flag with a bytes pattern"],
      ["(?L)a", "a", [0, 1]],
      ["\\x41", "A", [0, 1]],
      ["(?i)selinux", "SELINUX=x", [0, 7]],
    ],
    { bytes: true },
  );
  it("\\b is ASCII: é is not a word character (Python: b'\\\\bfoo' matches in b'\\xc3\\xa9foo')", () => {
    expect(compilePyRegex("\\bfoo", { bytes: true }).test("éfoo")).toBe(true);
  });
});

describe("inline flags", () => {
  // Python 3.11 takes global flags only at the start; the module translator took them anywhere.
  table([
    ["(?i)(?m)^b", "a\nB", [2, 3]],
    ["(?#c)(?i)a", "A", [0, 1]],
    ["(?x) (?i)a", "A", [0, 1]],
    ["(?i)selinux", "SELINUX=x", [0, 7]],
    ["(?s:a.b)", "a\nb", [0, 3]],
    ["(?s)(?-s:a.b)", "a\nb", null],
    ["(?m:^b)", "a\nb", [2, 3]],
    ["(?x:a b) c", "ab c", [0, 4]],
    ["(?i)(?i:a)", "A", [0, 1]],
    ["(?-i:a)", "a", [0, 1]],
    ["a(?i)b", "aB", "ERR global flags not at the start of the expression"],
    ["((?i)a)", "A", "ERR global flags not at the start of the expression"],
    ["a|(?i)b", "B", "ERR global flags not at the start of the expression"],
    ["(?-i)a", "a", "ERR missing :"],
    ["(?L)a", "a", "ERR bad inline flags: cannot use 'L' flag with a str pattern"],
    ["(?au)a", "a", "ERR bad inline flags: flags 'a', 'u' and 'L' are incompatible"],
    ["(?a)(?u)a", "a", "ERR ASCII and UNICODE flags are incompatible"],
    ["(?s-s:a)", "a", "ERR bad inline flags: flag turned on and off"],
  ]);
  it("reports the flags a pattern compiles with", () => {
    expect(pyRegexFlags("(?im)x")).toEqual({ ignorecase: true, multiline: true, dotall: false, verbose: false, ascii: false });
    expect(pyRegexFlags("x", { dotall: true, bytes: true })).toEqual({ ignorecase: false, multiline: false, dotall: true, verbose: false, ascii: true });
    expect(translatePyRegex("(a)(?P<b>c)(?:d)").groups).toBe(2);
  });
});

describe("re.compile flags and re.match / re.fullmatch", () => {
  it("takes IGNORECASE, MULTILINE, DOTALL as options", () => {
    expect(search("^b", "a\nb", { multiline: true })).toEqual([2, 3]);
    expect(search("a$", "a\nb", { multiline: true })).toEqual([0, 1]);
    expect(search("a.b", "a\nb", { dotall: true })).toEqual([0, 3]);
    expect(search("é", "É", { ignorecase: true })).toEqual([0, 1]);
  });
  const cases: [string, string, boolean, boolean][] = [
    // pattern, text, re.match, re.fullmatch
    ["(?i)abc", "ABC", true, true],
    ["a|ab", "ab", true, true],
    ["a$", "a\n", true, false],
    ["web", "aweb", false, false],
    ["\\d+$", "web01", false, false],
  ];
  for (const [pattern, text, match, fullmatch] of cases) {
    it(`match / fullmatch ${JSON.stringify(pattern)} on ${JSON.stringify(text)}`, () => {
      expect(compilePyRegex(pattern, { mode: "match" }).test(text)).toBe(match);
      expect(compilePyRegex(pattern, { mode: "fullmatch" }).test(text)).toBe(fullmatch);
    });
  }
});

describe("fails where Python fails, with Python's message", () => {
  table([
    ["(?<n>a)", "a", "ERR unknown extension ?<n"],
    ["(?z)", "z", "ERR unknown extension ?z"],
    ["(?Px)", "a", "ERR unknown extension ?Px"],
    ["\\q", "q", "ERR bad escape \\q"],
    ["[\\q]", "q", "ERR bad escape \\q"],
    ["[\\A]", "A", "ERR bad escape \\A"],
    ["[\\8]", "8", "ERR bad escape \\8"],
    ["\\x4", "x4", "ERR incomplete escape \\x4"],
    ["\\u41", "u41", "ERR incomplete escape \\u41"],
    ["\\U00110000", "x", "ERR bad escape \\U00110000"],
    ["\\400", "x", "ERR octal escape value \\400 outside of range 0-0o377"],
    ["[\\400]", "x", "ERR octal escape value \\400 outside of range 0-0o377"],
    ["(a)\\2", "a", "ERR invalid group reference 2"],
    ["(a\\1)", "a", "ERR cannot refer to an open group"],
    ["\\1(a)", "aa", "ERR invalid group reference 1"],
    ["(a)\\12", "a\n", "ERR invalid group reference 12"],
    ["(?P=k)", "a", "ERR unknown group name 'k'"],
    ["(?P<k>a(?P=k))", "aa", "ERR cannot refer to an open group"],
    ["(?P<1>a)", "a", "ERR bad character in group name '1'"],
    ["(?P<a>x)(?P<a>y)", "xy", "ERR redefinition of group name 'a' as group 2; was group 1"],
    ["(?P<a", "a", "ERR missing >, unterminated name"],
    ["(?<=a+)b", "ab", "ERR look-behind requires fixed-width pattern"],
    ["(?<=a|bc)x", "ax", "ERR look-behind requires fixed-width pattern"],
    ["(?<=(a)\\1)x", "aax", "ERR cannot refer to group defined in the same lookbehind subpattern"],
    ["*a", "a", "ERR nothing to repeat"],
    ["a**", "a", "ERR multiple repeat"],
    ["^*", "", "ERR nothing to repeat"],
    ["\\b*", "", "ERR nothing to repeat"],
    ["x{2,1}", "xx", "ERR min repeat greater than max repeat"],
    ["a{4294967295}", "a", "ERR the repetition number is too large"],
    ["[z-a]", "a", "ERR bad character range z-a"],
    ["[\\w-a]", "-", "ERR bad character range \\w-a"],
    ["[a", "a", "ERR unterminated character set"],
    ["(a", "a", "ERR missing ), unterminated subpattern"],
    ["a)", "a", "ERR unbalanced parenthesis"],
    ["a\\", "a", "ERR bad escape (end of pattern)"],
  ]);
  it("throws a PyRegexError naming the pattern", () => {
    expect(() => compilePyRegex("[a")).toThrow(PyRegexError);
    expect(() => compilePyRegex("[a")).toThrow('invalid regular expression "[a": unterminated character set');
  });
});

describe("refuses what JavaScript cannot express, with a message", () => {
  // All valid in Python 3.11.
  it.each([
    ["(?i:a)b", /scoped inline flag/],
    ["(?i)(?-i:a)b", /scoped inline flag/],
    ["(?>a)", /atomic group/],
    ["a*+", /possessive/],
    ["a{2}+", /possessive/],
    ["(a)(?(1)a|b)", /conditional/],
    ["\\N{EM DASH}", /by name/],
  ])("%s", (pattern, message) => {
    expect(() => compilePyRegex(pattern)).toThrow(message);
    expect(() => compilePyRegex(pattern)).toThrow(/JavaScript cannot express/);
  });
});

describe("Python's Match.expand", () => {
  const re = compilePyRegex("^(?P<k>a)=(\\d)?");
  const m = re.exec("a=") as RegExpExecArray;
  const m5 = re.exec("a=5") as RegExpExecArray;
  it("numbered and named groups; unmatched groups are empty", () => {
    expect(pyExpand("\\1:\\2", m5)).toBe("a:5");
    expect(pyExpand("\\g<k>\\g<2>\\g<0>", m5)).toBe("a5a=5");
    expect(pyExpand("[\\2]", m)).toBe("[]");
    expect(pyExpand("\\g< 1>", m5)).toBe("a");
  });
  it("escapes: \\n \\t \\\\ and octal; other punctuation keeps its backslash", () => {
    expect(pyExpand("\\1\\n\\t\\\\1", m5)).toBe("a\n\t\\1");
    expect(pyExpand("\\101\\0", m5)).toBe("A\0");
    expect(pyExpand("\\a\\b\\f\\v", m5)).toBe("\x07\b\f\v");
    expect(pyExpand("\\.", m5)).toBe("\\.");
    expect(pyExpand("\\é", m5)).toBe("\\é");
    expect(pyExpand("$1", m5)).toBe("$1");
  });
  // The template's expander took \0 as the whole match, read \12 as \1 then "2", and gave ""
  // for \g<5>; the module's accepted \400.
  it.each([
    ["\\12", "invalid group reference 12"],
    ["\\g<5>", "invalid group reference 5"],
    ["\\3", "invalid group reference 3"],
    ["\\g", "missing <"],
    ["\\g<1", "missing >, unterminated name"],
    ["\\g<>", "missing group name"],
    ["\\g<a-b>", "bad character in group name 'a-b'"],
    ["\\g<nope>", "unknown group name 'nope'"],
    ["\\q", "bad escape \\q"],
    ["\\x41", "bad escape \\x"],
    ["\\", "bad escape (end of pattern)"],
    ["\\400", "octal escape value \\400 outside of range 0-0o377"],
  ])("fails like Python on %s", (template, reason) => {
    let caught: unknown;
    try {
      pyExpand(template, m5);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PyRegexError);
    expect((caught as PyRegexError).reason.replace(/ \(the regular expression has .*\)$/, "")).toBe(reason);
    expect((caught as PyRegexError).kind).toBe("replacement");
  });
  it("says how many groups there are", () => {
    expect(() => pyExpand("\\3", m5)).toThrow("invalid group reference 3 (the regular expression has 2 groups)");
  });
});

describe("re.subn", () => {
  const cases: [string, string, string, number, [string, number]][] = [
    ["x*", "-", "abxd", 0, ["-a-b--d-", 5]],
    ["", "-", "a😀b", 0, ["-a-😀-b-", 4]],
    ["a", "b", "aaa", 2, ["bba", 2]],
    ["(a)|b", "[\\1]", "ab", 0, ["[a][]", 2]],
    ["(?P<x>\\d)", "\\g<x>\\g<x>", "a1b2", 0, ["a11b22", 2]],
    ["(\\w)", "<\\0>", "ab", 0, ["<\0><\0>", 2]],
    ["(\\w)", "\\101\\012", "a", 0, ["A\n", 1]],
    ["(\\w)", "\\g<0>\\g<1>", "a", 0, ["aa", 1]],
    ["(\\w)", "\\.\\é$1", "a", 0, ["\\.\\é$1", 1]],
    ["\\w+", "X", "héllo wörld", 0, ["X X", 2]],
    ["$", "!", "a\nb\n", 0, ["a\nb!\n!", 2]],
    ["(?m)$", "!", "a\nb\n", 0, ["a!\nb!\n!", 3]],
  ];
  for (const [pattern, template, text, count, [output, subs]] of cases) {
    it(`${JSON.stringify(pattern)} -> ${JSON.stringify(template)} on ${JSON.stringify(text)}`, () => {
      expect(pySub(compilePyRegex(pattern), template, text, count)).toEqual({ output, subs });
    });
  }
});

describe("re.findall / re.finditer", () => {
  const findall = (pattern: string, text: string) =>
    [...pyFindIter(compilePyRegex(pattern), text)].map((m) => (m.length === 1 ? m[0] : m.length === 2 ? (m[1] ?? "") : m.slice(1).map((g) => g ?? "")));
  it("scans like Python, by code point", () => {
    expect(findall("\\d+", "ab12cd34")).toEqual(["12", "34"]);
    expect(findall("(\\w+)=(\\w+)", "k1=v1 k2=v2")).toEqual([["k1", "v1"], ["k2", "v2"]]);
    expect(findall("(a)|b", "ab")).toEqual(["a", ""]);
    expect(findall("", "a😀")).toEqual(["", "", ""]);
    expect(findall(".", "😀é")).toEqual(["😀", "é"]);
    expect(findall("\\w+", "naïve café")).toEqual(["naïve", "café"]);
  });
  // JavaScript moves one character on after an empty match; Python first tries for a non-empty
  // match at the same position (matchAll gives ["", "", "", "", "", ""] for the first).
  it("after an empty match, takes a non-empty match at the same position", () => {
    expect(findall("|\\D", "x1 y2")).toEqual(["", "x", "", "", " ", "", "y", "", ""]);
    expect(findall("(|a)(b?)", "aab")).toEqual([["", ""], ["a", ""], ["", ""], ["a", "b"], ["", ""]]);
    expect(pySub(compilePyRegex("a??"), "-", "aab")).toEqual({ output: "-----b-", subs: 6 });
  });
  // V8 reports zero-width matches between the halves of a surrogate pair after a look-behind.
  it("never matches inside a character outside the BMP", () => {
    expect(findall("\\B", "😀a😀")).toEqual(["", ""]);
    expect(pySub(compilePyRegex("(?m)^"), "> ", "😀a😀\n😀")).toEqual({ output: "> 😀a😀\n> 😀", subs: 2 });
    expect(pySub(compilePyRegex("(?<![a])"), "|", "😀a😀")).toEqual({ output: "|😀|a😀|", subs: 3 });
    expect(pySearch(compilePyRegex("(?<![a])(?![a])"), "a😀")?.index).toBe(3);
  });
});

describe("re.search, re.match, re.fullmatch with pySearch", () => {
  it("searches, or anchors as the RegExp was compiled", () => {
    expect(pySearch(compilePyRegex("b"), "ab")?.index).toBe(1);
    expect(pySearch(compilePyRegex("b", { mode: "match" }), "ab")).toBeNull();
    expect(pySearch(compilePyRegex("a|ab", { mode: "fullmatch" }), "ab")?.[0]).toBe("ab");
  });
  it("\\B never matches in the empty string (Python before 3.14)", () => {
    expect(pySearch(compilePyRegex("\\B"), "")).toBeNull();
    expect(pySearch(compilePyRegex("\\B", { bytes: true }), "")).toBeNull();
    expect(pySearch(compilePyRegex("\\B"), " ")?.index).toBe(0);
  });
});

describe("re.escape", () => {
  it("escapes only what is special in a pattern, and whitespace", () => {
    expect(pyReEscape("a.b*c d\t\n-_#&~é/%:'\"!@=,<>`")).toBe("a\\.b\\*c\\ d\\\t\\\n\\-_\\#\\&\\~é/%:'\"!@=,<>`");
  });
});
