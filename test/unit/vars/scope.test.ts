import { describe, expect, it } from "vitest";
import { createTemplateEngine } from "../../../src/template/index.js";
import { UnsafeText } from "../../../src/template/values/unsafe.js";
import { dataVars, hostvarsMapping } from "../../../src/vars/build.js";
import { VarCycleError, VarTemplateError, VarUndefinedError } from "../../../src/vars/errors.js";
import { EvaluationStack, type ScopeVar, type ValueTemplater, VarScope } from "../../../src/vars/scope.js";

const engine = createTemplateEngine({ searchPaths: [] });

/** A scope of variables set in vars.yml, one per line in the order given. */
function scopeOf(vars: Record<string, unknown>, templater: ValueTemplater = engine): VarScope {
  const entries = Object.entries(vars).map(([k, raw], i): [string, ScopeVar] => [k, { raw, provenance: { file: "vars.yml", line: i + 1 } }]);
  return new VarScope(new Map(entries), { templater });
}

function render(scope: VarScope, source: string): string {
  return engine.renderString(source, scope.templateContext(), "t.j2");
}

describe("variables whose values are templates", () => {
  it("evaluates values in the same variables, recursively, inside lists and dicts", () => {
    const s = scopeOf({ a: "{{ b }}-x", b: "{{ c }}", c: "hello", l: [1, "{{ a }}", { k: "{{ c | upper }}" }] });
    expect(s.plainValue("a")).toBe("hello-x");
    expect(s.plainValue("l")).toEqual([1, "hello-x", { k: "HELLO" }]);
    expect(render(s, "{{ a }} {{ l[2].k }}")).toBe("hello-x HELLO");
  });

  it("gives Ansible 2.14's result types: text, except a lone number/bool/null variable and True/False", () => {
    const s = scopeOf({ port: 22, p: "{{ port }}", p2: "{{ p }}", sum: "{{ 1 + 1 }}", t: "{{ port == 22 }}", tn: "{{ true }}\n", n: null, n2: "{{ n }}", n3: "{{ n2 }}" });
    expect(s.plainValue("p")).toBe(22);
    expect(s.plainValue("p2")).toBe("22");
    expect(s.plainValue("sum")).toBe("2");
    expect(s.plainValue("t")).toBe(true);
    expect(s.plainValue("tn")).toBe(true);
    expect(s.plainValue("n2")).toBeNull();
    expect(s.plainValue("n3")).toBe("");
  });

  it("keeps trailing newlines of a text result", () => {
    expect(scopeOf({ a: "x{{ 1 }}\n\n" }).plainValue("a")).toBe("x1\n\n");
  });

  it("reads backslashes inside {{ }} string literals literally (escape_backslashes)", () => {
    expect(scopeOf({ a: "{{ 'a\\nb' }}" }).plainValue("a")).toBe("a\\nb");
    expect(render(scopeOf({}), "{{ 'a\\nb' }}")).toBe("a\nb");
  });

  it("never templates !unsafe strings, nor data", () => {
    const s = new VarScope(
      new Map<string, ScopeVar>([
        ["u", { raw: new UnsafeText("{{ b }}") }],
        ["l", { raw: [new UnsafeText("{% x"), "{{ 1 }}"] }],
        ["uses", { raw: "<{{ u }}>" }],
        ...dataVars({ fact: "{{ b }}" }),
      ]),
      { templater: engine },
    );
    expect(s.plainValue("u")).toBe("{{ b }}");
    expect(s.plainValue("l")).toEqual(["{% x", "1"]);
    expect(s.plainValue("uses")).toBe("<{{ b }}>");
    expect(s.plainValue("fact")).toBe("{{ b }}");
  });

  it("makes a value that uses an undefined name an undefined where a template reads it", () => {
    const s = scopeOf({ db_host: "{{ reserved_ip }}", port: "{{ mysql_port | default(3306) }}" });
    expect(render(s, "{{ db_host | default('localhost') }}:{{ port }} {{ db_host is defined }}")).toBe("localhost:3306 False");
  });

  it("evaluates each variable once per scope, again after the variables change", () => {
    let renders = 0;
    const counting: ValueTemplater = { renderValue: (src, vars, name) => (renders++, engine.renderValue(src, vars, name)) };
    const s = scopeOf({ a: "{{ b }}!", b: "x" }, counting);
    for (let i = 0; i < 5; i++) expect(render(s, "{{ a }}{{ a }}")).toBe("x!x!");
    expect(renders).toBe(1);
    s.set([["b", { raw: "y" }]]);
    expect(render(s, "{{ a }}")).toBe("y!");
    expect(renders).toBe(2);
  });

  it("evaluates hostvars[h].x in h's variables; a value with an undefined name is given as written", () => {
    const stack = new EvaluationStack();
    const scopes = new Map<string, VarScope>();
    const hostvars = hostvarsMapping(["db1", "web1"], (h) => scopes.get(h) as VarScope);
    const make = (name: string, own: Record<string, unknown>) =>
      new VarScope(new Map<string, ScopeVar>([...Object.entries(own).map(([k, raw]): [string, ScopeVar] => [k, { raw }]), ...dataVars({ inventory_hostname: name, hostvars })]), { templater: engine }, stack);
    scopes.set("db1", make("db1", { ansible_host: "10.0.0.11", bind: "{{ ansible_host }}", broken: "{{ nope }}" }));
    scopes.set("web1", make("web1", { ansible_host: "10.0.0.21", upstream: "{{ hostvars['db1'].bind }}" }));
    const web = scopes.get("web1") as VarScope;
    expect(web.plainValue("upstream")).toBe("10.0.0.11");
    expect(render(web, "{{ hostvars['db1'].broken }}")).toBe("{{ nope }}");
  });
});

