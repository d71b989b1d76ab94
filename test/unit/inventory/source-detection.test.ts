import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InventorySyntaxError, loadInventory, resolveHostVars } from "../../../src/inventory/index.js";
import { inventorySource, resolveInventoryArg } from "../../../src/inventory/source-factory.js";
import { tempTree } from "./helpers.js";

async function load(...sources: string[]) {
  return loadInventory({ sources: sources.map((s) => inventorySource(s)) });
}

function groupsOf(inv: Awaited<ReturnType<typeof load>>) {
  return inv.groups.filter((g) => g.name !== "all" && g.name !== "ungrouped").map((g) => [g.name, g.hosts]);
}

describe("an -i source is read as Ansible's plugins would claim it", () => {
  it("INI by content in a file with no extension, in .ini, .cfg and .txt files, and in a .yml file that is not YAML", async () => {
    const ini = "[web]\nw1 ansible_host=10.0.0.1\n";
    const root = await tempTree({ hosts: ini, "a.ini": ini, "b.cfg": ini, "c.txt": ini, "d.yml": ini });
    for (const f of ["hosts", "a.ini", "b.cfg", "c.txt", "d.yml"]) {
      expect(groupsOf(await load(join(root, f))), f).toEqual([["web", ["w1"]]]);
    }
  });

  it("YAML in a file with no extension, and INI-looking content in a .ini file is never tried as YAML", async () => {
    const root = await tempTree({ production: "web:\n  hosts:\n    w1:\n", "odd.ini": "web:\n  hosts:\n" });
    expect(groupsOf(await load(join(root, "production")))).toEqual([["web", ["w1"]]]);
    await expect(load(join(root, "odd.ini"))).rejects.toThrow(`${join(root, "odd.ini")}:1: Invalid host pattern 'web:' supplied, ending in ':' is not allowed`);
  });

  it("shows the YAML error for a broken YAML file, the INI error for a broken INI file", async () => {
    const root = await tempTree({ "bad.yml": "all:\n  hosts:\n    - [\n", hosts: "[web]\nw1 oops\n" });
    await expect(load(join(root, "bad.yml"))).rejects.toThrow(/bad\.yml:\d+:\d+: invalid YAML/);
    await expect(load(join(root, "hosts"))).rejects.toThrow(`${join(root, "hosts")}:2: Expected key=value host variable assignment, got: oops`);
  });

  it("a comma-separated host list, kept as written by resolveInventoryArg", async () => {
    const inv = await load("web1,web2:2222,web1");
    expect(inv.hosts.map((h) => h.name)).toEqual(["web1", "web2"]);
    // Ansible's add_host: the list as typed, and basedir's None as text.
    expect(resolveHostVars(inv, "web2").values).toEqual({ inventory_file: "web1,web2:2222,web1", inventory_dir: "None", ansible_port: 2222 });
    expect(inv.groups.find((g) => g.name === "ungrouped")?.hosts).toEqual(["web1", "web2"]);
    expect(resolveInventoryArg("a,b", "/nowhere")).toBe("a,b");
    expect(resolveInventoryArg("hosts", "/srv")).toBe("/srv/hosts");
  });
});

describe("an inventory directory", () => {
  it("reads its sources in byte order, recursing, skipping what Ansible skips, with its own group_vars only", async () => {
    const root = await tempTree({
      "inv/b-groups.yml": "prod:\n  children:\n    web:\n",
      "inv/a-hosts": "[web]\nw1\n",
      "inv/C-upper": "[upper]\nu1\n",
      "inv/c-extra": "[web:vars]\nfrom_c=yes\n[mon:children]\nweb\n",
      "inv/hosts.ini": "[skipped]\nnever\n",
      "inv/notes.md": "# not an inventory\n",
      "inv/.hidden": "[hidden]\nh\n",
      "inv/sub/hosts": "[cache]\nr1\n",
      "inv/sub/group_vars/cache.yml": "nested: true\n",
      "inv/group_vars/web.yml": "top: true\n",
    });
    const inv = await load(join(root, "inv"));
    expect(groupsOf(inv)).toEqual([
      ["upper", ["u1"]],
      ["web", ["w1"]],
      ["prod", []],
      ["mon", []],
      ["cache", ["r1"]],
    ]);
    // inventory_file: the file inside the directory that names the host first.
    const w1 = { inventory_file: join(root, "inv/a-hosts"), inventory_dir: join(root, "inv") };
    expect(resolveHostVars(inv, "w1").values).toEqual({ ...w1, from_c: "yes", top: true });
    expect(resolveHostVars(inv, "r1").values).toEqual({ inventory_file: join(root, "inv/sub/hosts"), inventory_dir: join(root, "inv/sub") });
    const warned = inv.warnings.map((w) => `${w.location?.file ?? ""}: ${w.message}`);
    expect(warned).toContain(`${join(root, "inv/hosts.ini")}: skipped, as Ansible skips '*.ini' files in an inventory directory`);
    expect(warned).toContain(`${join(root, "inv/notes.md")}: skipped, as Ansible skips '*.md' files in an inventory directory`);
  });

  it("names the file a bad source in it is, at its line", async () => {
    const root = await tempTree({ "inv/01": "[web]\nw1\n", "inv/02": "[db:vars]\nx=1\n" });
    const err = await load(join(root, "inv")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`${join(root, "inv/02")}:1: Section [db:vars] not valid for undefined group: db`);
  });

  it("with no inventory source in it is an error, as in Ansible", async () => {
    const root = await tempTree({ "inv/.keep": "", "inv/hosts.ini": "[w]\nw1\n" });
    await expect(load(join(root, "inv"))).rejects.toThrow(`${join(root, "inv")}: no inventory source in this directory (only ignored or hidden files)`);
  });

  it("an unreadable -i path is an error naming it", async () => {
    await expect(load("/nonexistent/inventory")).rejects.toBeInstanceOf(InventorySyntaxError);
  });
});
