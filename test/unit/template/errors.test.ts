import { describe, expect, it } from "vitest";
import { TemplateRuntimeError, TemplateSyntaxError, UndefinedError } from "../../../src/template/index.js";
import { renderError } from "./helpers.js";

// Syntax and runtime errors name template:line:col. Unknown filters and tests are syntax errors,
// found before rendering as Jinja2 finds them at compile time.

describe("syntax errors", () => {
  it("name the line and column of the offending token", () => {
    const err = renderError("a\n{% for x in %}\n{% endfor %}", {}, "t.j2");
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err.message).toBe("t.j2:2:13: unexpected token: %}");
    expect(renderError("line\n  {{ 1 + }}", {}, "t.j2").message).toBe("t.j2:2:10: unexpected token: }}");
  });

  it("report unclosed blocks, stray end tags, unknown tags and unterminated comments", () => {
    expect(renderError("{% if x %}\nno end", {}, "t.j2").message).toBe("t.j2:2:7: expected elif, else, or endif, got end of file");
    expect(renderError("{% endfor %}", {}, "t.j2").message).toBe("t.j2:1:4: unknown block tag: endfor");
    expect(renderError("{% foo %}", {}, "t.j2").message).toBe("t.j2:1:4: unknown block tag: foo");
    expect(renderError("{# open", {}, "t.j2")).toBeInstanceOf(TemplateSyntaxError);
    expect(renderError("{{ a }", {}, "t.j2").message).toBe("t.j2:1:6: expected variable end");
  });

  it("report unknown filters and tests by name", () => {
    expect(renderError("{{ x | nope }}", { x: 1 }, "t.j2").message).toBe("t.j2:1:8: no filter named 'nope'");
    expect(renderError("{{ x is nope }}", { x: 1 }, "t.j2").message).toBe("t.j2:1:9: no test named 'nope'");
    // even in a branch that would never run
    expect(renderError("{% if false %}{{ x | nope }}{% endif %}")).toBeInstanceOf(TemplateSyntaxError);
  });
});

describe("runtime errors", () => {
  it("report Python's TypeErrors at the operator", () => {
    const err = renderError("{{ 'a' + 1 }}", {}, "t.j2");
    expect(err).toBeInstanceOf(TemplateRuntimeError);
    expect(err.message).toBe(`t.j2:1:8: can only concatenate str (not "int") to str`);
    expect(renderError("{{ 1 / 0 }}", {}, "t.j2").message).toBe("t.j2:1:6: division by zero");
    expect(renderError("{{ 1 < 'a' }}", {}, "t.j2").message).toBe("t.j2:1:6: '<' not supported between instances of 'int' and 'str'");
  });

  it("name the failing filter", () => {
    expect(renderError("{{ xs | join(',') }}\n{{ 'x' | b64decode }}", { xs: [1] }, "t.j2").message).toBe(
      "t.j2:2:10: filter 'b64decode': Incorrect padding",
    );
    expect(renderError("{{ 5 | dict2items }}", {}, "t.j2").detail).toBe(
      "filter 'dict2items': dict2items requires a dictionary, got <class 'int'> instead.",
    );
  });

  it("reject calling something that is not callable, and iterating a number", () => {
    expect(renderError("{% set x = 1 %}{{ x(1) }}", {}, "t.j2").detail).toBe("'x' is not callable ('int' object)");
    expect(renderError("{% for i in 5 %}{% endfor %}", {}, "t.j2").detail).toBe("'int' object is not iterable");
  });

  it("distinguish undefined values from other failures", () => {
    expect(renderError("{{ none.x }}")).toBeInstanceOf(UndefinedError);
    expect(renderError("{{ none.x }}").detail).toBe("'None' has no attribute 'x' (in 'None.x')");
  });
});
