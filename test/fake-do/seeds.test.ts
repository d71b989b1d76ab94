import { describe, expect, it } from "vitest";
import { buildTopology } from "../lab/topology.js";
import { FakeSeedError, dropletsFromTopology, reservedIpsFromTopology, startFakeDigitalOcean } from "./index.js";
import { DropletsPage, TOKEN, api } from "./test-helpers.js";

const seed = { name: "a", privateIpv4: "10.5.0.2" };

describe("seeding the fake", () => {
  it("serves a lab topology's hosts with their droplet ids, tags and addresses", async () => {
    const topology = buildTopology({
      reservedIps: [{ ip: "10.78.0.250" }],
      hosts: [
        { name: "db1", tags: ["database"], size: "s-2vcpu-4gb" },
        { name: "lb1", tags: ["database-loadbalancer"] },
      ],
    });
    const fake = await startFakeDigitalOcean({
      token: TOKEN,
      droplets: dropletsFromTopology(topology),
      reservedIps: reservedIpsFromTopology(topology),
    });
    try {
      const res = await api(fake)("GET", "/v2/droplets?tag_name=database");
      const page = DropletsPage.parse(res.body);
      expect(page.droplets.map((d) => [d.id, d.name])).toEqual([[topology.hosts[0]?.dropletId, "db1"]]);
      const droplet = fake.droplet(topology.hosts[0]?.dropletId ?? 0);
      expect(droplet).toMatchObject({ privateIpv4: "10.77.0.10", publicIpv4: "10.78.0.10", vpcUuid: topology.vpcUuid });
      expect(fake.reservedIp("10.78.0.250")).toEqual({ ip: "10.78.0.250", region: "nyc3", dropletId: null, locked: false });
    } finally {
      await fake.close();
    }
  });

  it("gives ids to seeds without one, skipping ids other seeds hold", async () => {
    const fake = await startFakeDigitalOcean({
      token: TOKEN,
      firstDropletId: 10,
      droplets: [seed, { name: "b", id: 11, privateIpv4: "10.5.0.3" }, { name: "c", privateIpv4: "10.5.0.4" }],
    });
    try {
      const page = DropletsPage.parse((await api(fake)("GET", "/v2/droplets")).body);
      expect(page.droplets.map((d) => `${d.name}:${d.id}`)).toEqual(["a:10", "b:11", "c:12"]);
    } finally {
      await fake.close();
    }
  });

  it.each([
    ["a duplicate id", [{ ...seed, id: 5 }, { name: "b", id: 5, privateIpv4: "10.5.0.3" }], /droplets\[1\]\.id: duplicate/],
    ["a duplicate name", [seed, { ...seed, privateIpv4: "10.5.0.3" }], /droplets\[1\]\.name: duplicate/],
    ["an unknown size", [{ ...seed, size: "huge" }], /unknown droplet size huge/],
    ["an unknown region", [{ ...seed, region: "mars1" }], /unknown region mars1/],
    ["a bad address", [{ ...seed, privateIpv4: "10.5.0" }], /droplets\[0\]\.privateIpv4/],
    ["a bad tag", [{ ...seed, tags: ["has space"] }], /droplets\[0\]\.tags\.0/],
  ])("refuses %s at start-up", async (_why, droplets, message: RegExp) => {
    await expect(startFakeDigitalOcean({ token: TOKEN, droplets })).rejects.toThrow(message);
    await expect(startFakeDigitalOcean({ token: TOKEN, droplets })).rejects.toBeInstanceOf(FakeSeedError);
  });

  it("refuses a reserved IP seeded onto a droplet in another region", async () => {
    const start = startFakeDigitalOcean({
      token: TOKEN,
      droplets: [{ ...seed, id: 1, region: "sfo3" }],
      reservedIps: [{ ip: "203.0.113.1", region: "nyc3", dropletId: 1 }],
    });
    await expect(start).rejects.toThrow(/203\.0\.113\.1 is in nyc3 but droplet 1 is in sfo3/);
  });

  it("derives sizes it does not list from the slug", async () => {
    const fake = await startFakeDigitalOcean({ token: TOKEN, droplets: [{ ...seed, id: 1, size: "s-6vcpu-16gb" }] });
    try {
      const res = await api(fake)("GET", "/v2/droplets/1");
      expect(res.body).toMatchObject({ droplet: { vcpus: 6, memory: 16384, size_slug: "s-6vcpu-16gb" } });
    } finally {
      await fake.close();
    }
  });
});
