import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  DropletHostError,
  InventoryShapeError,
  InventorySyntaxError,
  loadInventory,
  loadInventoryFile,
  inventorySource,
  resolveHostVars,
  selectHosts,
} from "../../../src/inventory/index.js";
import { tempTree } from "./helpers.js";

const FIXTURE = new URL("./fixtures/reference.tfstate", import.meta.url).pathname;
const STATE = await readFile(FIXTURE, "utf8");

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error("expected a rejection");
}

async function withConfig(config: string) {
  const dir = await tempTree({ "terraform/terraform.tfstate": STATE, "inventory/terraform.yml": config });
  return { dir, path: join(dir, "inventory/terraform.yml") };
}

describe("Terraform state (version 4)", () => {
  it("makes every digitalocean_droplet a host, grouped by resource name, name_index and tags; a reserved IP is a variable", async () => {
    const { dir, path } = await withConfig("plugin: terraform\nstate: ../terraform/terraform.tfstate\nhost_address: private\nkeyed_groups: [size]\n");
    const f = await loadInventoryFile(path);
    expect(f.source).toBe(path);
    expect(f.varsDir).toBe(join(dir, "inventory"));
    expect(f.hosts.map((h) => [h.name, h.vars["ansible_host"]?.value])).toEqual([
      ["db1", "10.77.0.11"],
      ["db2", "10.77.0.12"],
      ["db3", "10.77.0.13"],
      ["lb1", "10.77.0.21"],
      ["lb2", "10.77.0.22"],
      ["web1", "10.77.0.31"],
      ["web2", "10.77.0.32"],
    ]);
    expect(Object.fromEntries(f.groups.map((g) => [g.name, g.name === "all" ? g.vars : g.hosts]))).toEqual({
      all: {
        reserved_ips: { value: { lb_ip: "203.0.113.50" }, provenance: { file: join(dir, "terraform/terraform.tfstate") } },
        reserved_ip: { value: "203.0.113.50", provenance: { file: `${join(dir, "terraform/terraform.tfstate")}: digitalocean_floating_ip.lb_ip` } },
      },
      database: ["db1", "db2", "db3"],
      db_node: ["db1", "db2", "db3"],
      db_node_0: ["db1"],
      db_node_1: ["db2"],
      db_node_2: ["db3"],
      size_s_2vcpu_4gb: ["db1", "db2", "db3"],
      database_loadbalancer: ["lb1", "lb2"],
      lb_node: ["lb1", "lb2"],
      lb_node_0: ["lb1"],
      lb_node_1: ["lb2"],
      size_s_1vcpu_1gb: ["lb1", "lb2", "web1", "web2"],
      wp_wp_app: ["web1", "web2"],
      wp_node: ["web1", "web2"],
      wp_node_a: ["web1"],
      wp_node_b: ["web2"],
    });
    const lb1 = f.hosts.find((h) => h.name === "lb1");
    expect(lb1?.vars["do_reserved_ip"]?.value).toBe("203.0.113.50");
    expect(lb1?.vars["do_id"]).toEqual({ value: 311, provenance: { file: `${join(dir, "terraform/terraform.tfstate")}: digitalocean_droplet.lb_node[0]` } });
    expect(f.hosts.find((h) => h.name === "web2")?.vars["do_public_ipv4"]?.value).toBeNull();
  });

  it("reads a bare .tfstate with the defaults (public addresses), naming a droplet without one", async () => {
    const err = await failure(loadInventoryFile(FIXTURE));
    expect(err).toBeInstanceOf(DropletHostError);
    expect(err.message).toBe(
      `${FIXTURE}: host_address: droplet web2 (id 322) has no public IPv4 address; give it one, use host_address: private in a \`plugin: terraform\` file naming this state, or leave it out of the tags this inventory reads`,
    );
  });

  it("lets patterns pick count instances, and the reserved IP reach every host", async () => {
    const { path } = await withConfig("plugin: terraform\nstate: ../terraform/terraform.tfstate\nhost_address: private\n");
    const inv = await loadInventory({ sources: [inventorySource(path)] });
    expect(selectHosts(inv, "db_node[0]").hosts).toEqual(["db1"]);
    expect(selectHosts(inv, "lb_node_1:wp_node_a").hosts).toEqual(["lb2", "web1"]);
    expect(resolveHostVars(inv, "db3").values["reserved_ip"]).toBe("203.0.113.50");
  });

  it("says where a state is malformed", async () => {
    const cases: Array<[string, string, string]> = [
      ['{\n  "version": 4,\n  "resources": [\n    {"mode": "managed",,}\n  ]\n}\n', "InventorySyntaxError", "x.tfstate:4:24: invalid JSON"],
      ['{\n  "version": 3,\n  "resources": []\n}\n', "InventoryShapeError", 'x.tfstate:2:14: version: state format version 3 is not supported; only version 4'],
      ['{"version": 4, "resources": {}}', "InventoryShapeError", "x.tfstate:1:16: resources: Invalid input: expected array, received object"],
      [
        '{"version": 4, "resources": [{"mode": "managed", "type": "digitalocean_droplet", "name": "web",\n "instances": [{"index_key": 0, "attributes": {"id": "5", "region": "nyc3"}}]}]}',
        "InventoryShapeError",
        'x.tfstate:2:33: resources[0].instances[0].attributes.name: digitalocean_droplet.web[0]: Invalid input: expected string, received undefined',
      ],
      [
        '{"version": 4, "resources": [{"mode": "managed", "type": "digitalocean_droplet", "name": "web"}]}',
        "InventoryShapeError",
        "x.tfstate:1:30: resources[0].instances: Invalid input: expected array, received undefined",
      ],
      ['[]', "InventoryShapeError", "x.tfstate:1:1: Invalid input: expected object, received array"],
    ];
    for (const [text, kind, expected] of cases) {
      const dir = await tempTree({ "x.tfstate": text });
      const err = await failure(loadInventoryFile(join(dir, "x.tfstate")));
      expect(err.name, text).toBe(kind);
      expect(err.message.replace(`${dir}/`, ""), text).toContain(expected);
    }
  });

  it("is recognised by content when the file is not named *.tfstate", async () => {
    const dir = await tempTree({ "state.json": STATE.replace('"ipv4_address": "",', '"ipv4_address": "203.0.113.32",') });
    const f = await loadInventoryFile(join(dir, "state.json"));
    expect(f.hosts).toHaveLength(7);
  });

  it("rejects a config whose state cannot be read, at the state key", async () => {
    const { path } = await withConfig("plugin: terraform\nstate: ../nowhere.tfstate\n");
    const err = await failure(loadInventoryFile(path));
    expect(err).toBeInstanceOf(InventorySyntaxError);
    expect(err.message).toContain(`${path}:2:1: cannot read the Terraform state named by state: ENOENT`);
    const { path: p2 } = await withConfig("plugin: terraform\n");
    const e2 = await failure(loadInventoryFile(p2));
    expect(e2).toBeInstanceOf(InventoryShapeError);
    expect(e2.message).toContain("state: Invalid input: expected string, received undefined");
  });
});
