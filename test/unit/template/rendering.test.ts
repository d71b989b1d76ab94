import { describe, expect, it } from "vitest";
import { expr, render } from "./helpers.js";

// Whitespace and output rules of Ansible's template module: trim_blocks on, lstrip_blocks off,
// the template's trailing newline kept, newlines normalised to \n, and Python's str() of values.

describe("whitespace like Ansible's template module", () => {
  it("keeps the trailing newline of the template", () => {
    expect(render("Hello {{ name }}!\n", { name: "World" })).toBe("Hello World!\n");
    expect(render("no newline", {})).toBe("no newline");
    expect(render("two\n\n", {})).toBe("two\n\n");
  });

  it("removes the first newline after a block tag (trim_blocks)", () => {
    expect(render("{% if true %}\nyes\n{% endif %}\nend\n")).toBe("yes\nend\n");
    expect(render("{% for x in [1, 2] %}\n- {{ x }}\n{% endfor %}\n")).toBe("- 1\n- 2\n");
  });

  it("does not strip indentation before a block tag (lstrip_blocks off)", () => {
    expect(render("  {% if true %}\n  x\n  {% endif %}\n")).toBe("    x\n  \n");
  });

  it("removes the newline after a comment, as Jinja2's trim_blocks does", () => {
    expect(render("a {# comment #}\nb\n{# own line #}\nc")).toBe("a b\nc");
  });

  it("keeps the newline after a variable tag", () => {
    expect(render("{{ 1 }}\n{{ 2 }}\n")).toBe("1\n2\n");
  });

  it("honours - whitespace control on blocks and variables", () => {
    expect(render("{%- if true -%}\n  x  \n{%- endif %}\n")).toBe("x\n");
    expect(render("a   {{- 'b' -}}   c")).toBe("abc");
    expect(render("{{ 1 }}{{ 'x' }}\n{%- if true %} y{% endif %}")).toBe("1x y");
  });

  it("normalises CRLF line endings to LF like Jinja2's newline_sequence", () => {
    expect(render("{% if true %}\r\na\r\n{% endif %}\r\nb\r\n")).toBe("a\nb\n");
  });

  it("outputs raw blocks verbatim and trims the newline after endraw", () => {
    expect(render("{% raw %}{{ not rendered }}{% endraw %}\n")).toBe("{{ not rendered }}\n");
  });
});

describe("Python stringification of values", () => {
  it("prints lists, dicts, tuples, booleans and None as Python does", () => {
    expect(expr("[1, 'a', None, True, False]")).toBe("[1, 'a', None, True, False]");
    expect(expr("{'a': 1, 'b': [1, {'c': None}]}")).toBe("{'a': 1, 'b': [1, {'c': None}]}");
    expect(expr("(1, 2)")).toBe("(1, 2)");
    expect(expr("[]")).toBe("[]");
    expect(expr("{}")).toBe("{}");
    expect(expr("True")).toBe("True");
    expect(expr("true")).toBe("True");
    expect(expr("xs", { xs: [1, "two", null, false, { k: "v" }] })).toBe("[1, 'two', None, False, {'k': 'v'}]");
  });

  it("quotes strings inside containers like repr()", () => {
    expect(expr(`["it's", 'say "hi"', 'a\\nb', 'tab\\t', 'back\\\\slash']`)).toBe(
      `["it's", 'say "hi"', 'a\\nb', 'tab\\t', 'back\\\\slash']`,
    );
    expect(expr("['é', '\\x00']")).toBe("['é', '\\x00']");
  });

  it("prints floats like Python: 1.0, 0.30000000000000004, 1e+20, 1.5e-07", () => {
    expect(render("{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 100000000000000000.0 }} {{ 3.14159 }}")).toBe(
      "1.0 0.30000000000000004 1e+20 1.5e-07 1e+17 3.14159",
    );
    expect(expr("4 / 2")).toBe("2.0");
    expect(expr("[1.0, 2.5]")).toBe("[1.0, 2.5]");
  });

  it("renders a None result as nothing (Ansible's finalize) but None inside containers", () => {
    expect(render("{{ none }}|{{ [none] }}|{{ d.n }}|{{ None }}", { d: { n: null } })).toBe("|[None]||");
  });

  it("renders very large integers without exponent notation", () => {
    expect(expr("n", { n: 1e21 })).toBe("1000000000000000000000");
  });
});
