import { describe, expect, it } from "vitest";
import { parseFacts } from "../../../src/facts/gather.js";
import { DROPLET_WITH_ROUTE, LAB_HOST_NO_ROUTE } from "./facts-samples.js";

describe("parseFacts on a Debian 12 lab host without a default route", () => {
  const f = parseFacts(LAB_HOST_NO_ROUTE);

  it("reads the identity sections", () => {
    expect(f.hostname).toBe("db1");
    expect(f.fqdn).toBe("db1");
    expect(f.architecture).toBe("x86_64");
    expect(f.kernel).toBe("6.1.0-28-amd64");
    expect(f.service_mgr).toBe("systemd");
    expect(f.user_id).toBe("root");
    expect(f.processor_count).toBe(2);
  });

  it("reads /etc/os-release with its quotes removed", () => {
    expect(f.os).toEqual({ id: "debian", version_id: "12", codename: "bookworm", pretty_name: "Debian GNU/Linux 12 (bookworm)" });
  });

  it("has no default_ipv4 without a default route", () => {
    expect(f.default_ipv4).toBeUndefined();
    expect("default_ipv4" in f).toBe(false);
  });

  it("names the veth interface host0 (without @if5) and keeps both IPv4 addresses in order", () => {
    expect(f.interfaces).toEqual([
      { name: "lo", ipv4: [{ address: "127.0.0.1", prefix: 8 }], ipv6: [{ address: "::1", prefix: 128 }], mac: "00:00:00:00:00:00", up: true },
      {
        name: "host0",
        ipv4: [
          { address: "10.77.0.11", prefix: 24 },
          { address: "10.78.0.11", prefix: 24 },
        ],
        ipv6: [{ address: "fe80::50d6:5bff:fe9c:cc38", prefix: 64 }],
        mac: "52:d6:5b:9c:cc:38",
        up: true,
      },
    ]);
  });

  it("all_ipv4_addresses excludes loopback", () => {
    expect(f.all_ipv4_addresses).toEqual(["10.77.0.11", "10.78.0.11"]);
  });

  it("memtotal_mb is MemTotal kB / 1024 rounded down, as Ansible computes it", () => {
    // 2030592 / 1024 = 1983.0; Ansible: int(memtotal_kb) // 1024
    expect(f.memtotal_mb).toBe(1983);
  });
});

describe("parseFacts on a droplet with a default route", () => {
  const f = parseFacts(DROPLET_WITH_ROUTE);

  it("default_ipv4 is the first address of the default route's interface, with the gateway", () => {
    expect(f.default_ipv4).toEqual({ address: "203.0.113.10", interface: "eth0", gateway: "203.0.113.1" });
  });

  it("lists interfaces in link order, a down interface included and marked down", () => {
    expect(f.interfaces.map((i) => [i.name, i.up, i.mac])).toEqual([
      ["lo", true, "00:00:00:00:00:00"],
      ["eth0", true, "0e:5b:1c:9a:40:01"],
      ["eth1", true, "9a:2f:7e:11:22:33"],
      ["eth2", false, "9a:2f:7e:11:22:34"],
    ]);
    expect(f.interfaces[3]?.ipv4).toEqual([]);
  });

  it("all_ipv4_addresses has every global IPv4 address in interface order", () => {
    expect(f.all_ipv4_addresses).toEqual(["203.0.113.10", "10.19.0.5", "10.110.0.2"]);
  });

  it("rounds memtotal_mb down (4025852 kB = 3931.496... MiB)", () => {
    expect(f.memtotal_mb).toBe(3931);
  });

  it("keeps the FQDN-style hostname as hostname printed it", () => {
    expect(f.hostname).toBe("web-1.example.com");
    expect(f.fqdn).toBe("web-1.example.com");
    expect(f.user_id).toBe("deploy");
  });
});

describe("parseFacts edge cases", () => {
  it("a default route without an address on its device gives no default_ipv4", () => {
    const out = LAB_HOST_NO_ROUTE.replace("@route\n", "@route\ndefault via 10.77.0.1 dev wg0\n");
    expect(parseFacts(out).default_ipv4).toBeUndefined();
  });

  it("a default route on host0 picks host0's primary address", () => {
    const out = LAB_HOST_NO_ROUTE.replace("@route\n", "@route\ndefault via 10.77.0.1 dev host0 proto static\n");
    expect(parseFacts(out).default_ipv4).toEqual({ address: "10.77.0.11", interface: "host0", gateway: "10.77.0.1" });
  });

  it("tolerates missing sections with empty values rather than failing", () => {
    const f = parseFacts("@hostname\nsolo\n");
    expect(f.hostname).toBe("solo");
    expect(f.os).toEqual({ id: "", version_id: "", codename: "", pretty_name: "" });
    expect(f.interfaces).toEqual([]);
    expect(f.all_ipv4_addresses).toEqual([]);
    expect(f.memtotal_mb).toBe(0);
    expect(f.processor_count).toBe(0);
  });
});
