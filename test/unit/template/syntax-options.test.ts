import { describe, expect, it } from "vitest";
import { TemplateSyntaxError } from "../../../src/template/index.js";
import { engineWith } from "./helpers.js";

// The template module's syntax options (trim_blocks, lstrip_blocks, newline_sequence, the
// delimiters) as the engine applies them: to the template and to what it includes, in
// rendering and in the pre-flight check and variable analysis. Byte-for-byte agreement with
// ansible-core is the parity test's job (test/templates/cases/); these pin the engine's API.

const SQUARE = { variable_start_string: "[[", variable_end_string: "]]", block_start_string: "[%", block_end_string: "%]" };

describe("render options", () => {
  it("read the template and its includes with the given delimiters", () => {
    const engine = engineWith({
      "t.j2": "{{ kept }} [[ a ]]\n[% for i in xs %]\n[[ i ]]\n[% endfor %]\n[% include 'p.j2' %]\n",
      "p.j2": "{{ kept }} [[ a | upper ]]\n",
    });
    expect(engine.renderFile("t.j2", { a: "x", xs: [1, 2] }, SQUARE)).toBe("{{ kept }} x\n1\n2\n{{ kept }} X\n");
    // The same engine still renders the default syntax for a rendering without options.
    expect(engine.renderFile("p.j2", { kept: "k", a: "y" })).toBe("k [[ a | upper ]]\n");
  });

  it("end a tag only outside brackets, as Jinja2 does", () => {
    const engine = engineWith({ "t.j2": "[[ m[k[0]] ]]" });
    expect(engine.renderFile("t.j2", { m: { a: 1 }, k: ["a"] }, SQUARE)).toBe("1");
  });

  it("apply lstrip_blocks, trim_blocks off and newline_sequence", () => {
    const engine = engineWith({ "t.j2": "a\n  {% if 1 %}\nb\n  {% endif %}\n" });
    expect(engine.renderFile("t.j2", {}, { lstrip_blocks: true })).toBe("a\nb\n");
    expect(engine.renderFile("t.j2", {}, { trim_blocks: false })).toBe("a\n  \nb\n  \n");
    expect(engine.renderFile("t.j2", {}, { lstrip_blocks: true, newline_sequence: "\r\n" })).toBe("a\r\nb\r\n");
  });

  it("are honoured by check() and freeVariables()", () => {
    const engine = engineWith({ "t.j2": "{{ not jinja here }} [[ wanted ]] [% include 'p.j2' %]", "p.j2": "[[ also ]]" });
    expect(() => engine.check("t.j2")).toThrow(TemplateSyntaxError);
    expect(() => engine.check("t.j2", SQUARE)).not.toThrow();
    expect(engine.freeVariables("t.j2", SQUARE).map((v) => v.name).sort()).toEqual(["also", "wanted"]);
    expect(engine.references("t.j2", SQUARE)).toEqual(["p.j2"]);
  });

  it("refuse start strings Jinja2 could not tell apart", () => {
    const engine = engineWith({ "t.j2": "x" });
    expect(() => engine.renderFile("t.j2", {}, { variable_start_string: "{%" })).toThrow(/start strings must be different/);
  });
});

describe("Jinja2 lexing kept with any syntax", () => {
  it("prints a stray comment end as text and fails on an unterminated comment", () => {
    const engine = engineWith({ "t.j2": "a #} b {# c #}d\n", "u.j2": "x\n{# open" });
    expect(engine.renderFile("t.j2", {})).toBe("a #} b d\n");
    expect(() => engine.renderFile("u.j2", {})).toThrow(/u\.j2:2:1: Missing end of comment tag/);
  });

  it("gives a macro argument back after a loop variable of the same name", () => {
    const engine = engineWith({ "t.j2": "{% macro m(x) %}{% for x in [1, 2] %}{{ x }}{% endfor %}/{{ x }}{% endmacro %}{{ m('arg') }}" });
    expect(engine.renderFile("t.j2", {})).toBe("12/arg");
  });
});

describe("a template's #jinja2: first line", () => {
  it("is removed and sets the syntax of the template and what it includes, whose own header is text", () => {
    const engine = engineWith({
      "t.j2": "#jinja2: lstrip_blocks: True, variable_start_string: '[[', variable_end_string: ']]'\n  {% if 1 %}\n[[ a ]] {{ a }}\n  {% endif %}\n{% include 'p.j2' %}",
      "p.j2": "#jinja2: trim_blocks: False\n[[ a ]]\n",
    });
    expect(engine.renderFile("t.j2", { a: 1 })).toBe("1 {{ a }}\n#jinja2: trim_blocks: False\n1");
  });

  it("goes on top of the rendering's options", () => {
    const engine = engineWith({ "t.j2": "#jinja2: trim_blocks: True\n{% if 1 %}\nx\n{% endif %}\n" });
    expect(engine.renderFile("t.j2", {}, { trim_blocks: false, newline_sequence: "\r\n" })).toBe("x\r\n");
  });

  it("reads values as Python literals, so a quoted 'false' is a true value and 0 a false one", () => {
    const engine = engineWith({ "t.j2": "#jinja2: lstrip_blocks: 'false', trim_blocks: 0\n  {% if 1 %}\nx\n" + "  {% endif %}\n" });
    // As ansible-core 2.14 renders it: blanks stripped before the tags, their newlines kept.
    expect(engine.renderFile("t.j2", {})).toBe("\nx\n");
  });

  it("is only a header on line 1, at its first character", () => {
    const engine = engineWith({ "t.j2": "x\n#jinja2: trim_blocks: False\n", "u.j2": " #jinja2: trim_blocks: False\n" });
    expect(engine.renderFile("t.j2", {})).toBe("x\n#jinja2: trim_blocks: False\n");
    expect(engine.renderFile("u.j2", {})).toBe(" #jinja2: trim_blocks: False\n");
  });

  it("counts in error positions: line 3 of the file is line 3", () => {
    const engine = engineWith({ "t.j2": "#jinja2: trim_blocks: False\nok\n{{ nosuch }}\n" });
    expect(() => engine.renderFile("t.j2", {})).toThrow(/^t\.j2:3:4: undefined variable 'nosuch'/);
  });

  it("fails on a pair without a colon, a value that is not a literal, or an option this engine cannot apply", () => {
    const engine = engineWith({
      "a.j2": "#jinja2: trim_blocks\nx\n",
      "b.j2": "#jinja2: trim_blocks: yes\nx\n",
      "c.j2": "#jinja2: line_statement_prefix: '%'\nx\n",
      "d.j2": "#jinja2: newline_sequence: 1\nx\n",
      "e.j2": "#jinja2: some_setting: 1\nx\n",
    });
    expect(() => engine.renderFile("a.j2", {})).toThrow(/^a\.j2:1:10: #jinja2: cannot read 'trim_blocks'/);
    expect(() => engine.renderFile("b.j2", {})).toThrow(/^b\.j2:1:10: #jinja2: the value of trim_blocks is not a Python literal \(yes\)/);
    expect(() => engine.renderFile("c.j2", {})).toThrow(/line_statement_prefix .* is not supported/);
    expect(() => engine.renderFile("d.j2", {})).toThrow(/newline_sequence must be a string, got int/);
    // Not an attribute of Jinja2's environment: Ansible sets it where nothing reads it.
    expect(engine.renderFile("e.j2", {})).toBe("x\n");
  });
});
