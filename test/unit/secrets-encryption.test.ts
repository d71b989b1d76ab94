import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { inventoryCommand } from "../../src/cli/inventory-command.js";
import {
  secretsDecryptCommand,
  secretsEditCommand,
  secretsEncryptCommand,
  secretsGenerateCommand,
  secretsRekeyCommand,
} from "../../src/cli/secrets-command.js";
import { decryptText, encryptText, isEncrypted } from "../../src/secrets/envelope.js";
import { SecretsError } from "../../src/secrets/errors.js";
import { SecretsKeyring } from "../../src/secrets/keyring.js";

const DSL = new URL("../../src/index.ts", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "dcv-secrets-enc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function passwordFile(name: string, password: string): string {
  const f = join(dir, name);
  writeFileSync(f, `${password}\n`, { mode: 0o600 });
  return f;
}
const keyring = (file: string) => new SecretsKeyring({ passwordFile: file });
const PLAIN = "db_password: hunter2-but-longer\nsalts:\n  auth_key: 'k\"ey'\n";

describe("the encrypted envelope (AES-256-GCM, scrypt)", () => {
  it("round-trips, and encrypting twice gives two different files", async () => {
    const a = await encryptText(PLAIN, "correct horse");
    const b = await encryptText(PLAIN, "correct horse");
    expect(isEncrypted(a)).toBe(true);
    expect(a.split("\n")[0]).toBe("$DO_CONVERGE_SECRETS;1;AES256-GCM;SCRYPT;N=32768,r=8,p=1");
    expect(a).not.toContain("hunter2");
    expect(a).not.toBe(b);
    expect(await decryptText(a, "correct horse", "s.yml")).toBe(PLAIN);
  });

  it("refuses a wrong password, a changed byte and changed parameters, naming the file", async () => {
    const sealed = await encryptText(PLAIN, "correct horse");
    await expect(decryptText(sealed, "wrong horse", "s.yml")).rejects.toThrow("s.yml: cannot decrypt: wrong password, or the file was altered");
    const lines = sealed.split("\n");
    const body = lines[1] ?? "";
    const flipped = [lines[0], `${body.slice(0, 30)}${body[30] === "A" ? "B" : "A"}${body.slice(31)}`, ...lines.slice(2)].join("\n");
    await expect(decryptText(flipped, "correct horse", "s.yml")).rejects.toThrow(SecretsError);
    // The header is authenticated: weaker parameters cannot be swapped in.
    await expect(decryptText(sealed.replace("r=8", "r=9"), "correct horse", "s.yml")).rejects.toThrow("wrong password, or the file was altered");
    await expect(decryptText(sealed.replace("N=32768", "N=1073741824"), "correct horse", "s.yml")).rejects.toThrow("s.yml: the header's scrypt parameters (N=1073741824,r=8,p=1) ask for 1048576 MiB per key derivation");
    await expect(decryptText(`${lines[0]}\nAAAA\n`, "correct horse", "s.yml")).rejects.toThrow("truncated");
  });
});

describe("the keyring", () => {
  it("reads the password once (a trailing newline is not part of it) and explains where a password comes from", async () => {
    let asked = 0;
    const k = new SecretsKeyring({ prompt: async () => (asked++, "pw-from-terminal") });
    const a = await encryptText("a: 1\n", "pw-from-terminal");
    const b = await encryptText("b: 2\n", "pw-from-terminal");
    expect(await k.decrypt(a, "a.yml")).toBe("a: 1\n");
    expect(await k.decrypt(b, "b.yml")).toBe("b: 2\n");
    expect(asked).toBe(1);
    expect(await keyring(passwordFile("pw1", "pw-from-terminal")).decrypt(a, "a.yml")).toBe("a: 1\n");
    await expect(new SecretsKeyring({ env: {} }).decrypt(a, "a.yml")).rejects.toThrow("a.yml: is encrypted: give --password-file FILE or set DO_CONVERGE_PASSWORD_FILE");
    const envFile = passwordFile("pw2", "pw-from-terminal");
    expect(await new SecretsKeyring({ env: { DO_CONVERGE_PASSWORD_FILE: envFile } }).decrypt(a, "a.yml")).toBe("a: 1\n");
    writeFileSync(join(dir, "empty"), "\n", { mode: 0o600 });
    await expect(keyring(join(dir, "empty")).decrypt(a, "a.yml")).rejects.toThrow(`${join(dir, "empty")}: the password file is empty`);
  });
});

