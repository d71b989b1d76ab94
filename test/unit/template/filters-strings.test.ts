import { describe, expect, it } from "vitest";
import { expr, render, renderError } from "./helpers.js";

// String filters. Jinja2 built-ins were checked against Jinja2 3.1; Ansible's against
// ansible/plugins/filter/core.py run under CPython (re, shlex).

describe("Jinja2 string filters", () => {
  it("changes case, replaces, trims, centers", () => {
    expect(render("{{ 'hello world' | title }} {{ 'hELLO' | capitalize }} {{ 'a b c' | replace(' ', '_') }} {{ '  x  ' | trim }}|{{ 'ab' | center(6) }}|{{ 'x' | upper }} {{ 'aBc' | lower }}")).toBe(
      "Hello World Hello a_b_c x|  ab  |X abc",
    );
    expect(expr("'xxhixx' | trim('x')")).toBe("hi");
    expect(expr("'a-a-a' | replace('a', 'b', 2)")).toBe("b-b-a");
  });

  it("indents like Jinja2 (first line untouched, blank lines kept empty)", () => {
    expect(render("{{ 'a\\nb\\n\\nc' | indent(2) }}|{{ 'a\\nb' | indent(4, true) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}")).toBe(
      "a\n  b\n\n  c|    a\n    b|a\n  \n  b",
    );
  });

  it("truncates, counts words, formats", () => {
    expect(render("{{ 'hello world foo bar' | truncate(9) }} {{ 'hello world foo bar baz qux' | truncate(11, true) }} {{ 'a b c' | wordcount }} {{ '%s + %s' | format(1, 2) }}")).toBe(
      "hello... hello wo... 3 1 + 2",
    );
  });

  it("escapes HTML and URLs and formats file sizes", () => {
    expect(render("{{ 10 | filesizeformat }} {{ 1500 | filesizeformat }} {{ 2048 | filesizeformat(true) }} {{ '<a href=\"x\">' | e }} {{ 'a b&c' | urlencode }}")).toBe(
      "10 Bytes 1.5 kB 2.0 KiB &lt;a href=&#34;x&#34;&gt; a%20b%26c",
    );
  });
});

describe("Ansible string filters", () => {
  it("splits like str.split", () => {
    expect(render("{{ 'a,b, c' | split(',') }} {{ 'a b  c' | split }} {{ 'a-b-c' | split('-', 1) }}")).toBe("['a', 'b', ' c'] ['a', 'b', 'c'] ['a', 'b-c']");
  });

  it("quotes for the shell like shlex.quote", () => {
    expect(render(`{{ "it's here" | quote }} {{ 'simple' | quote }} {{ '' | quote }} {{ 'a b' | quote }}`)).toBe(`'it'"'"'s here' simple '' 'a b'`);
  });

  it("decorates comments in every style", () => {
    expect(expr("'Hello\\nWorld' | comment")).toBe("#\n# Hello\n# World\n#");
    expect(expr("'x' | comment('c')")).toBe("//\n// x\n//");
    expect(expr("'x' | comment('erlang')")).toBe("%\n% x\n%");
    expect(expr("'x' | comment('cblock')")).toBe("/*\n *\n * x\n *\n */");
    expect(expr("'x' | comment('xml')")).toBe("<!--\n -\n - x\n -\n-->");
    expect(expr("'x' | comment(decoration='; ')")).toBe(";\n; x\n;");
    expect(expr("'x' | comment(prefix_count=2, postfix_count=0)")).toBe("#\n#\n# x");
  });
});

describe("regex filters with Python re semantics", () => {
  it("replaces with \\1 and \\g<name> back-references", () => {
    expect(expr("'foo bar 123' | regex_replace('\\\\d+', 'N')")).toBe("foo bar N");
    expect(expr("'host-01' | regex_replace('^host-(\\\\d+)$', 'node\\\\1')")).toBe("node01");
    expect(expr("'k=v' | regex_replace('(?P<key>\\\\w+)=(?P<val>\\\\w+)', '\\\\g<val>=\\\\g<key>')")).toBe("v=k");
    expect(expr("'aaa' | regex_replace('a', 'b', count=2)")).toBe("bba");
    expect(expr("'ABC' | regex_replace('b', 'x', ignorecase=true)")).toBe("AxC");
    expect(expr("'a\\nb' | regex_replace('^', '> ', multiline=true)")).toBe("> a\n> b");
    expect(expr("'cost $5' | regex_replace('\\\\$(\\\\d)', '\\\\1 dollars')")).toBe("cost 5 dollars");
  });

  it("searches, returning the match, selected groups or None", () => {
    expect(expr("'server1.example.com' | regex_search('^(\\\\w+)\\\\.', '\\\\1')")).toBe("['server1']");
    expect(expr("'server1.example.com' | regex_search('\\\\d')")).toBe("1");
    expect(expr("'abc' | regex_search('z')")).toBe("");
    expect(expr("('abc' | regex_search('z')) is none")).toBe("True");
  });

  it("finds all matches, as strings or tuples", () => {
    expect(expr("'ab12cd34' | regex_findall('\\\\d+')")).toBe("['12', '34']");
    expect(expr("'k1=v1 k2=v2' | regex_findall('(\\\\w+)=(\\\\w+)')")).toBe("[('k1', 'v1'), ('k2', 'v2')]");
    expect(expr("'x1 y2' | regex_findall('[a-z](\\\\d)')")).toBe("['1', '2']");
  });

  it("escapes like re.escape", () => {
    expect(expr("'a.b*c d' | regex_escape")).toBe("a\\.b\\*c\\ d");
    expect(expr("'a.b*c' | regex_escape('posix_basic')")).toBe("a\\.b\\*c");
  });

  // Checked with CPython 3.11 re; these differed before the translators were merged.
  it("matches . ^ $ \\w as Python's str patterns do", () => {
    expect(expr("'a\\rb' | regex_search('a.b')")).toBe("a\rb");
    expect(expr("'a\\rb\\nc' | regex_replace('^', '> ', multiline=true)")).toBe("> a\rb\n> c");
    expect(expr("'café au lait' | regex_findall('\\\\w+')")).toBe("['café', 'au', 'lait']");
    expect(expr("'ab' | regex_replace('(?x) a b # verbose', 'X')")).toBe("X");
    expect(expr("'aaab' | regex_search('a{,2}b')")).toBe("aab");
    expect(expr("'x1 y2' | regex_findall('|\\\\D')")).toBe("['', 'x', '', '', ' ', '', 'y', '', '']");
  });

  it("expands replacements as Python does (\\0 is NUL, \\12 needs twelve groups)", () => {
    expect(expr("'ab' | regex_replace('(a)', '[\\\\0]') | length")).toBe("4");
    expect(renderError("{{ 'ab' | regex_replace('(a)', '\\\\12') }}").detail).toBe(
      'invalid replacement "\\\\12": invalid group reference 12 (the regular expression has 1 group)',
    );
  });

  it("fails on a pattern Python rejects, with Python's reason", () => {
    expect(renderError("{{ 'ab' | regex_search('a(?i)b') }}").detail).toBe("invalid regular expression 'a(?i)b': global flags not at the start of the expression");
    expect(renderError("{{ 'ab' | regex_replace('[a', 'x') }}").detail).toBe("invalid regular expression '[a': unterminated character set");
    expect(renderError("{{ 'ab' | regex_findall('(?i:a)') }}").detail).toMatch(/^invalid regular expression '\(\?i:a\)': a scoped inline flag group .* JavaScript cannot express/);
  });
});
