import { describe, expect, it } from "vitest";
import { factsAsVars } from "../../../src/facts/as-vars.js";
import { parseFacts } from "../../../src/facts/gather.js";
import { DROPLET_WITH_ROUTE, LAB_HOST_NO_ROUTE } from "./facts-samples.js";

describe("factsAsVars (Ansible setup-module names)", () => {
  const droplet = factsAsVars(parseFacts(DROPLET_WITH_ROUTE));
  const lab = factsAsVars(parseFacts(LAB_HOST_NO_ROUTE));

  it("names the distribution as Ansible does for Debian 12", () => {
    expect(droplet.ansible_distribution).toBe("Debian");
    expect(droplet.ansible_distribution_major_version).toBe("12");
    expect(droplet.ansible_distribution_release).toBe("bookworm");
    expect(droplet.ansible_os_family).toBe("Debian");
  });

  it("ansible_hostname is the short name (before the first dot); nodename and fqdn are whole", () => {
    // Ansible: nodename = platform.node(); hostname = nodename.split('.')[0]; fqdn = socket.getfqdn()
    expect(droplet.ansible_hostname).toBe("web-1");
    expect(droplet.ansible_nodename).toBe("web-1.example.com");
    expect(droplet.ansible_fqdn).toBe("web-1.example.com");
    expect(lab.ansible_hostname).toBe("db1");
  });

  it("ansible_default_ipv4 carries address, interface and gateway when there is a default route", () => {
    expect(droplet.ansible_default_ipv4).toEqual({ address: "203.0.113.10", interface: "eth0", gateway: "203.0.113.1" });
  });

  it("ansible_default_ipv4 is an empty mapping without a default route, as in Ansible", () => {
    expect(lab.ansible_default_ipv4).toEqual({});
  });

  it("ansible_<iface>.ipv4 is the primary address with a string prefix; the rest are ipv4_secondaries", () => {
    expect(lab.ansible_host0).toEqual({
      device: "host0",
      active: true,
      macaddress: "52:d6:5b:9c:cc:38",
      ipv4: { address: "10.77.0.11", prefix: "24" },
      ipv4_secondaries: [{ address: "10.78.0.11", prefix: "24" }],
    });
    expect(droplet.ansible_eth1).toEqual({
      device: "eth1",
      active: true,
      macaddress: "9a:2f:7e:11:22:33",
      ipv4: { address: "10.110.0.2", prefix: "20" },
      ipv4_secondaries: [],
    });
  });

  it("an interface without IPv4 has no ipv4 key and is inactive when down", () => {
    expect(droplet.ansible_eth2).toEqual({ device: "eth2", active: false, macaddress: "9a:2f:7e:11:22:34", ipv4_secondaries: [] });
  });

  it("ansible_interfaces lists the interface names; all_ipv4_addresses excludes loopback", () => {
    expect(droplet.ansible_interfaces).toEqual(["lo", "eth0", "eth1", "eth2"]);
    expect(droplet.ansible_all_ipv4_addresses).toEqual(["203.0.113.10", "10.19.0.5", "10.110.0.2"]);
    expect(lab.ansible_all_ipv4_addresses).toEqual(["10.77.0.11", "10.78.0.11"]);
  });

  it("the hardware and system facts have their Ansible names and types", () => {
    expect(droplet.ansible_memtotal_mb).toBe(3931);
    expect(droplet.ansible_processor_vcpus).toBe(2);
    expect(droplet.ansible_architecture).toBe("x86_64");
    expect(droplet.ansible_kernel).toBe("6.1.0-31-cloud-amd64");
    expect(droplet.ansible_service_mgr).toBe("systemd");
    expect(droplet.ansible_user_id).toBe("deploy");
  });

  it("the same facts exist under ansible_facts without the prefix", () => {
    const facts = droplet.ansible_facts as Record<string, unknown>;
    expect(facts.hostname).toBe("web-1");
    expect(facts.distribution).toBe("Debian");
    expect(facts.default_ipv4).toEqual(droplet.ansible_default_ipv4);
    expect(facts.eth0).toEqual(droplet.ansible_eth0);
    const injected = Object.keys(droplet).filter((k) => k !== "ansible_facts").sort();
    expect(injected).toEqual(Object.keys(facts).map((k) => `ansible_${k}`).sort());
  });

  it("maps Ubuntu's version to its major number and keeps the os family Debian", () => {
    const out = DROPLET_WITH_ROUTE.replace('VERSION_ID="12"', 'VERSION_ID="24.04"').replace("ID=debian", "ID=ubuntu").replace("VERSION_CODENAME=bookworm", "VERSION_CODENAME=noble");
    const v = factsAsVars(parseFacts(out));
    expect(v.ansible_distribution).toBe("Ubuntu");
    expect(v.ansible_distribution_major_version).toBe("24");
    expect(v.ansible_distribution_version).toBe("24.04");
    expect(v.ansible_distribution_release).toBe("noble");
    expect(v.ansible_os_family).toBe("Debian");
  });
});