describe("errors in variables' values name the variables and where they were set", () => {
  it("a cycle names the chain with each variable's file:line", () => {
    const s = scopeOf({ a: "{{ b }}", b: "x{{ c }}", c: "{{ a }}" });
    const err = (() => {
      try {
        s.value("a");
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(VarCycleError);
    expect((err as Error).message).toBe("vars.yml:1: variables need each other in a cycle: 'a' (vars.yml:1) → 'b' (vars.yml:2) → 'c' (vars.yml:3) → 'a' (vars.yml:1)");
    const fresh = scopeOf({ a: "{{ b }}", b: "x{{ c }}", c: "{{ a }}" });
    expect(() => render(fresh, "\n  {{ c }}")).toThrow(/^t\.j2:2:6: variables need each other in a cycle: 'c' \(vars\.yml:3\) → 'a' \(vars\.yml:1\) → 'b' \(vars\.yml:2\) → 'c'/);
  });

  it("a variable that names itself is a cycle", () => {
    expect(() => scopeOf({ a: "{{ a | default('x') }}" }).value("a")).toThrow(VarCycleError);
  });

  it("an undefined name names the variable, its file:line, the missing name and who used it", () => {
    const s = scopeOf({ dsn: "mysql:host={{ db_host }}", db_host: "{{ reserved_ip }}" });
    expect(() => s.value("dsn")).toThrow(VarUndefinedError);
    expect(() => s.value("dsn")).toThrow("vars.yml:2: 'db_host' (vars.yml:2) uses undefined variable 'reserved_ip', used by 'dsn' (vars.yml:1)");
    expect(() => render(s, "x {{ dsn }}")).toThrow("t.j2:1:6: 'db_host' (vars.yml:2) uses undefined variable 'reserved_ip', used by 'dsn' (vars.yml:1)");
  });

  it("an undefined attribute says what is missing", () => {
    expect(() => scopeOf({ a: "{{ d.nope }}", d: { k: 1 } }).value("a")).toThrow(/^vars\.yml:1: 'a' \(vars\.yml:1\) uses undefined variable 'd\.nope' \('dict object' has no attribute 'nope'\)$/);
  });

  it("a syntax error names the value's file:line and the expression", () => {
    const s = scopeOf({ ok: 1, a: "{{ b + }}" });
    expect(() => s.value("a")).toThrow(VarTemplateError);
    expect(() => s.value("a")).toThrow(/^vars\.yml:2: the value of 'a' \(vars\.yml:2\), "\{\{ b \+ \}\}": unexpected token/);
  });
});
