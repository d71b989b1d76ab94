import { describe, expect, it } from "vitest";
import { bridgeAddresses } from "../../lab/bridge.js";
import { Lab } from "../../lab/lab.js";
import { labPaths } from "../../lab/paths.js";
import { DEFAULT_BRIDGE, buildTopology, loadTopology } from "../../lab/topology.js";
import { BENCH_BRIDGE, benchTopology, benchTopologyInput, referenceTopology } from "../../bench/topologies.js";

// The bench's labs: generated for a host count, or the reference site's shape with a DigitalOcean
// of its own; always the bench's bridge and state, never the default lab's.

const BENCH_FILE = new URL("../../bench/topology.yml", import.meta.url).pathname;

describe("the bench's generated topology", () => {
  it("for 20 hosts is test/bench/topology.yml, which the bench's set-up step reads", () => {
    expect(benchTopology(20)).toEqual(loadTopology(BENCH_FILE));
  });

  it("for 100 hosts: bench001 … bench100 on the bench's networks, each address once, no DigitalOcean", () => {
    const t = benchTopology(100);
    expect(t.hosts.map((h) => h.name).slice(0, 2)).toEqual(["bench001", "bench002"]);
    expect(t.hosts.at(-1)).toMatchObject({ name: "bench100", privateIpv4: "10.79.0.109", publicIpv4: "10.80.0.109" });
    expect(new Set(t.hosts.map((h) => h.privateIpv4)).size).toBe(100);
    expect(t).toMatchObject({ bridge: BENCH_BRIDGE, digitalocean: false });
    expect(bridgeAddresses(t)).toEqual(["10.79.0.1/24", "10.80.0.1/24"]);
  });

  it("takes 1 to 240 hosts (the lab's addresses .10 to .249)", () => {
    expect(benchTopology(1).hosts.map((h) => h.name)).toEqual(["bench01"]);
    expect(benchTopology(240).hosts.at(-1)).toMatchObject({ name: "bench240", privateIpv4: "10.79.0.249" });
    expect(() => benchTopologyInput(0)).toThrow(RangeError);
    expect(() => benchTopologyInput(241)).toThrow("a bench lab has 1 to 240 hosts, not 241");
    expect(() => benchTopologyInput(2.5)).toThrow(RangeError);
  });

  it("is the bench's lab whatever its size, and survives the guard's orders (JSON) unchanged", () => {
    for (const n of [4, 20, 100]) {
      const lab = new Lab(benchTopology(n));
      expect(lab.topology.bridge).not.toBe(DEFAULT_BRIDGE);
      expect(lab.paths.stateDir).toBe(labPaths(undefined, "lab-dcbench0").stateDir);
      expect(JSON.parse(JSON.stringify(lab.topology))).toEqual(lab.topology);
    }
  });
});

describe("the reference-site bench lab", () => {
  it("has the reference shape on the bench bridge, and its metadata service on the bench gateway, not 169.254.169.254", () => {
    const t = referenceTopology();
    const tagged = (tag: string) => t.hosts.filter((h) => h.tags.includes(tag)).map((h) => h.name);
    expect(tagged("database")).toEqual(["db1", "db2", "db3"]);
    expect(tagged("database-loadbalancer")).toEqual(["lb1", "lb2"]);
    expect(tagged("wp-wp-app")).toEqual(["web1", "web2", "web3"]);
    expect(t.bridge).toBe(BENCH_BRIDGE);
    expect(t.digitalocean).toBe(true);
    expect(t.metadata).toEqual({ host: "10.79.0.1", port: 8169, url: "http://10.79.0.1:8169" });
    expect(bridgeAddresses(t)).toEqual(["10.79.0.1/24", "10.80.0.1/24"]);
    expect(t.reservedIps.map((r) => r.ip)).toEqual(["10.80.0.250"]);
  });

  it("the default lab keeps DigitalOcean's metadata address on its bridge", () => {
    const t = Lab.fromFile().topology;
    expect(t.metadata).toEqual({ host: "169.254.169.254", port: 80, url: "http://169.254.169.254" });
    expect(bridgeAddresses(t)).toContain("169.254.169.254/32");
    expect(bridgeAddresses(buildTopology({ bridge: "x0", digitalocean: false, hosts: [{ name: "a" }] }))).not.toContain("169.254.169.254/32");
    expect(() => buildTopology({ metadata: "somewhere", hosts: [{ name: "a" }] }, "t.yml")).toThrow(/^t\.yml: metadata: /);
  });
});
