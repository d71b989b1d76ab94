import { describe, expect, it } from "vitest";
import { TemplateRuntimeError, UndefinedError } from "../../../src/template/index.js";
import { expr, render, renderError } from "./helpers.js";

// Strict undefined as Ansible has it: a missing variable is an error naming the template, line,
// column and variable — never an empty string — while `is defined`, `default`, `d` and
// `mandatory` still work on it.

describe("undefined variables", () => {
  it("fails with file:line:col and the variable name", () => {
    const err = renderError("global\n  {{ haproxy_stats_port }}\n", {}, "haproxy.cfg.njk");
    expect(err).toBeInstanceOf(UndefinedError);
    expect(err.message).toBe("haproxy.cfg.njk:2:6: undefined variable 'haproxy_stats_port'");
    expect(err.file).toBe("haproxy.cfg.njk");
    expect(err.line).toBe(2);
    expect(err.column).toBe(6);
    expect(err.variable).toBe("haproxy_stats_port");
  });

  it("fails on a missing attribute or key, naming the expression", () => {
    const err = renderError("{{ hostvars[h].ansible_host }}", { hostvars: { web1: {} }, h: "web1" }, "t.j2");
    expect(err).toBeInstanceOf(UndefinedError);
    expect(err.message).toBe("t.j2:1:15: 'dict object' has no attribute 'ansible_host' (in 'hostvars[h].ansible_host')");
    expect(err.variable).toBe("hostvars[h].ansible_host");
    expect(renderError("{{ xs[5] }}", { xs: [1] }).detail).toBe("'list object' has no element 5 (in 'xs[5]')");
  });

  it("fails when an attribute of None or of an undefined value is used", () => {
    expect(renderError("{{ n.x }}", { n: null }).detail).toBe("'None' has no attribute 'x' (in 'n.x')");
    // Ansible keeps the first failure: x.y of an undefined x reports x.
    expect(renderError("{{ x.y.z }}").detail).toBe("undefined variable 'x'");
  });

  it("fails in conditions, loops, filters, comparisons and calls", () => {
    expect(renderError("{% if missing %}x{% endif %}")).toBeInstanceOf(UndefinedError);
    expect(renderError("{% for x in missing %}{% endfor %}")).toBeInstanceOf(UndefinedError);
    expect(renderError("{{ missing | upper }}")).toBeInstanceOf(UndefinedError);
    expect(renderError("{{ missing == 1 }}")).toBeInstanceOf(UndefinedError);
    expect(renderError("{{ missing() }}")).toBeInstanceOf(UndefinedError);
    expect(renderError("{{ 'a' ~ missing }}")).toBeInstanceOf(UndefinedError);
    expect(renderError("{{ [missing] }}")).toBeInstanceOf(UndefinedError);
  });

  it("points at the line and column of the undefined name", () => {
    const err = renderError("a\nb {{ 1 }}\n{% for h in hosts %}\n  server {{ h }} {{ h.port }}{{ bad }}\n{% endfor %}", { hosts: ["x"] });
    expect([err.line, err.column, err.variable]).toEqual([4, 22, "h.port"]);
  });
});

describe("what works on undefined values", () => {
  it("tests defined/undefined, also through attribute chains", () => {
    expect(render("{{ x is defined }} {{ x is undefined }} {{ x is not defined }} {{ d.k is defined }} {{ x.y is defined }}", { d: {} })).toBe(
      "False True True False False",
    );
    expect(render("{% if port is defined %}{{ port }}{% else %}80{% endif %}")).toBe("80");
  });

  it("defaults with default/d, with the boolean flag for falsy values", () => {
    expect(render("{{ x | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }} {{ none | d('n', true) }} {{ y.z | default('chain') }}", { y: {} })).toBe(
      "d  d n chain",
    );
    expect(expr("x | default")).toBe("");
    expect(expr("x | default(default_value=5, boolean=false)")).toBe("5");
    expect(expr("[] | d('empty', true)")).toBe("empty");
  });

  it("makes a variable mandatory", () => {
    expect(expr("x | mandatory", { x: 1 })).toBe("1");
    const err = renderError("{{ db_password | mandatory }}");
    expect(err).toBeInstanceOf(TemplateRuntimeError);
    expect(err.detail).toBe("filter 'mandatory': Mandatory variable 'db_password' not defined.");
    expect(renderError("{{ x | mandatory('set x please') }}").detail).toBe("filter 'mandatory': set x please");
  });

  it("renders an inline if without else as nothing, as Jinja2 does", () => {
    expect(render("{{ 'a' if false }}|{% for x in [1, 2] %}{{ x }}{{ ',' if not loop.last }}{% endfor %}")).toBe("|1,2");
  });
});