describe("secrets encrypt | decrypt | rekey | edit", () => {
  const pw = passwordFile("pw", "first password");
  const pw2 = passwordFile("pw-new", "second password");

  it("encrypts in place (0600), refuses twice, decrypts back to the same bytes", async () => {
    const f = join(dir, "a.yml");
    writeFileSync(f, PLAIN, { mode: 0o644 });
    expect(await secretsEncryptCommand(f, keyring(pw))).toBe(`${f}: encrypted\n`);
    expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync(f, "utf8")).not.toContain("hunter2");
    await expect(secretsEncryptCommand(f, keyring(pw))).rejects.toThrow(`${f}: is already encrypted`);
    await expect(secretsDecryptCommand(f, keyring(pw2))).rejects.toThrow("wrong password");
    expect(await secretsDecryptCommand(f, keyring(pw))).toBe(`${f}: decrypted\n`);
    expect(readFileSync(f, "utf8")).toBe(PLAIN);
  });

  it("does not encrypt what is not a YAML mapping", async () => {
    const f = join(dir, "list.yml");
    writeFileSync(f, "- a\n- b\n");
    await expect(secretsEncryptCommand(f, keyring(pw))).rejects.toThrow("must be a mapping");
    expect(readFileSync(f, "utf8")).toBe("- a\n- b\n");
  });

  it("rekeys: the old password no longer opens it, the new one does", async () => {
    const f = join(dir, "b.yml");
    writeFileSync(f, PLAIN);
    await secretsEncryptCommand(f, keyring(pw));
    expect(await secretsRekeyCommand(f, keyring(pw), keyring(pw2))).toBe(`${f}: rekeyed\n`);
    await expect(decryptText(readFileSync(f, "utf8"), "first password", f)).rejects.toThrow("wrong password");
    expect(await decryptText(readFileSync(f, "utf8"), "second password", f)).toBe(PLAIN);
  });

  it("edits through $EDITOR and seals again; an edit that breaks the YAML changes nothing", async () => {
    const f = join(dir, "c.yml");
    // An "editor" that appends one line; VISUAL wins over EDITOR, as in git.
    const appender = (line: string) => {
      const e = join(dir, `append-${line.split(":")[0]}.sh`);
      writeFileSync(e, `#!/bin/sh\nprintf '${line}\\n' >> "$1"\n`);
      chmodSync(e, 0o755);
      return e;
    };
    expect(await secretsEditCommand(f, keyring(pw), { EDITOR: appender("added: value") })).toBe(`${f}: created (encrypted)\n`);
    expect(await secretsEditCommand(f, keyring(pw), { VISUAL: appender("more: value"), EDITOR: "false" })).toBe(`${f}: saved (encrypted)\n`);
    expect(await decryptText(readFileSync(f, "utf8"), "first password", f)).toBe("added: value\nmore: value\n");
    const breaker = join(dir, "breaker.sh");
    writeFileSync(breaker, '#!/bin/sh\nprintf -- "- not: [a mapping\\n" > "$1"\n');
    chmodSync(breaker, 0o755);
    const before = readFileSync(f, "utf8");
    await expect(secretsEditCommand(f, keyring(pw), { EDITOR: breaker })).rejects.toThrow(SecretsError);
    expect(readFileSync(f, "utf8")).toBe(before);
    expect(await secretsEditCommand(f, keyring(pw), { EDITOR: "true" })).toBe(`${f}: unchanged\n`);
  });
});

describe("an encrypted secrets file in group_vars", () => {
  const site = join(dir, "site");
  mkdirSync(join(site, "inventory/group_vars/all"), { recursive: true });
  writeFileSync(
    join(site, "site.ts"),
    `import { play, role, secret, site, z } from "${DSL}";
const db = role({ name: "db", vars: z.object({ db_password: secret() }), async tasks() {} });
export default site({ inventory: ["inventory/hosts.yml"], plays: [play({ name: "db", hosts: "all", roles: [db] })] });
`,
  );
  writeFileSync(join(site, "inventory/hosts.yml"), "all:\n  hosts:\n    db1: { ansible_host: 10.0.0.1 }\n");
  const pw = passwordFile("site-pw", "site password");
  const wrong = passwordFile("site-wrong", "not the password");
  const file = join(site, "inventory/group_vars/all/secrets.yml");

  it("is generated encrypted with a password file, stays encrypted when generate adds to it, and loads transparently", async () => {
    expect(await secretsGenerateCommand(join(site, "site.ts"), {}, keyring(pw))).toBe(`${file}: generated db_password (encrypted)\n`);
    const sealed = readFileSync(file, "utf8");
    expect(isEncrypted(sealed)).toBe(true);
    const values = parse(await decryptText(sealed, "site password", file)) as { db_password: string };
    expect(values.db_password).toMatch(/^[A-Za-z0-9]{32}$/);

    const shown = await inventoryCommand(join(site, "site.ts"), { host: "db1", passwordFile: pw });
    expect(shown.output).toMatch(/^db_password: "\*{8}" +# group_vars\/all: .*secrets\.yml:\d+$/m);
    expect(shown.output).not.toContain(values.db_password);
  });

  it("shows every string of an encrypted file as ********, declared secret() or not", async () => {
    const apiKey = "Zx81kQm2Lp7Wv3Rt9Yb4Nc6Hd0Jf5Gs";
    const extra = join(site, "inventory/group_vars/all/extra.yml");
    writeFileSync(extra, await encryptText(`api_key: ${apiKey}\nport: 3306\n`, "site password"));
    try {
      const host = await inventoryCommand(join(site, "site.ts"), { host: "db1", passwordFile: pw });
      expect(host.output).toMatch(/^api_key: "\*{8}" +# group_vars\/all: .*extra\.yml:\d+$/m);
      expect(host.output).toMatch(/^port: 3306 /m);
      const list = await inventoryCommand(join(site, "site.ts"), { list: true, passwordFile: pw });
      expect(list.output).toContain('"api_key": "********"');
      expect(host.output + list.output).not.toContain(apiKey);
    } finally {
      rmSync(extra);
    }
  });

  it("fails clearly, naming the file, without a password or with a wrong one", async () => {
    const prev = process.env["DO_CONVERGE_PASSWORD_FILE"];
    delete process.env["DO_CONVERGE_PASSWORD_FILE"];
    try {
      await expect(inventoryCommand(join(site, "site.ts"), { host: "db1" })).rejects.toThrow(`${file}: is encrypted: give --password-file FILE`);
      await expect(inventoryCommand(join(site, "site.ts"), { host: "db1", passwordFile: wrong })).rejects.toThrow(`${file}: cannot decrypt: wrong password, or the file was altered`);
    } finally {
      if (prev !== undefined) process.env["DO_CONVERGE_PASSWORD_FILE"] = prev;
    }
  });
});
