import { describe, expect, it } from "vitest";
import {
  DropletGroupingSchema,
  DropletHostError,
  dropletFacts,
  dropletHosts,
  groupName,
  type DropletEntry,
  type DropletFacts,
} from "../../../src/inventory/index.js";
import { ApiDropletSchema } from "../../../src/digitalocean/schemas.js";
import { thrown } from "./helpers.js";

const ctx = { file: "inv/digitalocean.yml", at: (key: string) => ({ file: "inv/digitalocean.yml", line: key === "host_address" ? 3 : 4, column: 1 }) };

function droplet(id: number, name: string, more: Partial<DropletFacts> = {}): DropletEntry {
  return {
    facts: {
      id,
      name,
      status: "active",
      region: "nyc3",
      size: "s-1vcpu-1gb",
      tags: [],
      privateIpv4: `10.0.0.${id}`,
      publicIpv4: `192.0.2.${id}`,
      vpcUuid: null,
      image: "debian-12-x64",
      distribution: "Debian",
      ...more,
    },
    provenance: { file: `inv/digitalocean.yml: droplet ${id}` },
  };
}

const grouping = (over: Record<string, unknown> = {}) => DropletGroupingSchema.parse(over);

describe("droplets → hosts", () => {
  it("refuses two droplets with one name by default, naming both ids and the way out", () => {
    const err = thrown(() => dropletHosts([droplet(1, "web"), droplet(2, "web")], grouping(), ctx));
    expect(err).toBeInstanceOf(DropletHostError);
    expect((err as Error).message).toBe(
      "inv/digitalocean.yml:4:1: duplicate_names: 2 droplets are named web (ids 1, 2) but host names must be unique: rename one, or set duplicate_names: append_id to call them web-1, web-2",
    );
  });

  it("with duplicate_names: append_id, names each droplet of a shared name <name>-<id>, keeping do_name", () => {
    const { hosts, groups } = dropletHosts([droplet(1, "web", { tags: ["app"] }), droplet(2, "web", { tags: ["app"] }), droplet(3, "db")], grouping({ duplicate_names: "append_id" }), ctx);
    expect(hosts.map((h) => [h.name, h.vars["do_name"]?.value])).toEqual([
      ["web-1", "web"],
      ["web-2", "web"],
      ["db", "db"],
    ]);
    expect(groups).toEqual([{ name: "app", hosts: ["web-1", "web-2"], children: [], vars: {}, declaredAt: { file: "inv/digitalocean.yml" } }]);
  });

  it("names the droplet without the chosen kind of address", () => {
    const err = thrown(() => dropletHosts([droplet(1, "a"), droplet(7, "vpc-less", { privateIpv4: null })], grouping({ host_address: "private" }), ctx));
    expect((err as Error).message).toBe(
      "inv/digitalocean.yml:3:1: host_address: droplet vpc-less (id 7) has no private IPv4 address; give it one, use host_address: public, or leave it out of the tags this inventory reads",
    );
  });

  it("reads a spec-shaped droplet with only a public interface and no image slug", () => {
    const d = ApiDropletSchema.parse({
      id: 9,
      name: "edge",
      status: "active",
      tags: [],
      size_slug: "s-1vcpu-1gb",
      region: { slug: "fra1", name: "Frankfurt 1" },
      image: { id: 5, distribution: "Unknown", slug: null },
      networks: { v4: [{ ip_address: "203.0.113.9", netmask: "255.255.255.0", gateway: "203.0.113.1", type: "public" }], v6: [] },
    });
    expect(dropletFacts(d)).toEqual({
      id: 9,
      name: "edge",
      status: "active",
      region: "fra1",
      size: "s-1vcpu-1gb",
      tags: [],
      privateIpv4: null,
      publicIpv4: "203.0.113.9",
      vpcUuid: null,
      image: null,
      distribution: "Unknown",
    });
  });

  it("makes group names host patterns can select", () => {
    expect(["wp-wp-app", "env:prod", "k8s", "3tier", "web"].map(groupName)).toEqual(["wp_wp_app", "env_prod", "k8s", "_3tier", "web"]);
  });

  it("applies tag_prefix and leaves out keyed groups whose value is unknown", () => {
    const { groups } = dropletHosts([droplet(1, "a", { tags: ["web"], distribution: null })], grouping({ tag_prefix: "tag_", keyed_groups: ["distribution", { key: "region", prefix: "" }] }), ctx);
    expect(groups.map((g) => g.name)).toEqual(["tag_web", "nyc3"]);
  });
});
