import { execFileSync, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KnownHosts, entryMatches, keyTypeOf, lookupName, parseKnownHosts, sha256Fingerprint } from "../../../src/transport/known-hosts.js";
import type { KnownHostEntry } from "../../../src/transport/known-hosts.js";

interface Key {
  /** "ssh-ed25519 AAAA..." */
  line: string;
  type: string;
  blob: Buffer;
  /** `ssh-keygen -lf` output: "256 SHA256:... comment (ED25519)" */
  keygenFingerprint: string;
}

let dir = "";
let ed: Key;
let ed2: Key;
let ec: Key;

function keygen(name: string, type: "ed25519" | "ecdsa"): Key {
  const path = join(dir, name);
  execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", `${name}@test`, "-f", path]);
  const pub = readFileSync(`${path}.pub`, "utf8").trim();
  const [keyType, b64] = pub.split(" ");
  return {
    line: `${keyType} ${b64}`,
    type: keyType ?? "",
    blob: Buffer.from(b64 ?? "", "base64"),
    keygenFingerprint: execFileSync("ssh-keygen", ["-lf", `${path}.pub`], { encoding: "utf8" }).trim(),
  };
}

/** A hashed name as `ssh-keygen -H` writes it: |1|base64(salt)|base64(HMAC-SHA1(key=salt, name)). */
function hashName(name: string, salt = randomBytes(20)): string {
  return `|1|${salt.toString("base64")}|${createHmac("sha1", salt).update(name).digest("base64")}`;
}

