import { describe, expect, it } from "vitest";
import { expr, render } from "./helpers.js";

// Dictionary filters, checked against Ansible's combine/merge_hash, dict2items, items2dict and
// Jinja2's dictsort.

describe("combine", () => {
  it("merges shallowly by default and recursively on request", () => {
    expect(expr("{'a': 1, 'b': {'x': 1}} | combine({'b': {'y': 2}})")).toBe("{'a': 1, 'b': {'y': 2}}");
    expect(expr("{'a': 1, 'b': {'x': 1}} | combine({'b': {'y': 2}}, recursive=true)")).toBe("{'a': 1, 'b': {'x': 1, 'y': 2}}");
    expect(expr("{'a': 1} | combine({'b': 2}, {'a': 3})")).toBe("{'a': 3, 'b': 2}");
    expect(expr("[{'a': 1}, {'b': 2}] | combine")).toBe("{'a': 1, 'b': 2}");
  });

  it("merges lists per list_merge", () => {
    const d = { x: { l: [1, 2] } };
    const cases: Record<string, string> = {
      replace: "[3, 2]",
      keep: "[1, 2]",
      append: "[1, 2, 3, 2]",
      prepend: "[3, 2, 1, 2]",
      append_rp: "[1, 3, 2]",
      prepend_rp: "[3, 2, 1]",
    };
    for (const [mode, out] of Object.entries(cases)) {
      expect(expr(`d | combine({'x': {'l': [3, 2]}}, recursive=true, list_merge='${mode}')`, { d }).replace(/^\{'x': \{'l': (.*)\}\}$/, "$1")).toBe(out);
    }
  });

  it("does not modify its inputs", () => {
    expect(render("{% set a = {'k': 1} %}{% set b = a | combine({'k': 2}) %}{{ a.k }}{{ b.k }}")).toBe("12");
  });
});

describe("dict2items / items2dict / dictsort / extract", () => {
  it("round-trips dicts and lists of key/value items", () => {
    expect(expr("{'a': 1, 'b': 2} | dict2items")).toBe("[{'key': 'a', 'value': 1}, {'key': 'b', 'value': 2}]");
    expect(expr("{'a': 1} | dict2items(key_name='k', value_name='v')")).toBe("[{'k': 'a', 'v': 1}]");
    expect(expr("[{'key': 'a', 'value': 1}] | items2dict")).toBe("{'a': 1}");
    expect(expr("[{'n': 'x', 'ip': '1.2.3.4'}] | items2dict(key_name='n', value_name='ip')")).toBe("{'x': '1.2.3.4'}");
  });

  it("sorts dict items like Jinja2's dictsort", () => {
    expect(render("{{ d | dictsort }} {{ d | dictsort(by='value', reverse=true) }}", { d: { b: 1, a: 2, C: 0 } })).toBe(
      "[('a', 2), ('b', 1), ('C', 0)] [('a', 2), ('b', 1), ('C', 0)]",
    );
    expect(render("{% for k, v in d | dictsort %}{{ k }}={{ v }} {% endfor %}", { d: { z: 1, m: 2 } })).toBe("m=2 z=1 ");
  });

  it("extracts values from a container, the groups/hostvars idiom", () => {
    const hostvars = { db1: { ansible_host: "10.0.0.1" }, db2: { ansible_host: "10.0.0.2" } };
    expect(expr("['db1', 'db2'] | map('extract', hostvars, 'ansible_host') | join(',')", { hostvars })).toBe("10.0.0.1,10.0.0.2");
  });
});
