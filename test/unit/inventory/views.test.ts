import { describe, expect, it } from "vitest";
import { inventoryGraph, inventoryList, mergeInventories, parseYamlInventory } from "../../../src/inventory/index.js";

const INV = mergeInventories([
  parseYamlInventory(
    [
      "all:",
      "  vars: {ansible_user: deploy}",
      "  hosts:",
      "    bastion:",
      "  children:",
      "    wordpress:",
      "      children:",
      "        web:",
      "          hosts:",
      "            web-[1:2]: {php: '8.2'}",
      "    db:",
      "      hosts: {db-1: }",
      "    empty:",
    ].join("\n"),
    "hosts.yml",
  ),
]);

describe("inventory views", () => {
  it("lists groups and resolved hostvars in ansible-inventory --list's shape", () => {
    expect(inventoryList(INV)).toEqual({
      _meta: {
        hostvars: {
          bastion: { ansible_user: "deploy" },
          "web-1": { ansible_user: "deploy", php: "8.2" },
          "web-2": { ansible_user: "deploy", php: "8.2" },
          "db-1": { ansible_user: "deploy" },
        },
      },
      all: { children: ["ungrouped", "wordpress", "db", "empty"] },
      ungrouped: { hosts: ["bastion"] },
      wordpress: { children: ["web"] },
      web: { hosts: ["web-1", "web-2"] },
      db: { hosts: ["db-1"] },
    });
  });

  it("draws the tree as ansible-inventory --graph does", () => {
    expect(inventoryGraph(INV)).toBe(
      [
        "@all:",
        "  |--@ungrouped:",
        "  |  |--bastion",
        "  |--@wordpress:",
        "  |  |--@web:",
        "  |  |  |--web-1",
        "  |  |  |--web-2",
        "  |--@db:",
        "  |  |--db-1",
        "  |--@empty:",
      ].join("\n"),
    );
    expect(inventoryGraph(INV, "wordpress")).toBe(["@wordpress:", "  |--@web:", "  |  |--web-1", "  |  |--web-2"].join("\n"));
  });
});
