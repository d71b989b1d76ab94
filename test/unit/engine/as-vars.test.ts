import { describe, expect, it } from "vitest";
import { factsAsVars } from "../../../src/facts/as-vars.js";
import { parseFacts } from "../../../src/facts/gather.js";
import { DROPLET, files, probe } from "./facts-samples.js";

describe("factsAsVars (Ansible setup-module names)", () => {
  const v = factsAsVars(parseFacts(DROPLET));

  it("every fact exists under ansible_facts without the prefix and injected with it", () => {
    const facts = v.ansible_facts as Record<string, unknown>;
    expect(facts.hostname).toBe("web-1");
    expect(facts.eth0).toEqual(v.ansible_eth0);
    const injected = Object.keys(v).filter((k) => k !== "ansible_facts").sort();
    const expected = Object.keys(facts).map((k) => (["ansible_local", "gather_subset", "module_setup"].includes(k) ? k : `ansible_${k}`));
    expect(injected).toEqual(expected.sort());
  });

  it("keeps facts.d under ansible_local in both places, and the setup module's own keys unprefixed", () => {
    const facts = v.ansible_facts as Record<string, unknown>;
    expect(facts.ansible_local).toEqual({});
    expect("local" in facts).toBe(false);
    expect(v.ansible_local).toEqual({});
    expect(v.gather_subset).toEqual(["all"]);
    expect(v.module_setup).toBe(true);
  });

  it("a - in an interface name becomes _ in its fact name, as Ansible's namespace does; the interface list keeps the name", () => {
    const out = probe({
      net_devices: "vb-db1\n",
      "net_is vb-db1": "address\nmtu\noperstate\ntype\nflags\n",
      ip_addr: "5: vb-db1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000\n    link/ether 52:d6:5b:9c:cc:38 brd ff:ff:ff:ff:ff:ff link-netns db1\n",
      "rc:ip_addr": "0\n",
      ...files({
        "/sys/class/net/vb-db1/address": "52:d6:5b:9c:cc:38\n",
        "/sys/class/net/vb-db1/mtu": "1500\n",
        "/sys/class/net/vb-db1/operstate": "up\n",
        "/sys/class/net/vb-db1/type": "1\n",
        "/sys/class/net/vb-db1/flags": "0x1003\n",
      }),
    });
    const w = factsAsVars(parseFacts(out));
    expect(w.ansible_interfaces).toEqual(["vb-db1"]);
    expect(w.ansible_vb_db1).toEqual({ device: "vb-db1", macaddress: "52:d6:5b:9c:cc:38", mtu: 1500, active: true, type: "ether", promisc: false });
    expect((w.ansible_facts as Record<string, unknown>).vb_db1).toEqual(w.ansible_vb_db1);
  });

  it("ansible_default_ipv4 is an empty mapping without a route, as in Ansible", () => {
    expect(factsAsVars(parseFacts(probe({ route4: "" }))).ansible_default_ipv4).toEqual({});
  });
});
