import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  attachVarsDirs,
  InventorySyntaxError,
  mergeInventories,
  parseYamlInventory,
  readVarsFile,
  VarsFileError,
  type Inventory,
} from "../../../src/inventory/index.js";
import { tempTree } from "./helpers.js";

const INVENTORY = "all:\n  hosts:\n    db1.example.com:\n  children:\n    web:\n      hosts:\n        w1:\n    db:\n      hosts:\n        d1:\n    lb:\n";

function inventory(text = INVENTORY): Inventory {
  return mergeInventories([parseYamlInventory(text, "hosts.yml")]);
}

describe("group_vars/ and host_vars/", () => {
  it("reads every file form and the folder form, each variable at file:line", async () => {
    const root = await tempTree({
      "group_vars/all.yml": "---\n# shared\nntp: pool.ntp.org\n",
      "group_vars/web.yaml": "http_port: 80\n",
      "group_vars/db.json": '{\n  "mysql_port": 3306,\n  "on": "yes"\n}\n',
      "group_vars/lb": "haproxy: true\n",
      "host_vars/w1.yml": "weight: 10\n",
      "host_vars/db1.example.com": "role: bastion\n",
      "host_vars/d1/10-base.yml": "a: 1\nb: 1\n",
      "host_vars/d1/20-more.yaml": "b: 2\n",
      "host_vars/d1/30-deeper/x.yml": "c: 3\n",
      "host_vars/d1/README.md": "notes\n",
      "host_vars/d1/.hidden.yml": "a: hidden\n",
      "host_vars/d1/40-backup.yml~": "a: backup\n",
    });
    const inv = await attachVarsDirs(inventory(), [root]);
    const layer = inv.varsDirs[0];
    const g = (file: string) => join(root, "group_vars", file);
    const h = (file: string) => join(root, "host_vars", file);
    expect(layer?.dir).toBe(root);
    expect(layer?.groups).toEqual({
      all: { ntp: { value: "pool.ntp.org", provenance: { file: g("all.yml"), line: 3 } } },
      web: { http_port: { value: 80, provenance: { file: g("web.yaml"), line: 1 } } },
      db: {
        mysql_port: { value: 3306, provenance: { file: g("db.json"), line: 2 } },
        on: { value: "yes", provenance: { file: g("db.json"), line: 3 } },
      },
      lb: { haproxy: { value: true, provenance: { file: g("lb"), line: 1 } } },
    });
    expect(layer?.hosts).toEqual({
      "db1.example.com": { role: { value: "bastion", provenance: { file: h("db1.example.com"), line: 1 } } },
      w1: { weight: { value: 10, provenance: { file: h("w1.yml"), line: 1 } } },
      d1: {
        a: { value: 1, provenance: { file: h("d1/10-base.yml"), line: 1 } },
        b: { value: 2, provenance: { file: h("d1/20-more.yaml"), line: 1 } },
        c: { value: 3, provenance: { file: h("d1/30-deeper/x.yml"), line: 1 } },
      },
    });
    expect(inv.warnings).toEqual([
      { message: "not a vars file (.yml, .yaml, .json or no extension); it is ignored", location: { file: h("d1/README.md") } },
    ]);
  });

  it("keeps one layer per directory, in the order given, and reads a repeated directory once", async () => {
    const inventoryDir = await tempTree({ "group_vars/web.yml": "x: inventory\n" });
    const siteDir = await tempTree({ "group_vars/web.yml": "x: site\n" });
    const inv = await attachVarsDirs(inventory(), [inventoryDir, siteDir, inventoryDir]);
    expect(inv.varsDirs.map((d) => [d.dir, d.groups["web"]?.["x"]?.value])).toEqual([
      [inventoryDir, "inventory"],
      [siteDir, "site"],
    ]);
  });

  it("is empty for a directory without group_vars/ or host_vars/", async () => {
    const root = await tempTree({ "hosts.yml": INVENTORY });
    const inv = await attachVarsDirs(inventory(), [root, join(root, "does-not-exist")]);
    expect(inv.varsDirs.map((d) => [d.groups, d.hosts])).toEqual([
      [{}, {}],
      [{}, {}],
    ]);
    expect(inv.warnings).toEqual([]);
  });

  it("warns about files that match no group or host, and about ansible_group_priority in a file", async () => {
    const root = await tempTree({
      "group_vars/wbe.yml": "x: 1\n",
      "group_vars/web.yml": "x: 1\nansible_group_priority: 5\n",
      "host_vars/w2.yml": "x: 1\n",
    });
    const inv = await attachVarsDirs(inventory(), [root]);
    expect(inv.warnings).toEqual([
      {
        message: "ansible_group_priority is only honoured in the inventory, not in group_vars files; here it is an ordinary variable",
        location: { file: join(root, "group_vars/web.yml"), line: 2 },
      },
      { message: "no group in the inventory matches this file; it is ignored", location: { file: join(root, "group_vars/wbe.yml") } },
      { message: "no host in the inventory matches this file; it is ignored", location: { file: join(root, "host_vars/w2.yml") } },
    ]);
    expect(inv.varsDirs[0]?.groups["web"]?.["ansible_group_priority"]?.value).toBe(5);
  });

  it("rejects two files for the same group, naming both", async () => {
    const root = await tempTree({ "group_vars/web.yml": "x: 1\n", "group_vars/web.yaml": "x: 2\n" });
    const err = await attachVarsDirs(inventory(), [root]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VarsFileError);
    const base = join(root, "group_vars");
    expect((err as Error).message).toBe(`${base}/web.yaml: ${base}/web.yml and ${base}/web.yaml both hold vars for 'web'; keep one`);
  });

  it("rejects a folder and a file for the same host", async () => {
    const root = await tempTree({ "host_vars/w1/a.yml": "x: 1\n", "host_vars/w1.yml": "x: 2\n" });
    await expect(attachVarsDirs(inventory(), [root])).rejects.toThrow(/host_vars\/w1 and .*host_vars\/w1\.yml both hold vars for 'w1'; keep one$/);
  });
});

