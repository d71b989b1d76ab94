import { describe, expect, it } from "vitest";
import { GroupCycleError, InvalidGroupNameError, InvalidHostNameError, InventoryShapeError, InventorySyntaxError } from "../../../src/inventory/index.js";
import { parseIniInventory, type IniValueTyper } from "../../../src/inventory/ini-source.js";
import { shlexSplit } from "../../../src/python/shlex.js";
import { thrown } from "./helpers.js";

const F = "inventory/hosts";
// These tests are about structure; the typing of values has its own tests (ini-value.test.ts).
const asText: IniValueTyper = (text) => ({ value: text });

function parse(lines: string[], known = { groups: new Set<string>(), hosts: new Set<string>() }) {
  return parseIniInventory(lines.join("\n"), F, asText, known);
}

function shape(lines: string[]) {
  return parse(lines).groups.map((g) => [g.name, g.hosts, g.children]);
}

describe("INI inventory: structure", () => {
  it("puts hosts before any section in ungrouped, reads sections, children and vars with file:line", () => {
    const fragment = parse([
      "# comment", //                       1
      "lone a=1", //                        2
      "[web]", //                           3
      "web1 ansible_host=10.0.0.1", //      4
      "; another comment", //               5
      "[web:vars]", //                      6
      "http_port = 80", //                  7
      "[prod:children]", //                 8
      "web", //                             9
    ]);
    expect(fragment.groups.map((g) => [g.name, g.hosts, g.children])).toEqual([
      ["ungrouped", ["lone"], []],
      ["web", ["web1"], []],
      ["prod", [], ["web"]],
    ]);
    expect(fragment.hosts.find((h) => h.name === "web1")).toEqual({
      name: "web1",
      vars: { ansible_host: { value: "10.0.0.1", provenance: { file: F, line: 4 } } },
      declaredAt: { file: F, line: 4, column: 1 },
    });
    expect(fragment.groups[1]?.vars).toEqual({ http_port: { value: "80", provenance: { file: F, line: 7 } } });
  });

  it("expands ranges and strides, and sets ansible_port only where a host is first seen", () => {
    const fragment = parse(["[a]", "web[01:03]:2222", "db-[a:c]", "n[1:7:3]", "[b]", "web01:2200", "[c]", "other:2201 ansible_port=22"]);
    expect(fragment.hosts.map((h) => [h.name, h.vars["ansible_port"]?.value])).toEqual([
      ["web01", 2222],
      ["web02", 2222],
      ["web03", 2222],
      ["db-a", undefined],
      ["db-b", undefined],
      ["db-c", undefined],
      ["n1", undefined],
      ["n4", undefined],
      ["n7", undefined],
      ["other", "22"],
    ]);
  });

  it("reads IPv6 addresses bare and bracketed with a port", () => {
    const fragment = parse(["[v6]", "2001:db8::1", "[2001:db8::2]:2022"]);
    expect(fragment.hosts.map((h) => [h.name, h.vars["ansible_port"]?.value])).toEqual([
      ["2001:db8::1", undefined],
      ["2001:db8::2", 2022],
    ]);
  });

  it("adds a child named before its section when that section appears, in Ansible's order", () => {
    expect(shape(["[top:children]", "later", "known", "[known]", "k1", "[later]", "l1"])).toEqual([
      ["top", [], ["known", "later"]],
      ["known", ["k1"], []],
      ["later", ["l1"], []],
    ]);
  });

  it("treats a group first seen as [g:vars] as existing for later children lines", () => {
    expect(shape(["[p:children]", "g", "[g:vars]", "x=1", "[q:children]", "g", "[g]", "h"])).toEqual([
      ["p", [], ["g"]],
      ["g", ["h"], []],
      ["q", [], ["g"]],
    ]);
  });

  it("accepts [g:vars] and children naming groups that earlier sources declared", () => {
    const fragment = parse(["[web:vars]", "a=1", "[all_servers:children]", "web"], { groups: new Set(["web"]), hosts: new Set() });
    expect(fragment.groups.map((g) => [g.name, g.children, Object.keys(g.vars)])).toEqual([
      ["web", [], ["a"]],
      ["all_servers", ["web"], []],
    ]);
  });

  it("does not set ansible_port for a host an earlier source declared", () => {
    const fragment = parse(["[web]", "w1:2222"], { groups: new Set(), hosts: new Set(["w1"]) });
    expect(fragment.hosts[0]?.vars).toEqual({});
  });

  it("takes ansible_group_priority as the group's priority, not a variable", () => {
    const fragment = parse(["[g]", "h", "[g:vars]", "ansible_group_priority=10", "x=1"]);
    expect(fragment.groups[0]?.priority).toEqual({ value: 10, provenance: { file: F, line: 4 } });
    expect(Object.keys(fragment.groups[0]?.vars ?? {})).toEqual(["x"]);
  });

  it("ignores comments after section headers and child names, and CRLF line ends", () => {
    const fragment = parseIniInventory("[web] # c\r\nw1 # c\r\n[p:children] # c\r\nweb # c\r\n", F, asText);
    expect(fragment.groups.map((g) => [g.name, g.hosts, g.children])).toEqual([
      ["web", ["w1"], []],
      ["p", [], ["web"]],
    ]);
  });

  it("keeps a :vars value whole, comment and all, and splits at the first =", () => {
    const fragment = parse(["[g]", "h", "[g:vars]", "a = b=c # not a comment", "empty ="]);
    expect(Object.fromEntries(Object.entries(fragment.groups[0]?.vars ?? {}).map(([k, v]) => [k, v.value]))).toEqual({ a: "b=c # not a comment", empty: "" });
  });
});

