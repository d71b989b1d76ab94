import { describe, expect, it } from "vitest";
import { type FreeVariable, TemplateSyntaxError, UndefinedError } from "../../../src/template/index.js";
import { engineWith } from "./helpers.js";

// freeVariables(): the names a template reads that it does not bind itself, with where, and
// whether a render can survive their absence. `guarded: false` must mean "every render fails
// without it" (the pre-flight turns those into errors), so anything uncertain is guarded.

const fv = (files: Record<string, string>, name = "t.j2"): FreeVariable[] => engineWith(files).freeVariables(name);
const free = (name: string, line: number, column: number, file = "t.j2") => ({ name, file, line, column, guarded: false });
const guarded = (name: string, line: number, column: number, file = "t.j2") => ({ name, file, line, column, guarded: true });

describe("free variables of a template", () => {
  it("lists the top-level name of attribute and subscript chains, and what subscripts read", () => {
    expect(fv({ "t.j2": "{{ a.b.c }}\n{{ d['k'][e].f }}\n" })).toEqual([free("a", 1, 4), free("d", 2, 4), free("e", 2, 11)]);
  });

  it("hostvars[h]['ansible_host'] in a loop over groups: groups and hostvars, not the loop variable", () => {
    const t = "{% for h in groups['web'] %}{{ hostvars[h]['ansible_host'] }}\n{% endfor %}";
    // The loop body may run zero times, so hostvars is only read conditionally.
    expect(fv({ "t.j2": t })).toEqual([free("groups", 1, 13), guarded("hostvars", 1, 32)]);
  });

  it("nested loops bind their targets (and tuples, and loop) for the bodies inside them", () => {
    const t = [
      "{% for g in server_groups %}",
      "{% for name, port in g.listeners | dictsort %}{{ g.name }}:{{ name }}:{{ port }} {{ loop.index }} {{ suffix }}",
      "{% endfor %}",
      "{% endfor %}",
      "{{ loop }} {{ g }}",
    ].join("\n");
    expect(fv({ "t.j2": t })).toEqual([free("server_groups", 1, 13), guarded("suffix", 2, 102), free("loop", 5, 4), free("g", 5, 15)]);
  });

  it("set: bound for what follows in its scope; a loop body's assignments do not outlive an iteration", () => {
    const t = "{{ before }}{% set before = 1 %}{{ before }}\n{% for x in xs %}{% set y = x %}{{ y }}{% endfor %}\n{{ y }}\n";
    expect(fv({ "t.j2": t })).toEqual([free("before", 1, 4), free("xs", 2, 13), free("y", 3, 4)]);
  });

  it("set a = x: x fails where a is used, located where x is read; an unused or defaulted a does not fail", () => {
    expect(fv({ "t.j2": "{% set port = app_port %}\nlisten {{ port }}\n" })).toEqual([free("app_port", 1, 15)]);
    expect(fv({ "t.j2": "{% set port = app_port %}{% set unused = other %}{{ port | default(80) }}\n" })).toEqual([
      guarded("app_port", 1, 15),
      guarded("other", 1, 42),
    ]);
  });

  it("with, set blocks, namespaces, filter blocks and tuple assignment bind or read as Jinja2 does", () => {
    const t = [
      "{% with w = wv %}{{ w }}{% endwith %}{{ w }}",
      "{% set cap %}{{ capv }}{% endset %}{{ cap }}",
      "{% set ns = namespace(n=0) %}{% set ns.n = ns.n + 1 %}{{ ns.n }}",
      "{% filter upper %}{{ fb }}{% endfilter %}",
      "{% set a, b = pair %}{{ a }}{{ b }}",
    ].join("\n");
    expect(fv({ "t.j2": t })).toEqual([free("wv", 1, 13), free("w", 1, 41), free("capv", 2, 17), free("fb", 4, 22), free("pair", 5, 15)]);
  });

  it("the environment's globals are not variables", () => {
    expect(fv({ "t.j2": "{{ range(3) | list }}{{ dict(a=1) }}{% set c = cycler('a') %}{{ c.next() }}{{ joiner()() }}{{ namespace() }}" })).toEqual([]);
  });

  it("{% if x is defined %}{{ x }}{% endif %} and its variants are guarded", () => {
    expect(fv({ "t.j2": "{% if x is defined %}{{ x }}{% endif %}" })).toEqual([guarded("x", 1, 7)]);
    expect(fv({ "t.j2": "{% if x is not defined %}none{% else %}{{ x.y }}{% endif %}" })).toEqual([guarded("x", 1, 7)]);
    expect(fv({ "t.j2": "{{ x if x is defined else 'none' }} {{ y is defined and y }} {{ z is undefined or z }}" })).toEqual([
      guarded("x", 1, 9),
      guarded("y", 1, 40),
      guarded("z", 1, 65),
    ]);
  });

  it("default and d guard their input (and their fallback); mandatory requires it", () => {
    expect(fv({ "t.j2": "{{ x | default('a') }} {{ y.z | d(fallback) }}" })).toEqual([guarded("x", 1, 4), guarded("y", 1, 27), guarded("fallback", 1, 35)]);
    expect(fv({ "t.j2": "{{ x | mandatory }} {{ y | ansible.builtin.mandatory('set y') }}" })).toEqual([free("x", 1, 4), free("y", 1, 24)]);
  });

  it("a use that may not be evaluated is guarded: if bodies, branches, the right of and/or", () => {
    const t = "{% if tls %}{{ cert }}{% elif plain %}{{ port }}{% endif %}\n{{ a if c else b }} {{ l and r }}\n";
    expect(fv({ "t.j2": t })).toEqual([
      free("tls", 1, 7),
      guarded("cert", 1, 16),
      guarded("plain", 1, 31),
      guarded("port", 1, 42),
      free("c", 2, 9),
      guarded("a", 2, 4),
      guarded("b", 2, 16),
      free("l", 2, 24),
      guarded("r", 2, 30),
    ]);
  });

  it("a use that fails whichever way it is combined is not guarded", () => {
    expect(fv({ "t.j2": "{% if x | default(0) > limit %}{% endif %}{{ n + 1 }}{{ s | upper }}{{ 'a' in l }}{{ f(1) }}" })).toEqual([
      guarded("x", 1, 7),
      free("limit", 1, 24),
      free("n", 1, 46),
      free("s", 1, 57),
      free("l", 1, 79),
      free("f", 1, 86),
    ]);
  });

  it("macros: parameters, defaults, caller, varargs and kwargs are bound; the body is read where the macro is called", () => {
    const t = [
      "{% macro row(host, port=default_port) %}{{ host }}:{{ port }} {{ sep }} {{ varargs }} {{ kwargs }}{% endmacro %}",
      "{% macro unused() %}{{ never_called }}{% endmacro %}",
      "{{ row(h1) }}",
      "{% if more %}{{ row(h2, 8080) }}{% endif %}",
    ].join("\n");
    expect(fv({ "t.j2": t })).toEqual([
      free("h1", 3, 8),
      free("default_port", 1, 25),
      free("sep", 1, 66),
      free("more", 4, 7),
      guarded("h2", 4, 21),
      guarded("never_called", 2, 24),
    ]);
  });

  it("call blocks: the caller body sees the frame around the call and its own parameters", () => {
    const t = [
      "{% macro wrap() %}<{{ caller('x') }}>{% endmacro %}",
      "{% for item in items %}{% call(arg) wrap() %}{{ item }} {{ arg }} {{ inner }}{% endcall %}{% endfor %}",
      "{% call wrap() %}{{ outer }}{% endcall %}",
    ].join("\n");
    expect(fv({ "t.j2": t })).toEqual([free("items", 2, 16), guarded("inner", 2, 70), free("outer", 3, 21)]);
  });

  it("a macro sees its template's top level, not the loop it is called from", () => {
    const t = "{% set top = 1 %}{% macro m() %}{{ top }} {{ item }}{% endmacro %}{% for item in xs %}{{ m() }}{% endfor %}{{ m() }}";
    expect(fv({ "t.j2": t })).toEqual([free("xs", 1, 82), free("item", 1, 46)]);
  });

  it("recursive macros are walked once per chain", () => {
    const t = "{% macro tree(n) %}{{ n.name }}{% for c in n.children %}{{ tree(c) }}{% endfor %}{{ leaf }}{% endmacro %}{{ tree(root) }}";
    expect(fv({ "t.j2": t })).toEqual([free("root", 1, 114), free("leaf", 1, 85)]);
  });

  it("includes with context: the included file sees the frame around the include; its names are located in it", () => {
    const files = {
      "t.j2": "{% set title = 'x' %}{% for item in items %}{% include 'row.j2' %}{% endfor %}\n{% include 'footer.j2' %}\n{% include 'missing.j2' ignore missing %}",
      "row.j2": "{{ title }} {{ item }} {{ loop.index }} {{ row_extra }}{% set local = 1 %}",
      "footer.j2": "{{ title }} {{ footer_text }}\n",
    };
    expect(fv(files)).toEqual([free("items", 1, 37), guarded("row_extra", 1, 44, "row.j2"), free("footer_text", 1, 16, "footer.j2")]);
  });

  it("imports: with context the macros read the host's variables; without, they see none", () => {
    const files = {
      "t.j2": "{% import 'lib.j2' as plain %}{% import 'lib.j2' as lib with context %}{% from 'lib.j2' import row with context %}{{ lib.row(a) }}{{ row(b) }}{{ plain.row(c) }}",
      "lib.j2": "{% set prefix = lib_prefix %}{% macro row(x) %}{{ prefix }}{{ x }} {{ lib_var }}{% endmacro %}",
    };
    expect(fv(files)).toEqual([
      free("lib_prefix", 1, 17, "lib.j2"),
      free("a", 1, 126),
      free("lib_var", 1, 71, "lib.j2"),
      free("b", 1, 138),
      guarded("c", 1, 156),
    ]);
  });

  it("extends: the child's top level, then the parent with the child's blocks, super() the parent's", () => {
    const files = {
      "t.j2": "{% extends 'base.j2' %}{% set who = child_name %}{% block body %}{{ who }} {{ super() }}{% endblock %}{% block orphan %}{{ never }}{% endblock %}",
      "base.j2": "{{ header }}\n{% block body %}{{ base_body }}{% endblock %}\n",
    };
    expect(fv(files)).toEqual([free("child_name", 1, 37), free("header", 1, 4, "base.j2"), free("base_body", 2, 20, "base.j2")]);
  });

  it("a dynamic include or parent: the name expression is read, the template is not", () => {
    expect(fv({ "t.j2": "{% include which %}{% extends parent %}{% block b %}{{ in_block }}{% endblock %}" })).toEqual([
      free("which", 1, 12),
      free("parent", 1, 31),
      guarded("in_block", 1, 56),
    ]);
  });

  it("reports syntax errors like check() does", () => {
    expect(() => fv({ "t.j2": "{% include 'bad.j2' %}", "bad.j2": "{{ x " })).toThrow(TemplateSyntaxError);
  });

  it("an unguarded name is one the render cannot do without, failing at the reported place", () => {
    const files = {
      "t.j2": [
        "# {{ inventory_hostname }}",
        "{% set listen = bind_address ~ ':' ~ app_port %}",
        "{% macro upstream(h) %}server {{ hostvars[h]['ansible_host'] }}:{{ backend_port }};{% endmacro %}",
        "listen {{ listen }}",
        "{% for h in groups['app'] | sort %}{{ upstream(h) }}{% endfor %}",
        "{% if tls_enabled | default(false) %}ssl {{ tls_cert }}{% endif %}",
        "{% include 'extra.j2' %}",
      ].join("\n"),
      "extra.j2": "{{ extra_lines | join('\\n') }}\n",
    };
    const vars: Record<string, unknown> = {
      inventory_hostname: "web1",
      bind_address: "0.0.0.0",
      app_port: 80,
      groups: { app: ["a1"] },
      hostvars: { a1: { ansible_host: "10.0.0.1" } },
      backend_port: 8080,
      extra_lines: ["x"],
    };
    const engine = engineWith(files);
    const found = engine.freeVariables("t.j2");
    expect(found.filter((v) => !v.guarded).map((v) => v.name)).toEqual(["inventory_hostname", "bind_address", "app_port", "groups", "extra_lines"]);
    expect(found.filter((v) => v.guarded).map((v) => v.name)).toEqual(["hostvars", "backend_port", "tls_enabled", "tls_cert"]);
    expect(() => engine.renderFile("t.j2", vars)).not.toThrow();
    for (const v of found.filter((f) => !f.guarded)) {
      const without = Object.fromEntries(Object.entries(vars).filter(([k]) => k !== v.name));
      const err = (() => {
        try {
          engine.renderFile("t.j2", without);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, v.name).toBeInstanceOf(UndefinedError);
      expect(err).toMatchObject({ variable: v.name, file: v.file, line: v.line, column: v.column });
    }
  });
});

