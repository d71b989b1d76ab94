import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { reservedIpSettings } from "../../../roles/keepalived/settings.js";
import { VrrpPlanError, interfaceHolding, vrrpPlan } from "../../../roles/keepalived/vrrp.js";
import { createTemplateEngine } from "../../../src/template/index.js";

const ADDR: Record<string, string> = { lb1: "10.77.0.13", lb2: "10.77.0.14", lb3: "10.77.0.15" };
const addressOf = (n: string) => ADDR[n] ?? "";
const plan = (self: string, members: string[], primary?: string) =>
  vrrpPlan({ self, members, primary, addressOf, primaryPriority: 150, backupPriority: 100 });

describe("keepalived: VRRP plan", () => {
  it("makes the group's first host primary by default, the others backups, peers everyone else", () => {
    expect(plan("lb1", ["lb1", "lb2"])).toEqual({ primary: "lb1", isPrimary: true, priority: 150, srcIp: "10.77.0.13", peers: ["10.77.0.14"] });
    expect(plan("lb2", ["lb1", "lb2"])).toEqual({ primary: "lb1", isPrimary: false, priority: 100, srcIp: "10.77.0.14", peers: ["10.77.0.13"] });
  });

  it("honours an explicit primary whatever the order, and gives backups distinct priorities", () => {
    expect(plan("lb2", ["lb1", "lb2", "lb3"], "lb2")).toMatchObject({ primary: "lb2", isPrimary: true, priority: 150, peers: ["10.77.0.13", "10.77.0.15"] });
    expect(plan("lb1", ["lb1", "lb2", "lb3"], "lb2").priority).toBe(100);
    expect(plan("lb3", ["lb1", "lb2", "lb3"], "lb2").priority).toBe(99);
  });

  it("a lone load balancer has no peers", () => {
    expect(plan("lb1", ["lb1"])).toMatchObject({ isPrimary: true, peers: [] });
  });

  it("refuses what would make the election wrong", () => {
    expect(() => plan("lb9", ["lb1", "lb2"])).toThrow(/lb9 is not in the keepalived group/);
    expect(() => plan("lb1", ["lb1", "lb2"], "lb9")).toThrow(/keepalived_primary lb9 is not in the keepalived group/);
    expect(() => vrrpPlan({ self: "lb1", members: ["lb1", "lb2"], addressOf, primaryPriority: 100, backupPriority: 100 })).toThrow(VrrpPlanError);
    expect(() => vrrpPlan({ self: "lb2", members: ["lb1", "lb2"], addressOf: () => "10.0.0.1", primaryPriority: 150, backupPriority: 100 })).toThrow(/share the private address 10.0.0.1/);
    expect(() => vrrpPlan({ self: "lb3", members: ["lb1", "lb2", "lb3"], addressOf, primaryPriority: 150, backupPriority: 1 })).toThrow(/priority 0/);
  });
});

describe("keepalived: the interface holding the private address", () => {
  const iface = (name: string, ...ips: string[]) => ({ name, ipv4: ips.map((address) => ({ address, prefix: 24 })), ipv6: [], mac: "", up: true });

  it("finds it among several interfaces and addresses (the lab: both on host0; a droplet: eth1)", () => {
    expect(interfaceHolding("10.77.0.13", [iface("lo", "127.0.0.1"), iface("host0", "10.77.0.13", "10.78.0.13")])).toBe("host0");
    expect(interfaceHolding("10.116.0.2", [iface("eth0", "203.0.113.7", "10.10.0.5"), iface("eth1", "10.116.0.2")])).toBe("eth1");
    expect(interfaceHolding("10.1.1.1", [iface("eth0", "10.1.1.10")])).toBeUndefined();
  });
});

describe("keepalived: the notify script's settings", () => {
  it("quotes every value for sh and drops trailing slashes from the URLs", () => {
    const text = reservedIpSettings({
      reservedIp: "10.78.0.250",
      apiUrl: "http://10.77.0.1:8089/",
      metadataUrl: "http://169.254.169.254",
      tokenFile: "/etc/keepalived/do-token",
      attempts: 10,
      delaySeconds: 3,
    });
    expect(text.split("\n").slice(1)).toEqual([
      "RESERVED_IP='10.78.0.250'",
      "DO_API_URL='http://10.77.0.1:8089'",
      "DO_METADATA_URL='http://169.254.169.254'",
      "DO_TOKEN_FILE='/etc/keepalived/do-token'",
      "ASSIGN_ATTEMPTS='10'",
      "ASSIGN_DELAY='3'",
      "",
    ]);
    expect(reservedIpSettings({ reservedIp: "x", apiUrl: "http://h/it's", metadataUrl: "m", tokenFile: "t", attempts: 1, delaySeconds: 1 })).toContain(
      `DO_API_URL='http://h/it'\\''s'`,
    );
  });
});

describe("keepalived: keepalived.conf", () => {
  const engine = createTemplateEngine({ searchPaths: [resolve(import.meta.dirname, "../../../templates")] });
  const vars = {
    inventory_hostname: "lb2",
    reserved_ip: "10.78.0.250",
    keepalived_check_interval: 2,
    keepalived_check_fall: 2,
    keepalived_check_rise: 2,
    keepalived_instance_name: "DO_RESERVED_IP",
    keepalived_virtual_router_id: 51,
    keepalived_advert_int: 1,
    keepalived_auth_pass: "abcd1234",
    vrrp_interface: "eth1",
    vrrp_priority: 100,
    vrrp_src_ip: "10.77.0.14",
    vrrp_peers: ["10.77.0.13"],
    notify_script: "/etc/keepalived/do-reserved-ip.sh",
  };

  it("renders unicast VRRP, BACKUP + nopreempt everywhere, the haproxy check and every notify state", () => {
    const out = engine.renderFile("keepalived.conf.njk", vars);
    expect(out).toContain("    state BACKUP\n    nopreempt\n    interface eth1\n    virtual_router_id 51\n    priority 100\n");
    expect(out).toContain("    unicast_src_ip 10.77.0.14\n    unicast_peer {\n        10.77.0.13\n    }\n");
    expect(out).toContain('script "/usr/bin/systemctl is-active --quiet haproxy"');
    expect(out).not.toMatch(/^\s*script .*pidof/m);
    expect(out).not.toContain("virtual_ipaddress");
    for (const s of ["master", "backup", "fault", "stop"]) expect(out).toContain(`notify_${s} "/etc/keepalived/do-reserved-ip.sh ${s}"`);
  });

  it("leaves out unicast_peer when there is no peer", () => {
    expect(engine.renderFile("keepalived.conf.njk", { ...vars, vrrp_peers: [] })).not.toContain("unicast_peer");
  });
});