describe("INI inventory: errors name file:line as Ansible words them", () => {
  const cases: Array<[string, string[], new (...a: never[]) => Error, string]> = [
    ["an unknown section type", ["[web:hostz]"], InventorySyntaxError, `${F}:1: Section [web:hostz] has unknown type: hostz`],
    ["a section with a space", ["[web servers]"], InventorySyntaxError, `${F}:1: Invalid section entry: '[web servers]'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`],
    ["a bare word on a host line", ["[w]", "h1 foo"], InventorySyntaxError, `${F}:2: Expected key=value host variable assignment, got: foo`],
    ["an unclosed quote", ["[w]", 'h1 a="b'], InventorySyntaxError, `${F}:2: Error parsing host definition 'h1 a="b': No closing quotation`],
    ["a :vars line without =", ["[w]", "h", "[w:vars]", "novalue"], InventorySyntaxError, `${F}:4: Expected key=value, got: novalue`],
    ["a children line with two words", ["[p:children]", "a b"], InventorySyntaxError, `${F}:2: Expected group name, got: a b`],
    ["a host ending in ':'", ["[w]", "h1:"], InvalidHostNameError, `${F}:2: Invalid host pattern 'h1:' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`],
    ["a YAML document start", ["---"], InvalidHostNameError, `${F}:1: Invalid host pattern '---' supplied, '---' is normally a sign this is a YAML file.`],
    ["a [g:vars] for a group never declared", ["[w]", "h", "[db:vars]", "x=1"], InventoryShapeError, `${F}:3: Section [db:vars] not valid for undefined group: db`],
    ["a child never declared", ["[p:children]", "w", "[q:children]", "w"], InventoryShapeError, `${F}:2: Section [q:children] includes undefined group: w`],
    ["children that loop", ["[a:children]", "b", "[b:children]", "a"], GroupCycleError, `${F}:4: children form a cycle: a -> b -> a`],
    ["a group that is its own child", ["[a:children]", "a"], GroupCycleError, `${F}:2: children form a cycle: a -> a`],
    ["all as a child", ["[a:children]", "all"], GroupCycleError, `${F}:2: children form a cycle: all -> a -> all`],
    ["a priority that is not a number", ["[w]", "h", "[w:vars]", "ansible_group_priority=high"], InventoryShapeError, `${F}:4: ansible_group_priority: must be an integer, found "high"`],
    ["a group name with pattern characters", ["[web&db]"], InvalidGroupNameError, `${F}:1: web&db: invalid group name: use letters, digits, '_', '-' and '.'`],
    ["a bad range", ["[w]", "web[3:1]"], InvalidHostNameError, `${F}:2: web[3:1]: host range [3:1] must have begin <= end`],
    ["a line too long to be a host name", ["[w]", "x".repeat(300)], InvalidHostNameError, `${F}:2: ${"x".repeat(80)}...: '${"x".repeat(40)}...' is 300 characters long; a host name has at most 253`],
  ];
  it.each(cases)("%s", (_what, lines, kind, message) => {
    const err = thrown(() => parse(lines));
    expect(err).toBeInstanceOf(kind);
    expect((err as Error).message).toBe(message);
  });
});

describe("shlexSplit: Python's shlex.split(line, comments=True)", () => {
  // Expected values printed by Python 3.11's shlex for the same lines.
  it.each([
    ["h1 a=1 b=\"x y\" c='q r'", ["h1", "a=1", "b=x y", "c=q r"]],
    ["h#x a=1", ["h"]],
    ["h a=b#c d=1", ["h", "a=b"]],
    ['h a="x\\"y" b="p\\q"', ["h", 'a=x"y', "b=p\\q"]],
    ["h a=\\ b", ["h", "a= b"]],
    ['h "" x=""', ["h", "", "x="]],
    ["h a=\"b\"c'd'", ["h", "a=bcd"]],
  ])("%s", (line, words) => {
    expect(shlexSplit(line, { comments: true })).toEqual({ ok: true, words });
  });

  it("reports what Python reports for an unfinished quote or escape", () => {
    expect(shlexSplit("a 'b", { comments: true })).toEqual({ ok: false, problem: "No closing quotation" });
    expect(shlexSplit("a b\\", { comments: true })).toEqual({ ok: false, problem: "No escaped character" });
  });
});
