import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  loadInventory,
  resolveHostVars,
  sortGroups,
  trackVars,
  UnknownHostError,
  VAR_LAYERS,
  YamlInventorySource,
  type Inventory,
} from "../../../src/inventory/index.js";
import { tempTree } from "./helpers.js";

/** Sets keys k<from>..k9 to `label`, so key k<i> ends up owned by the i-th layer. */
function ladder(from: number, label: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = from; i <= 9; i++) out[`k${i}`] = label;
  return out;
}

function yamlMap(values: Record<string, string>, indent: string): string {
  return Object.entries(values)
    .map(([k, v]) => `${indent}${k}: ${v}\n`)
    .join("");
}

async function load(files: Record<string, string>, siteDir?: string): Promise<{ root: string; inv: Inventory }> {
  const root = await tempTree(files);
  const inv = await loadInventory({
    sources: [new YamlInventorySource(join(root, "inventory/hosts.yml"))],
    siteDirs: siteDir === undefined ? [] : [join(root, siteDir)],
  });
  return { root, inv };
}

describe("resolveHostVars: the precedence ladder", () => {
  it("applies the nine layers in order, lowest first, with provenance and layer names", async () => {
    const hosts =
      "all:\n  vars:\n" +
      yamlMap(ladder(2, "all-inline"), "    ") +
      "  children:\n    web:\n      vars:\n" +
      yamlMap(ladder(3, "group-inline"), "        ") +
      "      hosts:\n        w1:\n" +
      yamlMap(ladder(6, "host-inline"), "          ");
    const { root, inv } = await load({
      "inventory/hosts.yml": hosts,
      "inventory/group_vars/all.yml": yamlMap(ladder(4, "group_vars-all"), ""),
      "inventory/group_vars/web.yml": yamlMap(ladder(5, "group_vars-web"), ""),
      "inventory/host_vars/w1.yml": yamlMap(ladder(7, "host_vars-w1"), ""),
    });
    const resolved = resolveHostVars(inv, "w1", {
      roleDefaults: trackVars(ladder(1, "role-defaults"), { file: "roles/web/defaults" }),
      playVars: trackVars(ladder(8, "play"), { file: "site.ts" }),
      extraVars: trackVars(ladder(9, "extra"), { file: "--extra-vars" }),
    });
    expect(resolved.values).toEqual({
      k1: "role-defaults",
      k2: "all-inline",
      k3: "group-inline",
      k4: "group_vars-all",
      k5: "group_vars-web",
      k6: "host-inline",
      k7: "host_vars-w1",
      k8: "play",
      k9: "extra",
    });
    const inventoryFile = join(root, "inventory/hosts.yml");
    expect(resolved.provenance).toEqual({
      k1: { file: "roles/web/defaults" },
      k2: { file: inventoryFile, line: 3 },
      k3: { file: inventoryFile, line: 14 },
      k4: { file: join(root, "inventory/group_vars/all.yml"), line: 1 },
      k5: { file: join(root, "inventory/group_vars/web.yml"), line: 1 },
      k6: { file: inventoryFile, line: 23 },
      k7: { file: join(root, "inventory/host_vars/w1.yml"), line: 1 },
      k8: { file: "site.ts" },
      k9: { file: "--extra-vars" },
    });
    expect(Object.values(resolved.layers)).toEqual([...VAR_LAYERS]);
  });

  it("replaces top-level keys whole (hash_behaviour=replace), never deep-merging", async () => {
    const { inv } = await load({
      "inventory/hosts.yml": "web:\n  hosts:\n    w1:\n",
      "inventory/group_vars/all.yml": "nginx: {port: 80, workers: 4}\n",
      "inventory/group_vars/web.yml": "nginx: {port: 8080}\n",
    });
    expect(resolveHostVars(inv, "w1").values).toEqual({ nginx: { port: 8080 } });
  });

  it("puts every inventory-file group var below group_vars/all, as Ansible's default precedence does", async () => {
    const { inv } = await load({
      "inventory/hosts.yml": "web:\n  vars:\n    x: web-inline\n  hosts:\n    w1:\n",
      "inventory/group_vars/all.yml": "x: group_vars-all\n",
    });
    expect(resolveHostVars(inv, "w1").values).toEqual({ x: "group_vars-all" });
  });

  it("returns copies: changing a resolved value leaves the inventory alone", async () => {
    const { inv } = await load({ "inventory/hosts.yml": "all:\n  vars:\n    list: [1]\n  hosts:\n    h:\n" });
    const first = resolveHostVars(inv, "h").values;
    (first["list"] as number[]).push(2);
    expect(resolveHostVars(inv, "h").values).toEqual({ list: [1] });
  });

  it("fails for a host the inventory does not have", async () => {
    const { inv } = await load({ "inventory/hosts.yml": "all:\n  hosts:\n    h:\n" });
    expect(() => resolveHostVars(inv, "nope")).toThrow(UnknownHostError);
    expect(() => resolveHostVars(inv, "nope")).toThrow("no host named 'nope' in the inventory");
  });
});

