import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { bindAddresses, galeraServers, parseAnchorProbe } from "../../../roles/haproxy/addresses.js";
import { createTemplateEngine } from "../../../src/template/index.js";

const ADDR: Record<string, string> = { db1: "10.77.0.10", db2: "10.77.0.11", db3: "10.77.0.12" };

describe("haproxy: backend servers", () => {
  it("every Galera host, in inventory order, at its private address", () => {
    expect(galeraServers(["db2", "db1", "db3"], (n) => ADDR[n] ?? "")).toEqual([
      { name: "db2", address: "10.77.0.11" },
      { name: "db1", address: "10.77.0.10" },
      { name: "db3", address: "10.77.0.12" },
    ]);
  });

  it("refuses an empty group and two hosts at one address", () => {
    expect(() => galeraServers([], () => "")).toThrow(/no hosts/);
    expect(() => galeraServers(["db1", "db2"], () => "10.0.0.1")).toThrow(/db1 and db2 share the address 10.0.0.1/);
  });
});

describe("haproxy: frontend addresses", () => {
  it("the Reserved IP, the private address and, on DigitalOcean, the anchor address", () => {
    expect(bindAddresses({ reservedIp: "10.78.0.250", privateIp: "10.77.0.13" })).toEqual(["10.78.0.250", "10.77.0.13"]);
    expect(bindAddresses({ reservedIp: "203.0.113.9", privateIp: "10.116.0.2", anchorIp: "10.10.0.5" })).toEqual(["203.0.113.9", "10.116.0.2", "10.10.0.5"]);
  });

  it("an operator's list replaces them; duplicates go; an empty list is refused", () => {
    expect(bindAddresses({ reservedIp: "a", privateIp: "b", anchorIp: "c", override: ["10.0.0.1", "10.0.0.1", "10.0.0.2"] })).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(() => bindAddresses({ reservedIp: "a", privateIp: "b", override: [] })).toThrow(/empty/);
  });
});

describe("haproxy: the metadata service's anchor address", () => {
  it("200 gives the address, 404 none", () => {
    expect(parseAnchorProbe("10.10.0.5\n200")).toBe("10.10.0.5");
    expect(parseAnchorProbe("404 Not Found\n404")).toBeUndefined();
  });

  it("anything else fails instead of silently dropping a listener", () => {
    expect(() => parseAnchorProbe("\n000")).toThrow(/answered 000/);
    expect(() => parseAnchorProbe("oops\n500")).toThrow(/answered 500/);
    expect(() => parseAnchorProbe("")).toThrow(/answered nothing/);
    expect(() => parseAnchorProbe("<html>\n200")).toThrow(/not IPv4/);
  });
});

describe("haproxy: haproxy.cfg", () => {
  const engine = createTemplateEngine({ searchPaths: [resolve(import.meta.dirname, "../../../templates")] });
  const vars = {
    haproxy_maxconn: 2048,
    haproxy_timeout_connect: "5s",
    haproxy_timeout_client: "1h",
    haproxy_timeout_server: "1h",
    haproxy_timeout_check: "3s",
    haproxy_bind: ["10.78.0.250", "10.77.0.13"],
    haproxy_frontend_port: 3306,
    haproxy_galera_port: 3306,
    haproxy_check_port: 9200,
    haproxy_check_inter: "2s",
    haproxy_check_rise: 2,
    haproxy_check_fall: 3,
    haproxy_servers: [
      { name: "db1", address: "10.77.0.10" },
      { name: "db2", address: "10.77.0.11" },
    ],
    haproxy_stats_address: "10.77.0.13",
    haproxy_stats_port: 8404,
    haproxy_stats_user: "admin",
    haproxy_stats_password: "s3cret",
  };

  it("binds every address, balances leastconn with an HTTP check on the clustercheck port", () => {
    const out = engine.renderFile("haproxy.cfg.njk", vars);
    expect(out).toContain("    maxconn 2048\n");
    expect(out).toContain("    bind 10.78.0.250:3306\n    bind 10.77.0.13:3306\n");
    expect(out).toContain("    balance leastconn\n    option httpchk GET /\n    http-check expect status 200\n");
    expect(out).toContain("    server db1 10.77.0.10:3306 check port 9200 inter 2s rise 2 fall 3 on-marked-down shutdown-sessions\n");
    expect(out).toContain("    server db2 10.77.0.11:3306 check port 9200");
    expect(out).toContain("    bind 10.77.0.13:8404\n");
    expect(out).toContain("    stats auth admin:s3cret\n");
  });
});
