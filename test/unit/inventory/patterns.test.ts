import { describe, expect, it } from "vitest";
import {
  HostPatternError,
  mergeInventories,
  parseYamlInventory,
  selectHosts,
  UnknownPatternNameError,
  type Inventory,
} from "../../../src/inventory/index.js";
import { thrown } from "./helpers.js";

// Ansible's documentation example (webservers: cobweb, webbing, weber) plus a few more groups.
const INV: Inventory = mergeInventories([
  parseYamlInventory(
    [
      "all:",
      "  hosts:",
      "    bastion:",
      "  children:",
      "    webservers:",
      "      hosts: {cobweb: , webbing: , weber: }",
      "    dbservers:",
      "      hosts: {db-1: , db-2: , db-10: }",
      "    staging:",
      "      hosts: {webbing: , db-1: }",
      "    phoenix:",
      "      hosts: {weber: }",
      "    prod:",
      "      hosts: {bastion: }",
      "      children: {webservers: , dbservers: }",
      "    empty:",
      "    v6:",
      "      hosts: {'2001:db8::1': }",
    ].join("\n"),
    "hosts.yml",
  ),
]);

const pick = (pattern: string | string[], limit?: string) => selectHosts(INV, pattern, limit === undefined ? {} : { limit }).hosts;

describe("host patterns: what they select", () => {
  it.each<[string | string[], string[]]>([
    ["all", ["bastion", "cobweb", "webbing", "weber", "db-1", "db-2", "db-10", "2001:db8::1"]],
    ["*", ["bastion", "cobweb", "webbing", "weber", "db-1", "db-2", "db-10", "2001:db8::1"]],
    ["webservers", ["cobweb", "webbing", "weber"]],
    ["weber", ["weber"]],
    ["2001:db8::1", ["2001:db8::1"]],
    // a group's own hosts first, then its children's, in declaration order
    ["prod", ["bastion", "cobweb", "webbing", "weber", "db-1", "db-2", "db-10"]],
    // globs match group names (taking all their hosts) and host names
    ["web*", ["cobweb", "webbing", "weber"]],
    ["db-?", ["db-1", "db-2"]],
    ["*bing", ["webbing"]],
    ["db-[!1]", ["db-2"]],
    // a regex matches from the start of a name, like Python's re.match
    ["~db-\\d$", ["db-1", "db-2"]],
    ["~web(bing|er)", ["webbing", "weber"]],
    ["~(web|db)servers", ["cobweb", "webbing", "weber", "db-1", "db-2", "db-10"]],
    ["webservers:dbservers", ["cobweb", "webbing", "weber", "db-1", "db-2", "db-10"]],
    ["webservers,dbservers", ["cobweb", "webbing", "weber", "db-1", "db-2", "db-10"]],
    [" dbservers , webservers ", ["db-1", "db-2", "db-10", "cobweb", "webbing", "weber"]],
    ["webservers:&staging", ["webbing"]],
    ["webservers:!phoenix", ["cobweb", "webbing"]],
    ["webservers:dbservers:&staging:!phoenix", ["webbing", "db-1"]],
    // & and ! apply after every plain piece, wherever they are written
    ["!phoenix:webservers", ["cobweb", "webbing"]],
    ["&staging,dbservers,webservers", ["db-1", "webbing"]],
    // only exclusions or intersections start from all
    ["!webservers", ["bastion", "db-1", "db-2", "db-10", "2001:db8::1"]],
    ["&staging", ["webbing", "db-1"]],
    [["webservers", "!phoenix"], ["cobweb", "webbing"]],
    ["weber:webservers", ["weber", "cobweb", "webbing"]],
  ])("%j selects %j", (pattern, expected) => {
    expect(pick(pattern)).toEqual(expected);
  });
});

describe("host patterns: subscripts, with Ansible's inclusive end", () => {
  it.each<[string, string[]]>([
    ["webservers[0]", ["cobweb"]],
    ["webservers[-1]", ["weber"]],
    ["webservers[-3]", ["cobweb"]],
    ["webservers[0:1]", ["cobweb", "webbing"]],
    ["webservers[0:2]", ["cobweb", "webbing", "weber"]],
    ["webservers[1:]", ["webbing", "weber"]],
    ["webservers[:1]", ["cobweb", "webbing"]],
    ["webservers[2:2]", ["weber"]],
    ["webservers[1:9]", ["webbing", "weber"]],
    ["webservers[0]:dbservers[-1]", ["cobweb", "db-10"]],
    ["webservers[0],dbservers[1:]", ["cobweb", "db-2", "db-10"]],
    ["webservers:!webservers[0]", ["webbing", "weber"]],
    ["web*[1]", ["webbing"]],
  ])("%s selects %j", (pattern, expected) => {
    expect(pick(pattern)).toEqual(expected);
  });

  it("warns when a slice selects nothing", () => {
    expect(selectHosts(INV, "webservers[2:1]")).toEqual({
      hosts: [],
      warnings: ["host pattern 'webservers[2:1]': 'webservers[2:1]' selects none of the 3 host(s) of 'webservers'"],
    });
    expect(selectHosts(INV, "webservers[5:]").hosts).toEqual([]);
  });

  it.each<[string, string]>([
    ["webservers[3]", "host pattern 'webservers[3]': 'webservers[3]': no host at index 3; 'webservers' has 3 host(s)"],
    ["webservers[-4]", "host pattern 'webservers[-4]': 'webservers[-4]': no host at index -4; 'webservers' has 3 host(s)"],
    ["webservers[:]", "host pattern 'webservers[:]': 'webservers[:]': a slice needs a start or an end, e.g. [0:2]"],
    ["webservers[-2:]", "host pattern 'webservers[-2:]': 'webservers[-2:]': slice bounds cannot be negative; use [-1] for the last host"],
    ["webservers[0-1]", "host pattern 'webservers[0-1]': 'webservers[0-1]': [x-y] subscripts were removed from Ansible; write [0:1] (inclusive)"],
  ])("%s is an error", (pattern, message) => {
    const err = thrown(() => selectHosts(INV, pattern));
    expect(err).toBeInstanceOf(HostPatternError);
    expect((err as Error).message).toBe(message);
  });
});

