import { describe, expect, it } from "vitest";
import { TemplateNotFoundError, TemplateSyntaxError, UndefinedError } from "../../../src/template/index.js";
import { engineWith } from "./helpers.js";

// include / import / extends resolve through the search paths, as Jinja2's FileSystemLoader
// (and so Ansible's template module) does; errors name the file they are in.

const FILES = {
  "base.j2": "header\n{% block body %}default body\n{% endblock %}\nfooter\n",
  "child.j2": "{% extends 'base.j2' %}\n{% block body %}child {{ name }} / {{ super() }}{% endblock %}\n",
  "macros.j2": "{% macro server(h, port=80) %}server {{ h }}:{{ port }}{% endmacro %}\n{% set answer = 42 %}\n",
  "main.j2":
    "{% import 'macros.j2' as m %}{% from 'macros.j2' import server %}{{ m.server('a') }}\n{{ server('b', 8080) }}\n{{ m.answer }}\n{% for h in hosts %}{% include 'part.j2' %}{% endfor %}done\n",
  "part.j2": "- {{ h }} of {{ hosts | length }}\n",
  "sub/nested.j2": "nested {{ 1 + 1 }}\n",
};

describe("template loading through search paths", () => {
  it("renders extends with blocks and super()", () => {
    expect(engineWith(FILES).renderFile("child.j2", { name: "N" })).toBe("header\nchild N / default body\nfooter\n");
  });

  it("renders import, from-import and include (with the loop variable visible)", () => {
    expect(engineWith(FILES).renderFile("main.j2", { hosts: ["x", "y"] })).toBe("server a:80\nserver b:8080\n42\n- x of 2- y of 2done\n");
  });

  it("continues a loop body after an include, with loop state intact", () => {
    const engine = engineWith({
      "t.j2": "{% set top = 'T' %}{% for h in ['a', 'b'] %}[{% include 'row.j2' %}|{{ loop.index }}{% set x = h %}{{ x }}]{% endfor %}\n",
      "row.j2": "{{ top }}{{ h }}{{ loop is defined }}",
    });
    // The body names `loop`, so Jinja2 makes it a local and the include sees it (ansible-core 2.14 renders this).
    expect(engine.renderFile("t.j2", {})).toBe("[TaTrue|1a][TbTrue|2b]\n");
  });

  it("passes `loop` to an include only when the loop body itself names it, as Jinja2 does", () => {
    const engine = engineWith({
      "t.j2": "{% for h in ['a'] %}{% include 'row.j2' %}{% endfor %}",
      "u.j2": "{% for h in ['a'] %}{% if loop.first %}{% include 'row.j2' %}{% endif %}{% endfor %}",
      "row.j2": "{{ h }}{{ loop is defined }}",
    });
    expect(engine.renderFile("t.j2", {})).toBe("aFalse");
    expect(engine.renderFile("u.j2", {})).toBe("aTrue");
  });

  it("looks names up in subdirectories and in later search paths", () => {
    const engine = engineWith({ "first.j2": "{% include 'second.j2' %}" }, { "second.j2": "from the second path\n" });
    expect(engine.renderFile("first.j2", {})).toBe("from the second path");
    expect(engineWith(FILES).renderFile("sub/nested.j2", {})).toBe("nested 2\n");
  });

  it("prefers the first search path that has the template", () => {
    const engine = engineWith({ "t.j2": "one" }, { "t.j2": "two" });
    expect(engine.renderFile("t.j2", {})).toBe("one");
  });

  it("skips a missing include with ignore missing", () => {
    expect(engineWith({ "t.j2": "a{% include 'nope.j2' ignore missing %}b" }).renderFile("t.j2", {})).toBe("ab");
  });
});

describe("errors across files", () => {
  it("reports a missing top-level template", () => {
    const engine = engineWith(FILES);
    expect(() => engine.renderFile("missing.j2", {})).toThrow(TemplateNotFoundError);
    expect(() => engine.renderFile("../escape.j2", {})).toThrow(TemplateNotFoundError);
  });

  it("reports a missing include at the include's line", () => {
    const engine = engineWith({ "t.j2": "line1\n{% include 'nope.j2' %}\n" });
    const err = catchError(() => engine.renderFile("t.j2", {}));
    expect(err).toBeInstanceOf(TemplateNotFoundError);
    expect([err.file, err.line]).toEqual(["t.j2", 2]);
  });

  it("reports an undefined variable in the included file, not the including one", () => {
    const engine = engineWith({ "outer.j2": "a\n{% include 'inner.j2' %}\n", "inner.j2": "x\ny {{ nope }}\n" });
    const err = catchError(() => engine.renderFile("outer.j2", {}));
    expect(err).toBeInstanceOf(UndefinedError);
    expect(err.message).toBe("inner.j2:2:6: undefined variable 'nope'");
  });

  it("reports a syntax error in an included file with its position", () => {
    const engine = engineWith({ "outer.j2": "{% include 'broken.j2' %}", "broken.j2": "ok\n{% if x %}\nno endif\n" });
    const err = catchError(() => engine.renderFile("outer.j2", { x: 1 }));
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err.file).toBe("broken.j2");
  });

  it("reports an error after an include against the including file", () => {
    const engine = engineWith({ "outer.j2": "{% include 'ok.j2' %}\n{{ later }}", "ok.j2": "fine\n" });
    const err = catchError(() => engine.renderFile("outer.j2", {}));
    expect(err.message).toBe("outer.j2:2:4: undefined variable 'later'");
  });
});

describe("check()", () => {
  it("passes for valid templates and follows literal includes, imports and extends", () => {
    expect(() => engineWith(FILES).check("main.j2")).not.toThrow();
    expect(() => engineWith(FILES).check("child.j2")).not.toThrow();
  });

  it("finds a syntax error without rendering, with its line and column", () => {
    const engine = engineWith({ "t.j2": "line 1\n{% for x in %}\n{% endfor %}\n" });
    const err = catchError(() => engine.check("t.j2"));
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect([err.file, err.line]).toEqual(["t.j2", 2]);
  });

  it("finds errors in templates the checked one includes", () => {
    const engine = engineWith({ "t.j2": "{% include 'inc.j2' %}", "inc.j2": "{{ x | no_such_filter }}" });
    const err = catchError(() => engine.check("t.j2"));
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err.message).toBe("inc.j2:1:8: no filter named 'no_such_filter'");
  });

  it("reports an include of a missing template, but not one marked ignore missing", () => {
    expect(() => engineWith({ "t.j2": "{% include 'gone.j2' %}" }).check("t.j2")).toThrow(TemplateNotFoundError);
    expect(() => engineWith({ "t.j2": "{% include 'gone.j2' ignore missing %}" }).check("t.j2")).not.toThrow();
  });
});

function catchError(f: () => unknown): Error & { file: string; line: number; column: number } {
  try {
    f();
  } catch (e) {
    return e as Error & { file: string; line: number; column: number };
  }
  throw new Error("expected an error");
}
