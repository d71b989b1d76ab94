import { describe, expect, it } from "vitest";
import { expr } from "./helpers.js";

// ipaddr-style helpers (ansible.utils' ipaddr semantics on top of netaddr) and path filters
// (Python's posixpath).

describe("ipaddr / ipv4 / ipv6", () => {
  it("validates and extracts parts of an address with prefix", () => {
    expect(expr("'10.0.0.5/24' | ipaddr")).toBe("10.0.0.5/24");
    expect(expr("'10.0.0.5/24' | ipaddr('address')")).toBe("10.0.0.5");
    expect(expr("'10.0.0.5/24' | ipaddr('network')")).toBe("10.0.0.0");
    expect(expr("'10.0.0.5/24' | ipaddr('prefix')")).toBe("24");
    expect(expr("'10.0.0.5/24' | ipaddr('netmask')")).toBe("255.255.255.0");
    expect(expr("'10.0.0.5/24' | ipaddr('broadcast')")).toBe("10.0.0.255");
    expect(expr("'10.0.0.5/24' | ipaddr('subnet')")).toBe("10.0.0.0/24");
    expect(expr("'10.0.0.5/24' | ipaddr('host')")).toBe("10.0.0.5/24");
    expect(expr("'10.0.0.5/255.255.255.0' | ipaddr('prefix')")).toBe("24");
  });

  it("returns False for invalid input and filters lists", () => {
    expect(expr("'10.0.0.5' | ipaddr")).toBe("10.0.0.5");
    expect(expr("'foo' | ipaddr")).toBe("False");
    expect(expr("'300.1.1.1' | ipaddr")).toBe("False");
    expect(expr("['10.0.0.1', 'x', '192.168.1.1'] | ipaddr")).toBe("['10.0.0.1', '192.168.1.1']");
  });

  it("distinguishes IPv4 and IPv6", () => {
    expect(expr("'10.0.0.5' | ipv4")).toBe("10.0.0.5");
    expect(expr("'::1' | ipv4")).toBe("False");
    expect(expr("'2001:db8::1/64' | ipv6('address')")).toBe("2001:db8::1");
    expect(expr("'2001:DB8:0:0:0:0:0:1' | ipaddr")).toBe("2001:db8::1");
    expect(expr("'2001:db8::1' | ipwrap")).toBe("[2001:db8::1]");
    expect(expr("'10.0.0.1' | ipwrap")).toBe("10.0.0.1");
  });

  it("answers network questions", () => {
    expect(expr("'10.0.0.0/24' | ipaddr('address')")).toBe("");
    expect(expr("'10.0.0.0/24' | ipaddr(5)")).toBe("10.0.0.5/24");
    expect(expr("'10.1.2.3' | ipaddr('10.0.0.0/8')")).toBe("10.1.2.3");
    expect(expr("'192.168.1.3' | ipaddr('10.0.0.0/8')")).toBe("");
    expect(expr("'10.0.0.0/30' | ipaddr('range_usable')")).toBe("10.0.0.1-10.0.0.2");
    expect(expr("'10.0.0.0/24' | ipaddr('size')")).toBe("256");
    expect(expr("'192.168.0.1' | ipaddr('private')")).toBe("192.168.0.1");
    expect(expr("'8.8.8.8' | ipaddr('public')")).toBe("8.8.8.8");
  });
});

describe("path filters", () => {
  it("split paths like posixpath", () => {
    expect(expr("'/etc/nginx/nginx.conf' | basename")).toBe("nginx.conf");
    expect(expr("'/etc/nginx/nginx.conf' | dirname")).toBe("/etc/nginx");
    expect(expr("'/etc/nginx/' | basename")).toBe("");
    expect(expr("'file' | dirname")).toBe("");
    expect(expr("'/a/b.tar.gz' | splitext")).toBe("('/a/b.tar', '.gz')");
    expect(expr("'.bashrc' | splitext")).toBe("('.bashrc', '')");
    expect(expr("['/etc', 'x', 'y.conf'] | path_join")).toBe("/etc/x/y.conf");
    expect(expr("['/etc', '/abs', 'y'] | path_join")).toBe("/abs/y");
    expect(expr("'a/./b/../c' | normpath")).toBe("a/c");
  });

  it("expands ~ from HOME", () => {
    const home = process.env.HOME ?? "";
    expect(expr("'~/.ssh/config' | expanduser")).toBe(`${home}/.ssh/config`);
    expect(expr("'/abs' | expanduser")).toBe("/abs");
  });
});