describe("host patterns: --limit", () => {
  it("intersects the selection with the limit, keeping the selection's order", () => {
    expect(pick("all", "staging")).toEqual(["webbing", "db-1"]);
    expect(pick("dbservers:webservers", "staging")).toEqual(["db-1", "webbing"]);
    expect(pick("all", "webservers:!phoenix")).toEqual(["cobweb", "webbing"]);
    expect(pick("webservers", "db*")).toEqual([]);
    expect(pick("all", "dbservers[0]")).toEqual(["db-1"]);
  });

  it("fails on an unknown name in the limit", () => {
    expect(() => selectHosts(INV, "all", { limit: "stagign" })).toThrow(
      "host pattern 'stagign': 'stagign' is neither a group nor a host in the inventory",
    );
  });
});

describe("host patterns: unknown names fail, empty matches warn", () => {
  it.each([
    ["webserver", "webserver"],
    ["webservers:dbserver", "dbserver"],
    ["all:!phenix", "phenix"],
    ["all:&stagin", "stagin"],
    ["db1.example.com", "db1.example.com"],
  ])("%s names %s, which does not exist", (pattern, name) => {
    const err = thrown(() => selectHosts(INV, pattern));
    expect(err).toBeInstanceOf(UnknownPatternNameError);
    expect((err as UnknownPatternNameError).unknownName).toBe(name);
    expect((err as Error).message).toBe(`host pattern '${pattern}': '${name}' is neither a group nor a host in the inventory`);
  });

  it("only warns for a group without hosts", () => {
    expect(selectHosts(INV, "empty")).toEqual({ hosts: [], warnings: ["host pattern 'empty': group 'empty' has no hosts"] });
    expect(selectHosts(INV, "webservers:!empty")).toEqual({
      hosts: ["cobweb", "webbing", "weber"],
      warnings: ["host pattern 'webservers:!empty': group 'empty' has no hosts"],
    });
  });

  it("only warns for a glob or a regex that matches nothing", () => {
    expect(selectHosts(INV, "mail*")).toEqual({ hosts: [], warnings: ["host pattern 'mail*': 'mail*' matched no hosts"] });
    expect(selectHosts(INV, "~mail")).toEqual({ hosts: [], warnings: ["host pattern '~mail': '~mail' matched no hosts"] });
  });

  it.each<[string, string]>([
    ["", "host pattern '': the pattern is empty; use 'all' to mean every host"],
    [" , ", "host pattern ' , ': the pattern is empty; use 'all' to mean every host"],
    ["webservers:!", "host pattern 'webservers:!': '!' must be followed by a group or host name"],
    ["web servers", "host pattern 'web servers': 'web servers' contains whitespace; separate patterns with ',' or ':'"],
    ["~", "host pattern '~': '~' must be followed by a regular expression"],
  ])("rejects the malformed pattern %j", (pattern, message) => {
    const err = thrown(() => selectHosts(INV, pattern));
    expect(err).toBeInstanceOf(HostPatternError);
    expect((err as Error).message).toBe(message);
  });

  it("rejects an invalid regex", () => {
    expect((thrown(() => selectHosts(INV, "~web(")) as Error).message).toMatch(/^host pattern '~web\(': invalid regular expression 'web\(': /);
  });

  it("keeps a regex with colons whole", () => {
    expect(pick("~(?:web|db)servers,!phoenix")).toEqual(["cobweb", "webbing", "db-1", "db-2", "db-10"]);
  });
});

describe("host patterns: a host and a group with the same name", () => {
  const inv = mergeInventories([parseYamlInventory("db:\n  hosts:\n    db:\n    db2:\n", "x.yml")]);

  it("picks the host for a plain piece and the group for & and !, as Ansible does", () => {
    expect(selectHosts(inv, "db").hosts).toEqual(["db"]);
    expect(selectHosts(inv, "all:!db").hosts).toEqual([]);
  });
});