describe("resolveHostVars: group order", () => {
  // w1 is in prod (depth 1) > web (depth 2), and in eu (depth 1).
  const HOSTS = [
    "all:",
    "  children:",
    "    prod:",
    "      vars: {x: prod}",
    "      children:",
    "        web:",
    "          vars: {x: web}",
    "          hosts:",
    "            w1:",
    "    eu:",
    "      vars: {x: eu, y: eu}",
    "      hosts:",
    "        w1:",
    "    prod_extra:",
    "      vars: {y: prod}",
    "      hosts:",
    "        w1:",
  ].join("\n");

  it("sorts by depth, then ansible_group_priority, then name", async () => {
    const { inv } = await load({ "inventory/hosts.yml": HOSTS });
    const groups = inv.groups.filter((g) => g.name !== "all");
    expect(sortGroups(groups).map((g) => [g.name, g.depth])).toEqual([
      ["eu", 1],
      ["prod", 1],
      ["prod_extra", 1],
      ["ungrouped", 1],
      ["web", 2],
    ]);
  });

  it("lets a child group beat its parent, and the alphabetically later group beat an equal", async () => {
    const { inv } = await load({ "inventory/hosts.yml": HOSTS });
    // x: web (depth 2) beats prod and eu; y: prod_extra beats eu (same depth, later name)
    expect(resolveHostVars(inv, "w1").values).toEqual({ x: "web", y: "prod" });
  });

  it("honours ansible_group_priority among groups of the same depth only", async () => {
    const withPriority = HOSTS.replace("vars: {x: eu, y: eu}", "vars: {x: eu, y: eu, ansible_group_priority: 10}");
    const { inv } = await load({ "inventory/hosts.yml": withPriority });
    // y: eu now beats prod_extra; x: web still wins, being deeper
    expect(resolveHostVars(inv, "w1").values).toEqual({ x: "web", y: "eu" });
    expect(resolveHostVars(inv, "w1").provenance["ansible_group_priority"]).toBeUndefined();
  });

  it("orders group_vars files the same way", async () => {
    const { inv } = await load({
      "inventory/hosts.yml": HOSTS,
      "inventory/group_vars/web.yml": "z: web\n",
      "inventory/group_vars/prod.yml": "z: prod\nw: prod\n",
      "inventory/group_vars/eu.yml": "z: eu\nw: eu\n",
    });
    expect(resolveHostVars(inv, "w1").values).toMatchObject({ z: "web", w: "prod" });
  });

  it("applies the site directory's group_vars after the inventory's, directory by directory", async () => {
    const { root, inv } = await load(
      {
        "inventory/hosts.yml": HOSTS,
        "inventory/group_vars/web.yml": "z: inventory-web\n",
        "inventory/host_vars/w1.yml": "h: inventory-w1\n",
        "site/group_vars/prod.yml": "z: site-prod\n",
        "site/host_vars/w1.yml": "h: site-w1\n",
      },
      "site",
    );
    const resolved = resolveHostVars(inv, "w1");
    // As Ansible: playbook-adjacent group_vars (even a parent's) beat inventory-adjacent ones.
    expect(resolved.values).toMatchObject({ z: "site-prod", h: "site-w1" });
    expect(resolved.provenance["z"]).toEqual({ file: join(root, "site/group_vars/prod.yml"), line: 1 });
    expect(resolved.layers["h"]).toBe("host_vars/<host>");
  });
});
