import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  connectionSpec,
  groupsOfHost,
  hostsOfGroup,
  loadInventory,
  magicVars,
  resolveHostVars,
  selectHosts,
  UnknownHostError,
  YamlInventorySource,
  type InventoryFragment,
  type InventorySource,
} from "../../../src/inventory/index.js";
import { tempTree } from "./helpers.js";

/** Stands in for the DigitalOcean source: droplets by tag. */
class FakeDropletSource implements InventorySource {
  readonly name = "digitalocean (fake)";
  async load(): Promise<InventoryFragment> {
    return {
      source: this.name,
      hosts: [
        { name: "web-1", vars: { ansible_host: { value: "10.10.0.5", provenance: { file: "digitalocean droplet 101" } } }, declaredAt: { file: "digitalocean droplet 101" } },
        { name: "web-3", vars: {}, declaredAt: { file: "digitalocean droplet 103" } },
      ],
      groups: [{ name: "web", hosts: ["web-1", "web-3"], children: [], vars: {} }],
      warnings: [],
    };
  }
}

describe("loadInventory: the whole chain", () => {
  it("merges sources, attaches vars dirs in order and resolves a host's connection", async () => {
    const root = await tempTree({
      "inventory/hosts.yml": [
        "all:",
        "  vars:",
        "    ansible_user: deploy",
        "  children:",
        "    wordpress:",
        "      children:",
        "        web:",
        "          hosts:",
        "            web-[1:2]:",
        "    db:",
        "      hosts:",
        "        db-[1:3]:",
        "",
      ].join("\n"),
      "inventory/group_vars/web.yml": "ansible_become: yes\nphp_version: '8.2'\n",
      "inventory/host_vars/web-1/net.yml": "ansible_port: 2222\n",
      "group_vars/all/secrets.yml": "db_password: hunter2\n",
    });
    const inv = await loadInventory({
      sources: [new YamlInventorySource(join(root, "inventory/hosts.yml")), new FakeDropletSource()],
      siteDirs: [root],
    });
    expect(inv.hosts.map((h) => h.name)).toEqual(["web-1", "web-2", "db-1", "db-2", "db-3", "web-3"]);
    expect(inv.varsDirs.map((d) => d.dir)).toEqual([join(root, "inventory"), root]);
    expect(selectHosts(inv, "web").hosts).toEqual(["web-1", "web-2", "web-3"]);
    expect(selectHosts(inv, "wordpress:&web[-1]").hosts).toEqual(["web-3"]);
    // `all` lists groups level by level (db is a level above web), as Ansible's Group.get_hosts does.
    expect(selectHosts(inv, "all").hosts).toEqual(["db-1", "db-2", "db-3", "web-1", "web-2", "web-3"]);
    expect(selectHosts(inv, "all", { limit: "web-3:db[0]" }).hosts).toEqual(["db-1", "web-3"]);

    const resolved = resolveHostVars(inv, "web-1");
    expect(resolved.values).toEqual({
      ansible_user: "deploy",
      db_password: "hunter2",
      ansible_become: true,
      php_version: "8.2",
      ansible_host: "10.10.0.5",
      ansible_port: 2222,
    });
    expect(resolved.provenance["db_password"]).toEqual({ file: join(root, "group_vars/all/secrets.yml"), line: 1 });
    expect(resolved.provenance["ansible_host"]).toEqual({ file: "digitalocean droplet 101" });
    expect(connectionSpec("web-1", resolved)).toEqual({
      name: "web-1",
      host: "10.10.0.5",
      port: 2222,
      user: "deploy",
      connection: "ssh",
      become: true,
      becomeUser: "root",
      becomeMethod: "sudo",
    });
  });
});

describe("magic variables and graph helpers", () => {
  it("gives inventory_hostname, group_names (sorted, without all) and groups", async () => {
    const root = await tempTree({
      "hosts.yml": "all:\n  hosts:\n    lonely.example.com:\n  children:\n    zeta:\n      children:\n        alpha:\n          hosts:\n            a1.example.com:\n",
    });
    const inv = await loadInventory({ sources: [new YamlInventorySource(join(root, "hosts.yml"))] });
    expect(magicVars(inv, "a1.example.com")).toEqual({
      inventory_hostname: "a1.example.com",
      inventory_hostname_short: "a1",
      group_names: ["alpha", "zeta"],
      groups: {
        all: ["lonely.example.com", "a1.example.com"],
        ungrouped: ["lonely.example.com"],
        zeta: ["a1.example.com"],
        alpha: ["a1.example.com"],
      },
    });
    expect(magicVars(inv, "lonely.example.com").group_names).toEqual(["ungrouped"]);
    expect(groupsOfHost(inv, "a1.example.com")).toEqual(["all", "zeta", "alpha"]);
    expect(hostsOfGroup(inv, "zeta")).toEqual(["a1.example.com"]);
    expect(() => magicVars(inv, "ghost")).toThrow(UnknownHostError);
  });
});
