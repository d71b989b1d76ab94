import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  GroupCycleError,
  InvalidGroupNameError,
  InvalidHostNameError,
  InventoryShapeError,
  InventorySyntaxError,
  loadInventory,
  parseYamlInventory,
  VarsFileError,
  YamlInventorySource,
} from "../../../src/inventory/index.js";
import { tempTree, thrown } from "./helpers.js";

const F = "inventory/hosts.yml";

function parse(text: string) {
  return parseYamlInventory(text, F);
}

describe("static YAML inventory: shape", () => {
  it("reads all/hosts/vars/children, null host values, ranges and nested groups", () => {
    const fragment = parse(
      [
        "all:", //                                    1
        "  vars:", //                                 2
        "    ansible_user: deploy", //                3
        "  hosts:", //                                4
        "    bastion:", //                            5
        "  children:", //                             6
        "    web:", //                                7
        "      hosts:", //                            8
        "        web[01:03]:", //                     9
        "      vars:", //                             10
        "        http_port: 80", //                   11
        "    db:", //                                 12
        "      children:", //                         13
        "        db_primary:", //                     14
        "          hosts:", //                        15
        "            db1: {galera_primary: true}", // 16
        "        db_replicas:", //                    17
        "          hosts:", //                        18
        "            db2:", //                        19
        "            db3:", //                        20
      ].join("\n"),
    );
    expect(fragment.source).toBe(F);
    expect(fragment.hosts.map((h) => h.name)).toEqual(["bastion", "web01", "web02", "web03", "db1", "db2", "db3"]);
    expect(fragment.groups.map((g) => [g.name, g.hosts, g.children])).toEqual([
      ["all", ["bastion"], ["web", "db"]],
      ["web", ["web01", "web02", "web03"], []],
      ["db", [], ["db_primary", "db_replicas"]],
      ["db_primary", ["db1"], []],
      ["db_replicas", ["db2", "db3"], []],
    ]);
    const all = fragment.groups[0];
    expect(all?.vars).toEqual({ ansible_user: { value: "deploy", provenance: { file: F, line: 3 } } });
    expect(fragment.groups[1]?.vars).toEqual({ http_port: { value: 80, provenance: { file: F, line: 11 } } });
    expect(fragment.hosts.find((h) => h.name === "db1")).toEqual({
      name: "db1",
      vars: { galera_primary: { value: true, provenance: { file: F, line: 16 } } },
      declaredAt: { file: F, line: 16, column: 13 },
    });
    expect(fragment.hosts.find((h) => h.name === "web02")?.declaredAt).toEqual({ file: F, line: 9, column: 9 });
  });

  it("reads a section given as a string as one name, as Ansible's yaml plugin does", () => {
    const fragment = parse("all:\n  hosts: w1\n  children: web\n  vars: flag\nweb:\n  hosts: w2 # comment\n");
    expect(fragment.groups.map((g) => [g.name, g.hosts, g.children])).toEqual([
      ["all", ["w1"], ["web"]],
      ["web", ["w2"], []],
    ]);
    expect(fragment.groups[0]?.vars).toEqual({ flag: { value: null, provenance: { file: F, line: 4 } } });
  });

  it("sets ansible_port from name:port only where the host first appears, as Ansible does", () => {
    const fragment = parse("a:\n  hosts:\n    w1:\nb:\n  hosts:\n    w1:2222:\n    w2:2200:\n");
    expect(fragment.hosts.map((h) => [h.name, h.vars["ansible_port"]?.value])).toEqual([
      ["w1", undefined],
      ["w2", 2200],
    ]);
  });

  it("accepts top-level groups besides all, as Ansible does", () => {
    const fragment = parse("web:\n  hosts:\n    w1:\ndb:\n  hosts:\n    d1:\nempty:\n");
    expect(fragment.groups.map((g) => [g.name, g.hosts])).toEqual([
      ["web", ["w1"]],
      ["db", ["d1"]],
      ["empty", []],
    ]);
  });

  it("merges a group mentioned twice, and a host's vars from every group that lists it", () => {
    const fragment = parse(
      [
        "all:",
        "  children:",
        "    web:",
        "      hosts:",
        "        h1: {a: 1, b: 1}",
        "    prod:",
        "      children:",
        "        web:",
        "          hosts:",
        "            h2:",
        "          vars: {tier: front}",
        "      hosts:",
        "        h1: {b: 2}",
      ].join("\n"),
    );
    const web = fragment.groups.find((g) => g.name === "web");
    expect(web?.hosts).toEqual(["h1", "h2"]);
    expect(web?.vars).toEqual({ tier: { value: "front", provenance: { file: F, line: 11 } } });
    expect(fragment.groups.find((g) => g.name === "prod")?.children).toEqual(["web"]);
    expect(fragment.hosts.find((h) => h.name === "h1")?.vars).toEqual({
      a: { value: 1, provenance: { file: F, line: 5 } },
      b: { value: 2, provenance: { file: F, line: 13 } },
    });
  });

  it("turns host:port into ansible_port, which the host's own vars may override", () => {
    const fragment = parse("all:\n  hosts:\n    a.example.com:2222:\n    '[2001:db8::1]:2200':\n    b:2201: {ansible_port: 22}\n    2001:db8::2:\n");
    expect(fragment.hosts.map((h) => [h.name, h.vars["ansible_port"]?.value])).toEqual([
      ["a.example.com", 2222],
      ["2001:db8::1", 2200],
      ["b", 22],
      ["2001:db8::2", undefined],
    ]);
    expect(fragment.hosts[0]?.vars["ansible_port"]?.provenance).toEqual({ file: F, line: 3 });
  });

  it("expands alphabetic, stepped and multiple ranges, keeping zero padding", () => {
    const fragment = parse("all:\n  hosts:\n    db-[a:c]-node:\n    w[001:010:4]:\n    r[1:2]x[0:1]:\n");
    expect(fragment.hosts.map((h) => h.name)).toEqual([
      "db-a-node",
      "db-b-node",
      "db-c-node",
      "w001",
      "w005",
      "w009",
      "r1x0",
      "r1x1",
      "r2x0",
      "r2x1",
    ]);
  });

  it("reads values with YAML 1.1 rules like Ansible: yes is true, 0644 is octal, << merges", () => {
    const fragment = parse(
      "all:\n  vars:\n    flag: yes\n    mode: 0644\n    quoted: 'yes'\n    base: &b {x: 1, y: 2}\n    merged: {<<: *b, y: 3}\n",
    );
    const vars = fragment.groups[0]?.vars ?? {};
    expect(Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.value]))).toEqual({
      flag: true,
      mode: 420,
      quoted: "yes",
      base: { x: 1, y: 2 },
      merged: { x: 1, y: 3 },
    });
  });

  it("lets one group reuse another's definition through an alias", () => {
    const fragment = parse("all:\n  children:\n    a: &g\n      hosts: {h1: }\n      vars: {x: 1}\n    c: *g\n");
    expect(fragment.groups.map((g) => [g.name, g.hosts, Object.keys(g.vars)])).toEqual([
      ["all", [], []],
      ["a", ["h1"], ["x"]],
      ["c", ["h1"], ["x"]],
    ]);
  });

  it("follows PyYAML where it departs from YAML 1.1: y/n and 1e3 are strings", () => {
    const fragment = parse("all:\n  vars:\n    a: y\n    b: n\n    c: 1e3\n    d: 1.5e+3\n    e: off\n");
    const vars = fragment.groups[0]?.vars ?? {};
    expect(Object.values(vars).map((v) => v.value)).toEqual(["y", "n", "1e3", 1500, false]);
  });

  it("takes ansible_group_priority as the group's priority, not as a variable", () => {
    const fragment = parse("all:\n  children:\n    web:\n      vars:\n        ansible_group_priority: 10\n        x: 1\n");
    const web = fragment.groups.find((g) => g.name === "web");
    expect(web?.priority).toEqual({ value: 10, provenance: { file: F, line: 5 } });
    expect(Object.keys(web?.vars ?? {})).toEqual(["x"]);
  });

  it("keeps a variable named __proto__ as a variable", () => {
    const fragment = parse("all:\n  vars:\n    __proto__: {polluted: true}\n");
    const vars = fragment.groups[0]?.vars ?? {};
    expect(Object.keys(vars)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});

describe("static YAML inventory: errors name file:line:col and the key", () => {
  const cases: Array<[string, string, new (...args: never[]) => Error, string]> = [
    [
      "malformed YAML",
      "all:\n  hosts:\n    a: [1, 2\n",
      InventorySyntaxError,
      `${F}:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ],
    [
      "a bad indent",
      "all:\n  hosts:\n    a:\n   b:\n",
      InventorySyntaxError,
      `${F}:4:4: invalid YAML: All mapping items must start at the same column`,
    ],
    ["a tab as indentation", "all:\n\thosts:\n", InventorySyntaxError, `${F}:2:1: invalid YAML: Tabs are not allowed as indentation`],
    ["a duplicate key", "all:\n  hosts:\n    a:\n    a:\n", InventorySyntaxError, `${F}:4:5: invalid YAML: Map keys must be unique`],
    ["a duplicate var", "all:\n  vars:\n    x: 1\n    x: 2\n", InventorySyntaxError, `${F}:4:5: invalid YAML: Map keys must be unique`],
    [
      "hosts given as a list",
      "all:\n  children:\n    web:\n      hosts:\n        - w1\n        - w2\n",
      InventoryShapeError,
      `${F}:5:9: all.children.web.hosts: hosts must be a mapping of host names (each to its vars, or null), found a sequence`,
    ],
    [
      "host vars that are not a mapping",
      "all:\n  hosts:\n    w1: 10.0.0.1\n",
      InventoryShapeError,
      `${F}:3:9: all.hosts.w1: host vars must be a mapping, found a string '10.0.0.1'`,
    ],
    [
      "vars that are not a mapping",
      "all:\n  vars: [a]\n",
      InventoryShapeError,
      `${F}:2:9: all.vars: vars must be a mapping, found a sequence`,
    ],
    [
      "an unknown key in a group",
      "all:\n  children:\n    web:\n      hsots:\n        w1:\n",
      InventoryShapeError,
      `${F}:4:7: all.children.web.hsots: unknown key in group 'web'; expected one of hosts, vars, children`,
    ],
    [
      "an unknown top-level key",
      "plugin: community.digitalocean.digitalocean\n",
      InventoryShapeError,
      `${F}:1:1: plugin: unknown top-level key: top-level keys are group names whose values are mappings of hosts/vars/children, but this is a string 'community.digitalocean.digitalocean' (inventory plugin configs are not static inventories)`,
    ],
    [
      "a top-level list",
      "all: [a, b]\n",
      InventoryShapeError,
      `${F}:1:1: all: unknown top-level key: top-level keys are group names whose values are mappings of hosts/vars/children, but this is a sequence`,
    ],
    ["an empty file", "# nothing\n", InventoryShapeError, `${F}:1:1: the inventory is empty; expected a mapping such as 'all: {hosts: ...}'`],
    ["a document that is a list", "- a\n- b\n", InventoryShapeError, `${F}:1:1: (top level): expected a mapping, found a sequence`],
    [
      "a host name with a space",
      "all:\n  hosts:\n    'web 1':\n",
      InvalidHostNameError,
      `${F}:3:5: all.hosts.web 1: 'web 1' is not a valid host name (letters, digits, '-', '_' and '.', or an IP address)`,
    ],
    [
      "a host name with a slash",
      "all:\n  children:\n    web:\n      hosts:\n        web/1:\n",
      InvalidHostNameError,
      `${F}:5:9: all.children.web.hosts.web/1: 'web/1' is not a valid host name (letters, digits, '-', '_' and '.', or an IP address)`,
    ],
    [
      "a host name starting with a dash",
      "all:\n  hosts:\n    -web:\n",
      InvalidHostNameError,
      `${F}:3:5: all.hosts.-web: '-web' is not a valid host name (letters, digits, '-', '_' and '.', or an IP address)`,
    ],
    [
      "a range whose begin is after its end",
      "all:\n  hosts:\n    web[3:1]:\n",
      InvalidHostNameError,
      `${F}:3:5: all.hosts.web[3:1]: host range [3:1] must have begin <= end`,
    ],
    [
      "a padded range with bounds of different widths",
      "all:\n  hosts:\n    web[01:100]:\n",
      InvalidHostNameError,
      `${F}:3:5: all.hosts.web[01:100]: host range [01:100] must specify equal-length begin and end formats`,
    ],
    ["an unclosed range", "all:\n  hosts:\n    web[1:3:\n", InvalidHostNameError, `${F}:3:5: all.hosts.web[1:3: unbalanced brackets in 'web[1:3'`],
    [
      "a port out of range",
      "all:\n  hosts:\n    web:70000:\n",
      InvalidHostNameError,
      `${F}:3:5: all.hosts.web:70000: port 70000 is out of range 1-65535`,
    ],
    [
      "an invalid group name",
      "all:\n  children:\n    'web:eu':\n",
      InvalidGroupNameError,
      `${F}:3:5: all.children.web:eu: invalid group name: use letters, digits, '_', '-' and '.'`,
    ],
    [
      "a group that is a string",
      "all:\n  children:\n    web: yes\n",
      InventoryShapeError,
      `${F}:3:10: all.children.web: a group must be a mapping of hosts/vars/children, found a boolean (true)`,
    ],
    [
      "a non-integer ansible_group_priority",
      "all:\n  children:\n    web:\n      vars:\n        ansible_group_priority: high\n",
      InventoryShapeError,
      `${F}:5: all.children.web.vars.ansible_group_priority: must be an integer, found "high"`,
    ],
    [
      "an alias to a group inside itself",
      "all:\n  children:\n    a: &g\n      children:\n        b: *g\n",
      InventoryShapeError,
      `${F}:5:9: all.children.a.children.b: this alias names a group that contains it, so the group would be its own descendant`,
    ],
  ];

  it.each(cases)("%s", (_what, text, type, message) => {
    const err = thrown(() => parse(text));
    expect(err).toBeInstanceOf(type);
    expect((err as Error).message).toBe(message);
  });

  it("an inline vault value without a vault password: an error at its file:line naming its key, when the inventory loads", async () => {
    const text = "all:\n  vars:\n    secret: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162\n";
    const source = { name: F, load: () => Promise.resolve(parse(text)) };
    const err = await loadInventory({ sources: [source] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VarsFileError);
    expect((err as Error).message).toBe(
      `${F}:3:20: secret: an ansible-vault encrypted value (!vault): give --vault-password-file FILE, --vault-id ID@FILE or --ask-vault-pass, or set ANSIBLE_VAULT_PASSWORD_FILE`,
    );
  });

  it("reports a cycle in children at the key that closes it", () => {
    const text = [
      "all:", //                 1
      "  children:", //          2
      "    a:", //               3
      "      children:", //      4
      "        b:", //           5
      "    b:", //               6
      "      children:", //      7
      "        c:", //           8
      "    c:", //               9
      "      children:", //      10
      "        a:", //           11
    ].join("\n");
    const err = thrown(() => parse(text));
    expect(err).toBeInstanceOf(GroupCycleError);
    expect((err as GroupCycleError).cycle).toEqual(["a", "b", "c", "a"]);
    expect((err as Error).message).toBe(`${F}:11:9: children form a cycle: a -> b -> c -> a`);
  });

  it("reports a group that is its own child", () => {
    expect((thrown(() => parse("all:\n  children:\n    a:\n      children:\n        a:\n")) as Error).message).toBe(
      `${F}:5:9: children form a cycle: a -> a`,
    );
  });

  it("rejects all as a child group", () => {
    const err = thrown(() => parse("all:\n  children:\n    web:\n      children:\n        all:\n"));
    expect(err).toBeInstanceOf(GroupCycleError);
    expect((err as Error).message).toBe(`${F}:5:9: children form a cycle: all -> web -> all`);
  });
});

describe("YamlInventorySource", () => {
  it("loads a file and names its directory for group_vars/host_vars", async () => {
    const root = await tempTree({ "inventory/hosts.yml": "all:\n  hosts:\n    h1:\n" });
    const path = join(root, "inventory/hosts.yml");
    const source = new YamlInventorySource(path);
    expect(source.name).toBe(path);
    const fragment = await source.load();
    expect(fragment.varsDir).toBe(join(root, "inventory"));
    expect(fragment.hosts.map((h) => h.name)).toEqual(["h1"]);
    expect(fragment.hosts[0]?.declaredAt).toEqual({ file: path, line: 3, column: 5 });
  });

  it("fails with the path when the file cannot be read", async () => {
    const root = await tempTree({});
    const path = join(root, "missing.yml");
    await expect(new YamlInventorySource(path).load()).rejects.toThrow(new RegExp(`^${path}: cannot read inventory: ENOENT`));
    await expect(new YamlInventorySource(path).load()).rejects.toBeInstanceOf(InventorySyntaxError);
  });
});
