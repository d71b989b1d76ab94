import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apt_signing_key, keyringWith, keyringWithout, keyserverUrl, keysFromKeyserver } from "../../../src/modules/apt-key.js";
import { armor, dearmor, idMatches, keyMatches, readKeys } from "../../../src/modules/openpgp.js";
import { argName } from "../../../src/import/module-map.js";
import type { ModuleContext } from "../../../src/modules/contract.js";
import type { RemoteShell } from "../../../src/remote/shell.js";

const hasGpg = spawnSync("sh", ["-c", "command -v gpg"]).status === 0;

/** Two throwaway keys made by gpg, and what gpg itself says their fingerprints are. */
describe.skipIf(!hasGpg)("OpenPGP keyrings without gpg on the host", () => {
  let home = "";
  const gpg = (...args: string[]) => execFileSync("gpg", ["--batch", "--quiet", "--homedir", home, "--pinentry-mode", "loopback", "--passphrase", "", ...args]);
  let a = { armored: "", binary: Buffer.alloc(0), fpr: "", sub: "" };
  let b = { armored: "", binary: Buffer.alloc(0), fpr: "", sub: "" };
  const fprs = (uid: string) =>
    gpg("--with-colons", "--fingerprint", "--with-subkey-fingerprints", uid)
      .toString()
      .split("\n")
      .filter((l) => l.startsWith("fpr:"))
      .map((l) => l.split(":")[9] ?? "");

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "dcv-gpg-"));
    const make = (uid: string) => {
      gpg("--quick-gen-key", uid, "ed25519", "sign", "never");
      const [fpr = ""] = fprs(uid);
      gpg("--quick-add-key", fpr, "cv25519", "encr", "never");
      const [, sub = ""] = fprs(uid);
      return { armored: gpg("--armor", "--export", uid).toString(), binary: gpg("--export", uid), fpr, sub };
    };
    a = make("dcv a <a@example.invalid>");
    b = make("dcv b <b@example.invalid>");
  });
  afterAll(() => {
    spawnSync("gpgconf", ["--homedir", home, "--kill", "gpg-agent"]);
    rmSync(home, { recursive: true, force: true });
  });

  it("reads fingerprints (primary and subkeys) from armored and binary keys, as gpg prints them", () => {
    expect(readKeys(Buffer.from(a.armored)).map((k) => [k.fingerprint, k.subkeys])).toEqual([[a.fpr, [a.sub]]]);
    expect(readKeys(a.binary).map((k) => k.fingerprint)).toEqual([a.fpr]);
    expect(readKeys(Buffer.concat([a.binary, b.binary])).map((k) => k.fingerprint)).toEqual([a.fpr, b.fpr]);
  });

  it("armor and dearmor round-trip, and gpg reads our armor", () => {
    expect(dearmor(a.armored).equals(a.binary)).toBe(true);
    const ours = armor(a.binary);
    expect(dearmor(ours).equals(a.binary)).toBe(true);
    const shown = execFileSync("gpg", ["--batch", "--homedir", home, "--with-colons", "--show-keys"], { input: ours }).toString();
    expect(shown).toContain(`fpr:::::::::${a.fpr}:`);
  });

  it("ids: full fingerprint, long and short key ids, 0x, subkeys", () => {
    expect(idMatches(a.fpr, a.fpr)).toBe(true);
    expect(idMatches(a.fpr, `0x${a.fpr.slice(-16).toLowerCase()}`)).toBe(true);
    expect(idMatches(a.fpr, a.fpr.slice(-8))).toBe(true);
    expect(idMatches(a.fpr, b.fpr.slice(-16))).toBe(false);
    const [key] = readKeys(a.binary);
    expect(key && keyMatches(key, a.sub)).toBe(true);
  });

  it("a keyring gains the key next to others, loses it again, and is a single key's file as it came", () => {
    const none = { exists: false, content: Buffer.alloc(0) };
    const keysA = readKeys(Buffer.from(a.armored));
    expect(keyringWith(none, Buffer.from(a.armored), keysA, "asc").toString()).toBe(a.armored);
    expect(keyringWith(none, Buffer.from(a.armored), keysA, "gpg").equals(a.binary)).toBe(true);
    const withB = { exists: true, content: b.binary };
    const both = keyringWith(withB, Buffer.from(a.armored), keysA, "gpg");
    expect(readKeys(both).map((k) => k.fingerprint)).toEqual([b.fpr, a.fpr]);
    // Idempotent: the key already there leaves the same bytes.
    expect(keyringWith({ exists: true, content: both }, Buffer.from(a.armored), keysA, "gpg").equals(both)).toBe(true);
    // A key already first stays first: the order never flips between runs.
    const aThenB = Buffer.concat([a.binary, b.binary]);
    expect(keyringWith({ exists: true, content: aThenB }, Buffer.from(a.armored), keysA, "gpg").equals(aThenB)).toBe(true);
    expect(keyringWith({ exists: true, content: aThenB }, b.binary, readKeys(b.binary), "gpg").equals(aThenB)).toBe(true);
    expect(keyringWithout({ exists: true, content: both }, [a.fpr.slice(-16)], "gpg")?.equals(b.binary)).toBe(true);
    expect(keyringWithout({ exists: true, content: b.binary }, [a.fpr], "gpg")?.equals(b.binary)).toBe(true);
    expect(keyringWithout({ exists: true, content: b.binary }, [b.fpr], "gpg")).toBeUndefined();
  });

  it("name: the file is the key as given, whatever key it held before; keyring: the other key stays", async () => {
    const held = `file 644\n${b.binary.toString("base64")}\n`;
    const sh = { host: "h", run: () => Promise.resolve({ stdout: held, stderr: "", rc: 0 }) } as unknown as RemoteShell;
    const ctx = { host: "h", check: false, wantDiff: true, sh, renderTemplate: () => "", readControlFile: () => a.binary } as ModuleContext;
    const named = await apt_signing_key.probe(ctx, apt_signing_key.args.parse({ name: "vendor", src: "vendor.gpg" }));
    expect(named.path).toBe("/etc/apt/keyrings/vendor.gpg");
    expect(named.edits[0]?.want?.equals(a.binary)).toBe(true);
    const shared = await apt_signing_key.probe(ctx, apt_signing_key.args.parse({ keyring: "/etc/apt/keyrings/shared.gpg", src: "vendor.gpg" }));
    expect(readKeys(shared.edits[0]?.want ?? Buffer.alloc(0)).map((k) => k.fingerprint)).toEqual([b.fpr, a.fpr]);
  });

  it("keyserver: only keys whose own fingerprint is the id are taken; another key, or a subkey's id, is refused", () => {
    expect(keysFromKeyserver("ks", a.fpr.slice(-16), Buffer.concat([b.binary, a.binary])).map((k) => k.fingerprint)).toEqual([a.fpr]);
    expect(keysFromKeyserver("ks", a.fpr, Buffer.from(a.armored)).map((k) => k.fingerprint)).toEqual([a.fpr]);
    expect(() => keysFromKeyserver("ks", a.fpr, Buffer.from(b.armored))).toThrow(`key server ks answered for ${a.fpr} with ${b.fpr}: not that key, refused`);
    expect(() => keysFromKeyserver("ks", a.sub, Buffer.from(a.armored))).toThrow(/not that key, refused/);
    expect(() => keysFromKeyserver("ks", a.fpr, Buffer.from("No results found"))).toThrow(/^key server ks did not answer with a key for/);
  });

  it("refuses a private key and what is no key", () => {
    const secret = gpg("--armor", "--export-secret-keys", "a@example.invalid").toString();
    expect(() => readKeys(Buffer.from(secret))).toThrow(/private key/);
    expect(() => readKeys(Buffer.from("hello"))).toThrow(/not an OpenPGP packet/);
  });
});