/** Lines (1-based) of `file` that `ssh-keygen -F name` reports as matching. */
function keygenFind(file: string, name: string): number[] {
  const r = spawnSync("ssh-keygen", ["-F", name, "-f", file], { encoding: "utf8" });
  return [...r.stdout.matchAll(/^# Host .* found: line (\d+)/gm)].map((m) => Number(m[1]));
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function entry(names: string[], marker?: KnownHostEntry["marker"]): KnownHostEntry {
  return { file: "f", line: 1, ...(marker ? { marker } : {}), names, keyType: "ssh-ed25519", key: Buffer.alloc(0) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "do-converge-known-hosts-"));
  ed = keygen("ed", "ed25519");
  ed2 = keygen("ed2", "ed25519");
  ec = keygen("ec", "ecdsa");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("sha256Fingerprint and keyTypeOf", () => {
  it("prints the fingerprint exactly as ssh-keygen -lf does", () => {
    expect(ed.keygenFingerprint).toMatch(/^256 SHA256:[A-Za-z0-9+/]{43} ed@test \(ED25519\)$/);
    expect(ed.keygenFingerprint.split(" ")[1]).toBe(sha256Fingerprint(ed.blob));
    expect(ec.keygenFingerprint.split(" ")[1]).toBe(sha256Fingerprint(ec.blob));
  });

  it("drops base64 padding, as OpenSSH does", () => {
    // SHA-256 of the empty string; padded base64 is 47u...FU= (44 chars)
    expect(sha256Fingerprint(Buffer.alloc(0))).toBe("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
  });

  it("reads the key type from the blob", () => {
    expect(keyTypeOf(ed.blob)).toBe("ssh-ed25519");
    expect(keyTypeOf(ec.blob)).toBe("ecdsa-sha2-nistp256");
    const rsa = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from("ssh-rsa"), Buffer.from([0, 0, 0, 1, 0x23])]);
    expect(keyTypeOf(rsa)).toBe("ssh-rsa");
  });

  it("gives an empty type for a blob too short to hold one", () => {
    expect(keyTypeOf(Buffer.alloc(0))).toBe("");
    expect(keyTypeOf(Buffer.from([0, 0, 0]))).toBe("");
  });
});

describe("parseKnownHosts", () => {
  it("skips comments and blank lines, keeps 1-based line numbers, and ignores the trailing comment", () => {
    const text = `# a comment\n\n   \nweb1,10.0.0.5 ${ed.line} root@web1\n  # indented comment\n[db]:2222 ${ec.line}\n`;
    const entries = parseKnownHosts(text, "/k");
    expect(entries).toEqual([
      { file: "/k", line: 4, names: ["web1", "10.0.0.5"], keyType: "ssh-ed25519", key: ed.blob },
      { file: "/k", line: 6, names: ["[db]:2222"], keyType: "ecdsa-sha2-nistp256", key: ec.blob },
    ]);
  });

  it("reads @revoked and @cert-authority markers", () => {
    const entries = parseKnownHosts(`@revoked * ${ed.line}\n@cert-authority *.example.com ${ec.line}\n`, "/k");
    expect(entries.map((e) => [e.marker, e.names, e.keyType])).toEqual([
      ["@revoked", ["*"], "ssh-ed25519"],
      ["@cert-authority", ["*.example.com"], "ecdsa-sha2-nistp256"],
    ]);
    expect(entries[0]?.key.equals(ed.blob)).toBe(true);
  });

  it("tolerates CRLF line endings and tabs between fields", () => {
    const [type, b64] = ed.line.split(" ");
    const entries = parseKnownHosts(`web1\t${type}\t${b64}\r\nweb2 ${ed.line}\r\n`, "/k");
    expect(entries.map((e) => [e.line, e.names, e.keyType, e.key.equals(ed.blob)])).toEqual([
      [1, ["web1"], "ssh-ed25519", true],
      [2, ["web2"], "ssh-ed25519", true],
    ]);
  });

  it("skips lines missing the key", () => {
    expect(parseKnownHosts("web1 ssh-ed25519\nweb2\n@revoked web3 ssh-ed25519\n", "/k")).toEqual([]);
  });

  it("keeps a hashed name as a single name", () => {
    const hashed = hashName("web1");
    expect(parseKnownHosts(`${hashed} ${ed.line}\n`, "/k")[0]?.names).toEqual([hashed]);
  });
});

describe("lookupName", () => {
  it("is the plain host for port 22 and [host]:port otherwise", () => {
    expect(lookupName("web1.example.com", 22)).toBe("web1.example.com");
    expect(lookupName("10.0.0.5", 2222)).toBe("[10.0.0.5]:2222");
    expect(lookupName("::1", 2200)).toBe("[::1]:2200");
  });
});

describe("entryMatches", () => {
  it("matches any of several plain names, case-insensitively", () => {
    const e = entry(["web1.example.com", "10.0.0.5"]);
    expect(entryMatches(e, "web1.example.com")).toBe(true);
    expect(entryMatches(e, "10.0.0.5")).toBe(true);
    expect(entryMatches(e, "WEB1.example.COM")).toBe(true);
    expect(entryMatches(e, "web1")).toBe(false);
    expect(entryMatches(e, "10.0.0.50")).toBe(false);
  });

  it("matches [host]:port only for that port", () => {
    const e = entry(["[db.example.com]:2222"]);
    expect(entryMatches(e, lookupName("db.example.com", 2222))).toBe(true);
    expect(entryMatches(e, lookupName("db.example.com", 22))).toBe(false);
    expect(entryMatches(e, lookupName("db.example.com", 2223))).toBe(false);
  });

  it("matches * and ? globs, the dots being literal", () => {
    const e = entry(["*.example.com", "web?.lan"]);
    expect(entryMatches(e, "a.example.com")).toBe(true);
    expect(entryMatches(e, "a.b.example.com")).toBe(true);
    expect(entryMatches(e, "example.com")).toBe(false);
    expect(entryMatches(e, "xexample.com")).toBe(false);
    expect(entryMatches(e, "web1.lan")).toBe(true);
    expect(entryMatches(e, "web12.lan")).toBe(false);
    expect(entryMatches(e, "web1xlan")).toBe(false);
  });

  it("a matching !negation rejects the entry whatever else matches", () => {
    const e = entry(["*.example.com", "!bad.example.com"]);
    expect(entryMatches(e, "good.example.com")).toBe(true);
    expect(entryMatches(e, "bad.example.com")).toBe(false);
    // A negation alone never matches.
    expect(entryMatches(entry(["!bad.example.com"]), "good.example.com")).toBe(false);
    // Negation order does not matter.
    expect(entryMatches(entry(["!bad.example.com", "*.example.com"]), "bad.example.com")).toBe(false);
  });

  it("matches a hashed name computed as ssh-keygen -H does (HMAC-SHA1 keyed by the salt)", () => {
    const salt = Buffer.from("0123456789abcdefghij");
    const hashed = hashName("web1.example.com", salt);
    expect(entryMatches(entry([hashed]), "web1.example.com")).toBe(true);
    expect(entryMatches(entry([hashed]), "web2.example.com")).toBe(false);
    const ported = hashName("[web1.example.com]:2222");
    expect(entryMatches(entry([ported]), lookupName("web1.example.com", 2222))).toBe(true);
    expect(entryMatches(entry([ported]), "web1.example.com")).toBe(false);
  });

  it("ignores a malformed hashed name", () => {
    expect(entryMatches(entry(["|1|"]), "web1")).toBe(false);
    expect(entryMatches(entry(["|1|c2FsdA=="]), "web1")).toBe(false);
  });

  it("agrees with ssh-keygen -F on plain, glob, negated and port entries", () => {
    const file = write(
      "oracle_known_hosts",
      [
        "# comment",
        `web1.example.com,10.0.0.5 ${ed.line}`,
        `[db.example.com]:2222 ${ed.line}`,
        `*.example.com,!bad.example.com ${ec.line}`,
        `Web?.Upper.ORG ${ed.line}`,
        `[*.lan]:2200 ${ed.line}`,
        "",
      ].join("\n"),
    );
    const entries = parseKnownHosts(readFileSync(file, "utf8"), file);
    const names = [
      "web1.example.com",
      "10.0.0.5",
      "db.example.com",
      "[db.example.com]:2222",
      "[db.example.com]:22",
      "x.example.com",
      "bad.example.com",
      "a.b.example.com",
      "example.com",
      "web2.upper.org",
      "WEB2.UPPER.ORG",
      "[h.lan]:2200",
      "h.lan",
    ];
    const ours = Object.fromEntries(names.map((n) => [n, entries.filter((e) => entryMatches(e, n)).map((e) => e.line)]));
    const theirs = Object.fromEntries(names.map((n) => [n, keygenFind(file, n)]));
    expect(ours).toEqual(theirs);
    // And the oracle says what we expect it to, so this test cannot pass vacuously.
    expect(theirs).toEqual({
      "web1.example.com": [2, 4],
      "10.0.0.5": [2],
      "db.example.com": [4],
      "[db.example.com]:2222": [3],
      "[db.example.com]:22": [],
      "x.example.com": [4],
      "bad.example.com": [],
      "a.b.example.com": [4],
      "example.com": [],
      "web2.upper.org": [5],
      "WEB2.UPPER.ORG": [5],
      "[h.lan]:2200": [6],
      "h.lan": [],
    });
  });

  it("matches the hashed lines ssh-keygen -H writes", () => {
    const file = write("to_hash", `web1.example.com ${ed.line}\n[db.example.com]:2222 ${ec.line}\n10.0.0.7 ${ed.line}\n`);
    execFileSync("ssh-keygen", ["-H", "-f", file], { stdio: "ignore" });
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("example.com");
    const entries = parseKnownHosts(text, file);
    expect(entries).toHaveLength(3);
    for (const e of entries) expect(e.names[0]).toMatch(/^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}=$/);
    const lines = (n: string) => entries.filter((e) => entryMatches(e, n)).map((e) => e.line);
    expect(lines("web1.example.com")).toEqual([1]);
    expect(lines(lookupName("db.example.com", 2222))).toEqual([2]);
    expect(lines("db.example.com")).toEqual([]);
    expect(lines("10.0.0.7")).toEqual([3]);
    expect(lines("10.0.0.8")).toEqual([]);
  });

  it("matches a hashed line whatever the case of the name, as ssh does (it looks names up lowercased)", () => {
    // ssh-keygen -H hashes the lowercased name, and ssh lowercases the host before the lookup.
    const file = write("to_hash_case", `Mixed.Example.COM ${ed.line}\n`);
    execFileSync("ssh-keygen", ["-H", "-f", file], { stdio: "ignore" });
    expect(keygenFind(file, "mixed.example.com")).toEqual([1]);
    const [e] = parseKnownHosts(readFileSync(file, "utf8"), file);
    expect(e && entryMatches(e, "mixed.example.com")).toBe(true);
    expect(e && entryMatches(e, "Mixed.Example.COM")).toBe(true);
  });
});

describe("KnownHosts.verify", () => {
  let kh: KnownHosts;
  beforeAll(() => {
    const file = write(
      "verify_known_hosts",
      [
        `web1.example.com,10.0.0.5 ${ed.line}`, // 1
        `web2.example.com ${ec.line}`, // 2
        `web3.example.com ${ed2.line}`, // 3
        `@revoked * ${ed2.line}`, // 4
        `@cert-authority *.ca.example ${ed.line}`, // 5
        `*.example.com,!bad.example.com ${ec.line}`, // 6
        `[db.example.com]:2222 ${ed.line}`, // 7
        `${hashName("hashed.example.org")} ${ed.line}`, // 8
        `rebuilt.example.com ${ed2.line}`, // 9
        `rebuilt.example.com ${ed.line}`, // 10
        "",
      ].join("\n"),
    );
    kh = KnownHosts.load([join(dir, "does-not-exist"), file]);
  });

  it("match: the presented key is recorded for one of the names", () => {
    const v = kh.verify(["web1.example.com"], ed.blob);
    expect(v.kind).toBe("match");
    expect(v.kind === "match" && v.entry.line).toBe(1);
    const byAddress = kh.verify(["10.0.0.5", "some-inventory-name"], ed.blob);
    expect(byAddress.kind === "match" && byAddress.entry.line).toBe(1);
  });

  it("match: through a hashed entry and through a [host]:port entry", () => {
    const hashed = kh.verify(["hashed.example.org"], ed.blob);
    expect(hashed.kind === "match" && hashed.entry.line).toBe(8);
    const ported = kh.verify([lookupName("db.example.com", 2222)], ed.blob);
    expect(ported.kind === "match" && ported.entry.line).toBe(7);
  });

  it("match: any one of several keys of the same type recorded for the host", () => {
    const v = kh.verify(["rebuilt.example.com"], ed.blob);
    expect(v.kind === "match" && v.entry.line).toBe(10);
  });

  it("unknown: no entry for the name", () => {
    expect(kh.verify(["nowhere.org"], ed.blob)).toEqual({ kind: "unknown" });
    expect(kh.verify([], ed.blob)).toEqual({ kind: "unknown" });
  });

  it("unknown: entries exist, but only of another key type (not a changed key)", () => {
    // web2 has only an ECDSA key recorded; it presents ED25519.
    expect(kh.verify(["web2.example.com"], ed.blob)).toEqual({ kind: "unknown" });
  });

  it("changed: a different key of a recorded type", () => {
    const v = kh.verify(["web1.example.com"], ed2.blob);
    // ed2 is also @revoked for *, which OpenSSH reports first.
    expect(v.kind).toBe("revoked");
    const other = kh.verify(["web2.example.com"], Buffer.from(ec.blob.map((b, i) => (i === ec.blob.length - 1 ? b ^ 1 : b))));
    expect(other.kind).toBe("changed");
    expect(other.kind === "changed" && other.entry.line).toBe(2);
  });

  it("revoked: a key under @revoked wins over a plain entry recording the same key", () => {
    const v = kh.verify(["web3.example.com"], ed2.blob);
    expect(v.kind).toBe("revoked");
    expect(v.kind === "revoked" && v.entry.line).toBe(4);
  });

  it("an @cert-authority line is not a host key: presenting the CA key is unknown", () => {
    expect(kh.verify(["host.ca.example"], ed.blob)).toEqual({ kind: "unknown" });
  });

  it("a negated name excludes the glob entry", () => {
    expect(kh.verify(["bad.example.com"], ec.blob)).toEqual({ kind: "unknown" });
    const good = kh.verify(["good.example.com"], ec.blob);
    expect(good.kind === "match" && good.entry.line).toBe(6);
  });

  it("a port other than the recorded one is a different host", () => {
    expect(kh.verify([lookupName("db.example.com", 2200)], ed.blob)).toEqual({ kind: "unknown" });
  });

  it("knownTypes lists the recorded plain key types, without duplicates or markers", () => {
    expect(kh.knownTypes(["web1.example.com"])).toEqual(["ssh-ed25519", "ecdsa-sha2-nistp256"]);
    expect(kh.knownTypes(["web2.example.com"])).toEqual(["ecdsa-sha2-nistp256"]);
    expect(kh.knownTypes(["host.ca.example"])).toEqual([]);
    // rebuilt.example.com: the *.example.com ECDSA line (6), then its two ED25519 lines (9, 10), in file order.
    expect(kh.knownTypes(["rebuilt.example.com"])).toEqual(["ecdsa-sha2-nistp256", "ssh-ed25519"]);
    expect(kh.knownTypes(["rebuilt.example.org"])).toEqual([]);
  });
});

describe("KnownHosts.load", () => {
  it("sees a file changed between loads (each connection loads it; unchanged files are not parsed again)", () => {
    const file = write("reloaded", `a.example ${ed.line}\n`);
    expect(KnownHosts.load([file]).verify(["a.example"], ed.blob).kind).toBe("match");
    expect(KnownHosts.load([file]).verify(["b.example"], ec.blob).kind).toBe("unknown");
    writeFileSync(file, `a.example ${ed.line}\nb.example ${ec.line}\n`);
    expect(KnownHosts.load([file]).verify(["b.example"], ec.blob).kind).toBe("match");
    // The same size and a rewritten key: still seen (the stamp holds the mtime too; set apart
    // here, since two writes within one clock tick of the kernel share an mtime).
    writeFileSync(file, `a.example ${ed2.line}\nb.example ${ec.line}\n`);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(KnownHosts.load([file]).verify(["a.example"], ed.blob).kind).toBe("changed");
  });

  it("does not let one load's recorded entry leak into another load of the same file", () => {
    const file = write("isolated", `a.example ${ed.line}\n`);
    const first = KnownHosts.load([file]);
    first.entries.push({ file, line: 0, names: ["x.example"], keyType: keyTypeOf(ec.blob), key: ec.blob });
    expect(KnownHosts.load([file]).verify(["x.example"], ec.blob).kind).toBe("unknown");
  });
});

describe("KnownHosts.record", () => {
  it("appends a hashed line that a fresh load matches and ssh-keygen -F finds", () => {
    const file = join(dir, "new", "sub", "known_hosts");
    const kh = KnownHosts.load([file]);
    expect(kh.verify(["203.0.113.10"], ed.blob)).toEqual({ kind: "unknown" });
    kh.record(file, "203.0.113.10", ed.blob);
    kh.record(file, lookupName("203.0.113.11", 2222), ec.blob);

    const text = readFileSync(file, "utf8");
    const lines = text.split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    expect(lines[0]).toMatch(/^\|1\|[A-Za-z0-9+/]{27}=\|[A-Za-z0-9+/]{27}= ssh-ed25519 AAAA[A-Za-z0-9+/]+=*$/);
    expect(lines[0]?.endsWith(` ${ed.line}`)).toBe(true);
    expect(lines[1]?.endsWith(` ${ec.line}`)).toBe(true);
    expect(text).not.toContain("203.0.113");

    // The recording instance knows it at once; a fresh load matches it from the file.
    expect(kh.verify(["203.0.113.10"], ed.blob).kind).toBe("match");
    const fresh = KnownHosts.load([file]);
    const v = fresh.verify(["203.0.113.10"], ed.blob);
    expect(v.kind === "match" && [v.entry.file, v.entry.line]).toEqual([file, 1]);
    expect(fresh.verify(["[203.0.113.11]:2222"], ec.blob).kind).toBe("match");
    expect(fresh.verify(["203.0.113.11"], ec.blob)).toEqual({ kind: "unknown" });

    // OpenSSH's own lookup agrees.
    expect(keygenFind(file, "203.0.113.10")).toEqual([1]);
    expect(keygenFind(file, "[203.0.113.11]:2222")).toEqual([2]);
    expect(keygenFind(file, "203.0.113.11")).toEqual([]);
  });

  it("uses a fresh salt each time", () => {
    const file = join(dir, "salts");
    const kh = KnownHosts.load([file]);
    kh.record(file, "same.example.com", ed.blob);
    kh.record(file, "same.example.com", ed.blob);
    const [a, b] = readFileSync(file, "utf8").split("\n");
    expect(a?.split(" ")[0]).not.toBe(b?.split(" ")[0]);
  });

  it("creates the file 0600 in a 0700 directory", () => {
    const file = join(dir, "perm", ".ssh", "known_hosts");
    KnownHosts.load([file]).record(file, "h", ed.blob);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "perm", ".ssh")).mode & 0o777).toBe(0o700);
  });

  it("records a mixed-case name so that ssh, which looks names up lowercased, finds it", () => {
    const file = join(dir, "case_known_hosts");
    KnownHosts.load([file]).record(file, "Web-1.Example.com", ed.blob);
    expect(keygenFind(file, "web-1.example.com")).toEqual([1]);
    expect(KnownHosts.load([file]).verify(["Web-1.Example.com"], ed.blob).kind).toBe("match");
  });
});
