import { describe, expect, it } from "vitest";
import { globToRegExp } from "../../../src/inventory/glob.js";
import { isValidHostName, parseHostKey } from "../../../src/inventory/host-names.js";

describe("parseHostKey", () => {
  it.each<[string, string[], number | undefined]>([
    ["web1", ["web1"], undefined],
    ["web1.example.com.", ["web1.example.com."], undefined],
    ["db_primary", ["db_primary"], undefined],
    ["10.0.0.[1:3]", ["10.0.0.1", "10.0.0.2", "10.0.0.3"], undefined],
    ["10.0.0.5:2222", ["10.0.0.5"], 2222],
    ["[2001:db8::1]:2222", ["2001:db8::1"], 2222],
    ["2001:db8::1", ["2001:db8::1"], undefined],
    ["web[1:3]:2200", ["web1", "web2", "web3"], 2200],
    ["web[:2]", ["web0", "web1", "web2"], undefined],
    ["web[08:10]", ["web08", "web09", "web10"], undefined],
    ["node-[x:Z:20]", ["node-x", "node-R"], undefined],
  ])("%s names %j (port %s)", (key, names, port) => {
    expect(parseHostKey(key)).toEqual(port === undefined ? { ok: true, names } : { ok: true, names, port });
  });

  it.each<[string, string]>([
    ["web_", "ok"],
    ["web..x", "'web..x' is not a valid host name (letters, digits, '-', '_' and '.', or an IP address)"],
    ["web-", "'web-' is not a valid host name (letters, digits, '-', '_' and '.', or an IP address)"],
    ["wéb", "'wéb' is not a valid host name (letters, digits, '-', '_' and '.', or an IP address)"],
    ["web:ssh", "'web:ssh' is not a valid host name (a ':' may only introduce a port number)"],
    ["web:0", "port 0 is out of range 1-65535"],
    ["web[1:2:3:4]", "host range [1:2:3:4] must be [begin:end] or [begin:end:step]"],
    ["web[1:]", "host range [1:] has no end"],
    ["web[1:5:0]", "host range [1:5:0] needs a positive integer step"],
    ["web[a:5]", "host range [a:5] must use numbers or single letters"],
    ["web[c:a]", "host range [c:a] must have begin <= end"],
    ["web]1[", "unbalanced '[' in 'web]1['"],
    ["web[1", "unbalanced brackets in 'web[1'"],
    ["web[1:1000000]", "host range [1:1000000] expands to more than 100000 hosts"],
  ])("%s → %s", (key, problem) => {
    const parsed = parseHostKey(key);
    if (problem === "ok") expect(parsed.ok).toBe(true);
    else expect(parsed).toEqual({ ok: false, problem });
  });

  it("accepts IP addresses and DNS-style names", () => {
    expect(["10.1.2.3", "::1", "a", "A-b_c.d", "1host"].every(isValidHostName)).toBe(true);
    expect(["", "a b", "a/b", "-a", ".a"].some(isValidHostName)).toBe(false);
  });
});

describe("globToRegExp (Python fnmatch)", () => {
  it.each<[string, string[], string[]]>([
    ["web*", ["web", "web1", "webservers"], ["cobweb", "Web1"]],
    ["db-?", ["db-1", "db-a"], ["db-10", "db-"]],
    ["db-[12]", ["db-1", "db-2"], ["db-3"]],
    ["db-[!12]", ["db-3"], ["db-1"]],
    ["db-[0-9]x", ["db-5x"], ["db-ax"]],
    ["a[]]b", ["a]b"], ["ab"]],
    ["a[!]]b", ["axb"], ["a]b"]],
    ["a[b", ["a[b"], ["ab"]],
    ["a.b", ["a.b"], ["axb"]],
    ["a[^]b", ["a^b"], ["axb"]],
    ["(x)+", ["(x)+"], ["xx"]],
  ])("%s", (glob, yes, no) => {
    const re = globToRegExp(glob);
    expect(yes.filter((s) => !re.test(s))).toEqual([]);
    expect(no.filter((s) => re.test(s))).toEqual([]);
  });
});