describe("apt_key's arguments", () => {
  const problem = (a: Record<string, unknown>) => apt_signing_key.args.safeParse(a).error?.issues[0]?.message;

  it("Ansible's names map: data is content", () => {
    expect(argName("apt_signing_key", "data")).toBe("content");
    expect(argName("apt_signing_key", "url")).toBe("url");
  });

  it("keyserver: with the key's fingerprint or long id (a short id cannot be verified), alone", () => {
    expect(problem({ keyserver: "keyserver.ubuntu.com", id: "36A1D7869245C8950F966E92D8576A8BA88D21E9" })).toBeUndefined();
    expect(problem({ keyserver: "hkps://keys.example.org:443", id: "0xF1656F24C74CD1D8" })).toBeUndefined();
    expect(problem({ keyserver: "keyserver.ubuntu.com" })).toMatch(/^keyserver needs id/);
    expect(problem({ keyserver: "keyserver.ubuntu.com", id: "C74CD1D8" })).toMatch(/^with keyserver, id must be the key's full fingerprint or its 16-hex long id: a short id/);
    expect(problem({ keyserver: "keyserver.ubuntu.com", id: "F1656F24C74CD1D8", url: "https://x/k.asc" })).toBe("give only one of data (content), src, file, url and keyserver, not url and keyserver");
    expect(problem({ keyserver: "keyserver.ubuntu.com/; rm -rf /", id: "F1656F24C74CD1D8" })).toMatch(/^a key server/);
    // Removal goes by id: the key server is not asked.
    expect(problem({ keyserver: "keyserver.ubuntu.com", id: "C74CD1D8", state: "absent" })).toBeUndefined();
  });

  it("keyserver: the HKP lookup gpg makes (a bare host is hkp on port 11371; hkps is https)", () => {
    const q = "/pks/lookup?op=get&options=mr&search=0xF1656F24C74CD1D8";
    expect(keyserverUrl("ha.pool.sks-keyservers.net", "f1656f24c74cd1d8")).toBe(`http://ha.pool.sks-keyservers.net:11371${q}`);
    expect(keyserverUrl("hkp://10.0.0.1:8080", "0xF1656F24C74CD1D8")).toBe(`http://10.0.0.1:8080${q}`);
    expect(keyserverUrl("hkps://keys.example.org", "F1656F24C74CD1D8")).toBe(`https://keys.example.org${q}`);
    expect(keyserverUrl("https://keys.example.org/", "F1656F24C74CD1D8")).toBe(`https://keys.example.org${q}`);
  });

  it("refuses several sources and odd keyrings", () => {
    expect(problem({ url: "https://x/k.asc", file: "/tmp/k.asc" })).toBe("give only one of data (content), src, file, url and keyserver, not file and url");
    expect(problem({ url: "https://x/k.asc", keyring: "/etc/apt/trusted.gpg.d/x.key" })).toMatch(/ending in .asc/);
    expect(problem({ id: "12345" })).toMatch(/a key id/);
    expect(problem({ id: "0xD8576A8BA88D21E9" })).toBe("state=present needs the key: data (content), src, file, url or keyserver (with id)");
    expect(problem({ state: "absent" })).toMatch(/state=absent needs id/);
    expect(problem({ state: "absent", id: "D8576A8BA88D21E9" })).toBeUndefined();
    expect(problem({ name: "x", keyring: "/etc/apt/keyrings/x.gpg", url: "https://x/k" })).toMatch(/not both/);
  });
});