describe("vars files: errors name file:line", () => {
  it("reports malformed YAML at file:line:col", async () => {
    const root = await tempTree({ "group_vars/db.yml": "a: 1\nb: [1, 2\nc: 3\n" });
    const err = await attachVarsDirs(inventory(), [root]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventorySyntaxError);
    expect((err as Error).message).toBe(`${join(root, "group_vars/db.yml")}:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`);
  });

  it("reports malformed JSON at file:line:col", async () => {
    const root = await tempTree({ "x.json": '{\n  "a": 1,\n  "b": [1, 2}\n}\n' });
    const err = await readVarsFile(join(root, "x.json")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventorySyntaxError);
    expect((err as Error).message).toBe(
      `${join(root, "x.json")}:3:13: invalid JSON: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
  });

  it("rejects a file that is not a mapping", async () => {
    const root = await tempTree({ "vars.yml": "# list\n- a\n- b\n" });
    const err = await readVarsFile(join(root, "vars.yml")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VarsFileError);
    expect((err as Error).message).toBe(`${join(root, "vars.yml")}:2:1: a vars file must be a mapping of variable names to values, found a sequence`);
  });

  it("rejects an ansible-vault encrypted file by name when there is no way to decrypt it", async () => {
    const root = await tempTree({ "secrets.yml": "$ANSIBLE_VAULT;1.1;AES256\n6162636465\n" });
    await expect(readVarsFile(join(root, "secrets.yml"))).rejects.toThrow(`${join(root, "secrets.yml")}:1:1: is an ansible-vault encrypted file: give --vault-password-file FILE`);
  });

  it("reads an empty file as no variables", async () => {
    const root = await tempTree({ "empty.yml": "---\n# nothing yet\n" });
    expect(await readVarsFile(join(root, "empty.yml"))).toEqual({});
  });

  it("fails with the path when a file cannot be read", async () => {
    const root = await tempTree({});
    await expect(readVarsFile(join(root, "nope.yml"))).rejects.toThrow(new RegExp(`^${join(root, "nope.yml")}: cannot read vars file: ENOENT`));
  });
});
