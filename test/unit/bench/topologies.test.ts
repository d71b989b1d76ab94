import { describe, expect, it } from "vitest";
import { bridgeAddresses } from "../../lab/bridge.js";
import { Lab } from "../../lab/lab.js";
import { labPaths } from "../../lab/paths.js";
import { DEFAULT_BRIDGE, buildTopology, loadTopology } from "../../lab/topology.js";
import { hostsOnOtherBridges, linkMasters } from "../../bench/links.js";
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
    expect(tagged("database")).toEqual(["bench-db1", "bench-db2", "bench-db3"]);
    expect(tagged("database-loadbalancer")).toEqual(["bench-lb1", "bench-lb2"]);
    expect(tagged("wp-wp-app")).toEqual(["bench-web1", "bench-web2", "bench-web3"]);
    expect(t.bridge).toBe(BENCH_BRIDGE);
    expect(t.digitalocean).toBe(true);
    expect(t.metadata).toEqual({ host: "10.79.0.1", port: 8169, url: "http://10.79.0.1:8169" });
    expect(bridgeAddresses(t)).toEqual(["10.79.0.1/24", "10.80.0.1/24"]);
    expect(t.reservedIps.map((r) => r.ip)).toEqual(["10.80.0.250"]);
  });

  it("shares no host name with the default lab (nspawn names each host's link vb-NAME, one per machine)", () => {
    const taken = new Set(Lab.fromFile().topology.hosts.map((h) => h.name));
    for (const t of [referenceTopology(), benchTopology(240)]) expect(t.hosts.filter((h) => taken.has(h.name))).toEqual([]);
  });

  it("the default lab keeps DigitalOcean's metadata address on its bridge", () => {
    const t = Lab.fromFile().topology;
    expect(t.metadata).toEqual({ host: "169.254.169.254", port: 80, url: "http://169.254.169.254" });
    expect(bridgeAddresses(t)).toContain("169.254.169.254/32");
    expect(bridgeAddresses(buildTopology({ bridge: "x0", digitalocean: false, hosts: [{ name: "a" }] }))).not.toContain("169.254.169.254/32");
    expect(() => buildTopology({ metadata: "somewhere", hosts: [{ name: "a" }] }, "t.yml")).toThrow(/^t\.yml: metadata: /);
  });
});

describe("host names another lab holds", () => {
  const IP_O_LINK = [
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
    "886: dclab0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:ef:6b:ac:45:32 brd ff:ff:ff:ff:ff:ff",
    "887: vb-db1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master dclab0 state UP mode DEFAULT group default qlen 1000\\    link/ether 52:d6:5b:9c:cc:38 brd ff:ff:ff:ff:ff:ff link-netnsid 0",
    "900: vb-bench01@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue master dcbench0 state UP mode DEFAULT group default qlen 1000\\    link/ether 52:d6:5b:9c:cc:39 brd ff:ff:ff:ff:ff:ff link-netnsid 1",
    "",
  ].join("\n");

  it("reads each link's bridge from ip -o link", () => {
    expect(linkMasters(IP_O_LINK)).toEqual(new Map([["lo", undefined], ["dclab0", undefined], ["vb-db1", "dclab0"], ["vb-bench01", "dcbench0"]]));
  });

  it("names the hosts whose link is on another bridge; its own bridge's links are its own hosts", () => {
    const t = buildTopology({ bridge: "dcbench0", privateNet: "10.79.0", publicNet: "10.80.0", hosts: [{ name: "db1" }, { name: "bench01" }, { name: "web9" }] });
    expect(hostsOnOtherBridges(t, linkMasters(IP_O_LINK))).toEqual([{ host: "db1", bridge: "dclab0" }]);
    expect(hostsOnOtherBridges(referenceTopology(), linkMasters(IP_O_LINK))).toEqual([]);
  });
});
