import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { editAuthorizedKeys, formatKey, parseKey, parseKeyArgument } from "../../../src/modules/authorized-keys-file.js";

const A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFceNzbTrAHV3S5Hxt3p4hCu7toi/uQBC7Ct8gLraIcY alice@laptop";
const B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK9z4bn9+wC5yVI5EU6zAWVQ0xkfMpdYtYCqOi0muVZq bob@laptop";
const C = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEKLnN/CckHw1ImimLRDNQgLZS8KQx67rElYgCwDtXv9 carol";
const keys = (text: string) => parseKeyArgument(text);

describe("authorized_keys lines", () => {
  it("parses options with quoted spaces, types and comments", () => {
    expect(parseKey(`from="10.0.0.1,10.0.0.2",command="echo a b" ${A}`)).toEqual({
      options: 'from="10.0.0.1,10.0.0.2",command="echo a b"',
      type: "ssh-ed25519",
      blob: "AAAAC3NzaC1lZDI1NTE5AAAAIFceNzbTrAHV3S5Hxt3p4hCu7toi/uQBC7Ct8gLraIcY",
      comment: "alice@laptop",
    });
    expect(parseKey("ecdsa-sha2-nistp256 AAAAE2VjZHNh= two words")?.comment).toBe("two words");
    expect(parseKey("# a comment")).toBeUndefined();
    expect(parseKey("not a key at all")).toBeUndefined();
    expect(() => parseKeyArgument(`${A}\nnonsense\n`)).toThrow(/line 2 is not a public key/);
  });

  it("present appends new keys, replaces a key whose options or comment changed, keeps the rest", () => {
    const file = `# managed by hand\n${A}\n${B}\n`;
    expect(editAuthorizedKeys(file, keys(C), "present", false)).toBe(`${file}${C}\n`);
    expect(editAuthorizedKeys(file, keys(`no-pty ${B.replace("bob@laptop", "bob@desk")}`), "present", false)).toBe(`# managed by hand\n${A}\nno-pty ${B.replace("bob@laptop", "bob@desk")}\n`);
    expect(editAuthorizedKeys(file, keys(`${A}\n${B}`), "present", false)).toBe(file);
  });

  it("leaves a file alone byte for byte when no key changes (no final newline, odd spacing)", () => {
    const file = `${A.replace(" ", "   ")}\n${B}`;
    expect(editAuthorizedKeys(file, keys(B), "present", false)).toBe(file);
    expect(editAuthorizedKeys(file, keys(C), "absent", false)).toBe(file);
  });

  it("absent removes every line with the key's blob", () => {
    expect(editAuthorizedKeys(`${A}\n${B}\nno-pty ${A}\n`, keys(A), "absent", false)).toBe(`${B}\n`);
    expect(editAuthorizedKeys(`${A}\n`, keys(A), "absent", false)).toBe("");
  });

  it("exclusive keeps only the given keys, in the given order, once", () => {
    expect(editAuthorizedKeys(`# hand\n${A}\n${B}\n`, keys(`${C}\n${A}\n${A}`), "present", true)).toBe(`${C}\n${A}\n`);
    expect(editAuthorizedKeys(`${C}\n${A}`, keys(`${C}\n${A}`), "present", true)).toBe(`${C}\n${A}`);
    expect(editAuthorizedKeys("", keys(A), "present", true)).toBe(`${A}\n`);
  });

  it("key_options replace the options of every given key", () => {
    expect(parseKeyArgument(`no-agent-forwarding ${A}`, 'from="10.77.0.0/24"').map(formatKey)).toEqual([`from="10.77.0.0/24" ${A}`]);
  });

  it("what it writes, ssh-keygen reads", () => {
    const dir = mkdtempSync(join(tmpdir(), "dcv-keys-"));
    try {
      const f = join(dir, "authorized_keys");
      writeFileSync(f, editAuthorizedKeys(`${A}\n`, parseKeyArgument(`${B}\n${C}`, 'from="10.0.0.0/8",no-pty'), "present", false));
      const out = execFileSync("ssh-keygen", ["-l", "-f", f], { encoding: "utf8" });
      expect(out.trim().split("\n").map((l) => l.split(" ").slice(-2).join(" "))).toEqual(["alice@laptop (ED25519)", "bob@laptop (ED25519)", "carol (ED25519)"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
