import { describe, expect, it } from "vitest";
import {
  GroupCycleError,
  InventorySourceError,
  mergeInventories,
  parseYamlInventory,
  type InventoryFragment,
} from "../../../src/inventory/index.js";
import { thrown } from "./helpers.js";

/** A fragment as a non-file source (DigitalOcean tags, say) would build it. */
function fragment(source: string, groups: Record<string, string[]>, hostVars: Record<string, Record<string, unknown>> = {}): InventoryFragment {
  const hostNames = [...new Set([...Object.values(groups).flat(), ...Object.keys(hostVars)])];
  return {
    source,
    hosts: hostNames.map((name) => ({
      name,
      vars: Object.fromEntries(Object.entries(hostVars[name] ?? {}).map(([k, value]) => [k, { value, provenance: { file: source } }])),
      declaredAt: { file: source },
    })),
    groups: Object.entries(groups).map(([name, hosts]) => ({ name, hosts, children: [], vars: {} })),
    warnings: [],
  };
}

describe("mergeInventories", () => {
  it("merges the same host from two sources: vars overlay key by key, groups union", () => {
    const a = fragment("do:tags", { web: ["w1", "w2"], prod: ["w1"] }, { w1: { region: "ams3", size: "s-1" } });
    const b = fragment("static.yml", { web: ["w3", "w1"], canary: ["w1"] }, { w1: { size: "s-2" } });
    const inv = mergeInventories([a, b]);
    expect(inv.sources).toEqual(["do:tags", "static.yml"]);
    expect(inv.hosts.map((h) => h.name)).toEqual(["w1", "w2", "w3"]);
    expect(inv.hosts[0]?.vars).toEqual({
      region: { value: "ams3", provenance: { file: "do:tags" } },
      size: { value: "s-2", provenance: { file: "static.yml" } },
    });
    expect(inv.groups.map((g) => [g.name, g.hosts, g.children, g.depth])).toEqual([
      ["all", [], ["ungrouped", "web", "prod", "canary"], 0],
      ["ungrouped", [], [], 1],
      ["web", ["w1", "w2", "w3"], [], 1],
      ["prod", ["w1"], [], 1],
      ["canary", ["w1"], [], 1],
    ]);
  });

  it("puts hosts that are only in all into ungrouped, and takes hosts with a real group out of it", () => {
    const inv = mergeInventories([
      parseYamlInventory("all:\n  hosts:\n    lonely:\n    h1:\nungrouped:\n  hosts:\n    h2:\n    h3:\nweb:\n  hosts:\n    h1:\n    h3:\n", "a.yml"),
    ]);
    const ungrouped = inv.groups.find((g) => g.name === "ungrouped");
    expect(ungrouped?.hosts).toEqual(["h2", "lonely"]);
    expect(inv.groups.find((g) => g.name === "all")?.hosts).toEqual(["lonely", "h1"]);
  });

  it("computes depth as the longest children path from all", () => {
    const inv = mergeInventories([
      parseYamlInventory("all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            c:\n    c:\n", "d.yml"),
    ]);
    expect(inv.groups.map((g) => [g.name, g.depth])).toEqual([
      ["all", 0],
      ["ungrouped", 1],
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ]);
  });

  it("lets a later source's ansible_group_priority win", () => {
    const a = parseYamlInventory("web:\n  vars:\n    ansible_group_priority: 5\n", "a.yml");
    const b = parseYamlInventory("web:\n  vars:\n    ansible_group_priority: 7\n", "b.yml");
    expect(mergeInventories([a, b]).groups.find((g) => g.name === "web")?.priority).toEqual({ value: 7, provenance: { file: "b.yml", line: 3 } });
  });

  it("rejects a cycle that only appears once two sources are merged", () => {
    const a = parseYamlInventory("x:\n  children:\n    y:\n", "a.yml");
    const b = parseYamlInventory("y:\n  children:\n    x:\n", "b.yml");
    const err = thrown(() => mergeInventories([a, b]));
    expect(err).toBeInstanceOf(GroupCycleError);
    expect((err as GroupCycleError).cycle).toEqual(["x", "y", "x"]);
    expect((err as Error).message).toBe("children form a cycle: x -> y -> x (x declared at a.yml:1:1, y declared at a.yml:3:5)");
  });

  it("warns about a name that is both a group and a host", () => {
    const inv = mergeInventories([parseYamlInventory("db:\n  hosts:\n    db:\n", "c.yml")]);
    expect(inv.warnings).toEqual([{ message: "'db' is both a group and a host; patterns will pick the host" }]);
  });

  it("rejects a fragment whose group lists an undeclared host", () => {
    const bad: InventoryFragment = { source: "terraform.tfstate", hosts: [], groups: [{ name: "web", hosts: ["ghost"], children: [], vars: {} }], warnings: [] };
    const err = thrown(() => mergeInventories([bad]));
    expect(err).toBeInstanceOf(InventorySourceError);
    expect((err as Error).message).toBe("inventory source terraform.tfstate: group 'web' lists host 'ghost', which the source does not declare");
  });

  it("rejects a fragment whose group lists an undeclared child", () => {
    const bad: InventoryFragment = { source: "do", hosts: [], groups: [{ name: "web", hosts: [], children: ["nope"], vars: {} }], warnings: [] };
    expect((thrown(() => mergeInventories([bad])) as Error).message).toBe(
      "inventory source do: group 'web' lists child group 'nope', which the source does not declare",
    );
  });

  it("rejects a fragment that does not match the schema, naming the source and the field", () => {
    const bad = { source: "do", hosts: [{ name: "", vars: {}, declaredAt: { file: "do" } }], groups: [], warnings: [] };
    const err = thrown(() => mergeInventories([bad]));
    expect(err).toBeInstanceOf(InventorySourceError);
    expect((err as Error).message).toMatch(/^inventory source do: .*\n {2}→ at hosts\[0\]\.name$/s);
  });

  it("keeps the warnings of every fragment", () => {
    const a = { ...fragment("a", {}), warnings: [{ message: "droplet 123 has no private address", location: { file: "a" } }] };
    expect(mergeInventories([a]).warnings).toEqual([{ message: "droplet 123 has no private address", location: { file: "a" } }]);
  });
});
