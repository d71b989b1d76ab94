import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SecretsError } from "../../../src/secrets/errors.js";
import { VaultError } from "../../../src/secrets/vault/errors.js";
import { type VaultOptions, vaultConfig } from "../../../src/secrets/vault/identities.js";
import { VaultKeyring } from "../../../src/secrets/vault/keyring.js";
import { scratchDir } from "../safety/cli-helpers.js";
import { passwordFile, vaultEncrypt, vaultEncryptString } from "./ansible.js";

// The vault format and passwords against data made by the installed ansible-vault.

const dir = scratchDir("vault-keyring");
const PLAIN_A = "db_password: correct horse battery staple\nport: 3306\n";
const PLAIN_B = "api_token: 'ünïcode-tökén-42'\n";
const pw = { default: "", prod: "", dev: "", wrong: "" };
const file = (name: string) => join(dir, name);
const read = (name: string) => readFileSync(file(name), "utf8");

function keyring(o: VaultOptions, prompt: (q: string) => Promise<string> = () => Promise.reject(new Error("no prompt expected"))): VaultKeyring {
  return new VaultKeyring(vaultConfig({ env: {}, ...o }), prompt);
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof Error)) throw new Error("expected a failure");
  return e;
}

/** The vault text with one hex digit of its ciphertext changed (still valid hex, so the HMAC is what notices). */
function tamper(text: string): string {
  const lines = text.trimEnd().split("\n");
  const last = lines.at(-1) ?? "";
  // Each outer hex pair encodes one inner hex digit ('3x' a digit, '6x' a letter): changing the
  // low nibble to 1 or 2 keeps it a hex digit ('1'/'2' or 'a'/'b').
  lines[lines.length - 1] = last.slice(0, -1) + (last.endsWith("1") ? "2" : "1");
  return `${lines.join("\n")}\n`;
}

/** Rewrites the inner payload (salt, HMAC, ciphertext) of vault text, hexlified as ansible-vault does. */
function reshape(text: string, change: (parts: string[]) => string[]): string {
  const [header = "", ...rest] = text.trimEnd().split("\n");
  const inner = Buffer.from(rest.join(""), "hex").toString("latin1").split("\n");
  const outer = Buffer.from(change(inner).join("\n"), "latin1").toString("hex");
  return `${header}\n${outer.match(/.{1,80}/g)?.join("\n") ?? ""}\n`;
}

beforeAll(async () => {
  pw.default = passwordFile(dir, "pw-default", "the default vault password");
  pw.prod = passwordFile(dir, "pw-prod", "prod: a different password");
  pw.dev = passwordFile(dir, "pw-dev", "dev password");
  pw.wrong = passwordFile(dir, "pw-wrong", "not the password");
  writeFileSync(file("v11.yml"), PLAIN_A);
  writeFileSync(file("v12.yml"), PLAIN_B);
  writeFileSync(file("dev.yml"), PLAIN_A);
  writeFileSync(file("v11-prod-password.yml"), PLAIN_B);
  await vaultEncrypt(dir, [file("v11.yml")], ["--vault-password-file", pw.default]);
  await vaultEncrypt(dir, [file("v12.yml")], ["--vault-id", `prod@${pw.prod}`]);
  await vaultEncrypt(dir, [file("dev.yml")], ["--vault-id", `dev@${pw.dev}`]);
  // 1.1 data (no id in its header) whose password is prod's.
  await vaultEncrypt(dir, [file("v11-prod-password.yml")], ["--vault-password-file", pw.prod]);
  writeFileSync(file("inline.yml"), await vaultEncryptString(dir, [["token", "s3cret-token-value"], ["multi", "line one\nline two\n"]], ["--vault-id", `prod@${pw.prod}`]));
}, 60_000);

describe("ansible-vault data made by ansible-vault", () => {
  it("opens format 1.1 and 1.2 (with a vault id) files to the exact bytes encrypted", async () => {
    expect(read("v11.yml")).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n[0-9a-f\n]+$/);
    expect(read("v12.yml")).toMatch(/^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
    const k = keyring({ passwordFiles: [pw.default], vaultIds: [`prod@${pw.prod}`] });
    expect(await k.decryptText(read("v11.yml"), "v11.yml")).toBe(PLAIN_A);
    expect(await k.decryptText(read("v12.yml"), "v12.yml")).toBe(PLAIN_B);
  });

  it("opens encrypt_string values, multi-line ones included", async () => {
    const text = read("inline.yml");
    const values = [...text.matchAll(/!vault \|\n((?: {10}.*\n?)+)/g)].map((m) => (m[1] ?? "").replace(/^ {10}/gm, ""));
    expect(values).toHaveLength(2);
    const k = keyring({ vaultIds: [`prod@${pw.prod}`] });
    expect(await k.decryptText(values[0] ?? "", "inline.yml:1: token")).toBe("s3cret-token-value");
    expect(await k.decryptText(values[1] ?? "", "inline.yml:8: multi")).toBe("line one\nline two\n");
  });

  it("with several ids: each piece of data opens, whichever id its header names or none", async () => {
    const k = keyring({ vaultIds: [`dev@${pw.dev}`, `prod@${pw.prod}`], passwordFiles: [pw.default] });
    expect(await k.decryptText(read("dev.yml"), "dev.yml")).toBe(PLAIN_A);
    expect(await k.decryptText(read("v12.yml"), "v12.yml")).toBe(PLAIN_B);
    expect(await k.decryptText(read("v11.yml"), "v11.yml")).toBe(PLAIN_A);
    // 1.1 data is tried with the default id first, then with the others: prod's password opens it.
    expect(await k.decryptText(read("v11-prod-password.yml"), "x.yml")).toBe(PLAIN_B);
  });

  it("the header's id is a hint, as in ansible-core; ANSIBLE_VAULT_ID_MATCH makes it binding", async () => {
    // prod data, its password given under the default id.
    expect(await keyring({ passwordFiles: [pw.prod] }).decryptText(read("v12.yml"), "v12.yml")).toBe(PLAIN_B);
    const strict = new VaultKeyring(vaultConfig({ passwordFiles: [pw.prod], env: { ANSIBLE_VAULT_ID_MATCH: "yes" } }), () => Promise.reject(new Error("no prompt")));
    const err = await failure(strict.decryptText(read("v12.yml"), "v12.yml"));
    expect(err.message).toBe("v12.yml: is encrypted with ansible-vault (vault id 'prod'), and ANSIBLE_VAULT_ID_MATCH allows only that id's passwords: none was given (ids given: default)");
  });

  it("a wrong password names the data, its vault id and the passwords tried, never the plaintext", async () => {
    const err = await failure(keyring({ vaultIds: [`prod@${pw.wrong}`], passwordFiles: [pw.default] }).decryptText(read("v12.yml"), "group_vars/all/vault.yml"));
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).vaultId).toBe("prod");
    expect(err.message).toBe(
      `group_vars/all/vault.yml: cannot decrypt the ansible-vault data (vault id 'prod') with the vault passwords of prod (--vault-id prod@${pw.wrong}), default (--vault-password-file ${pw.default}): a wrong password, or the data was altered`,
    );
  });

  it("a changed byte fails the HMAC check, as a wrong password does", async () => {
    const k = keyring({ vaultIds: [`prod@${pw.prod}`] });
    const err = await failure(k.decryptText(tamper(read("v12.yml")), "v12.yml"));
    expect(err.message).toMatch(/^v12\.yml: cannot decrypt the ansible-vault data \(vault id 'prod'\) with the vault password of prod .*: a wrong password, or the data was altered$/);
    // An HMAC of the wrong length is the same failure, not a crash of the constant-time compare.
    const short = reshape(read("v12.yml"), ([salt = "", hmac = "", data = ""]) => [salt, hmac.slice(0, -2), data]);
    expect((await failure(k.decryptText(short, "v12.yml"))).message).toMatch(/a wrong password, or the data was altered$/);
  });

  it("a truncated file or a bad header is told as such, before any password is read", async () => {
    // No password source at all: the shape is judged first.
    const k = keyring({});
    const lines = read("v11.yml").trimEnd().split("\n");
    const cases: Array<[string, string]> = [
      [`${lines.slice(0, -1).join("\n")}\n`, "v.yml: not valid ansible-vault data: the ciphertext is"],
      [`${lines.join("\n").slice(0, -1)}\n`, "v.yml: not valid ansible-vault data: the payload has an odd number of hex digits (truncated?)"],
      [`${lines.slice(0, 2).join("\n")}\n`, "v.yml: not valid ansible-vault data: the payload is truncated (it needs a salt, an HMAC and the ciphertext)"],
      ["$ANSIBLE_VAULT;1.1;AES\n6162\n", 'v.yml: ansible-vault cipher "AES" is not supported (only AES256, the one ansible-vault writes)'],
      ["$ANSIBLE_VAULT;1.9;AES256\n6162\n", 'v.yml: ansible-vault format version "1.9" is not supported (1.1 and 1.2 are)'],
      ["$ANSIBLE_VAULT\n6162\n", "v.yml: not valid ansible-vault data: the header must be $ANSIBLE_VAULT;1.1;AES256 or $ANSIBLE_VAULT;1.2;AES256;ID"],
      [`${lines[0]}\n${(lines[1] ?? "").replace(/^../, "zz")}\n`, 'v.yml: not valid ansible-vault data: the payload has a character that is not a hex digit ("z")'],
    ];
    for (const [text, message] of cases) {
      const err = await failure(k.decryptText(text, "v.yml"));
      expect(err).toBeInstanceOf(VaultError);
      expect(err.message.startsWith(message), `${err.message}\n  should start with\n${message}`).toBe(true);
    }
    const none = await failure(k.decryptText(read("v12.yml"), "v12.yml"));
    expect(none.message).toBe(
      "v12.yml: is encrypted with ansible-vault (vault id 'prod'): give --vault-password-file FILE, --vault-id ID@FILE or --ask-vault-pass, or set ANSIBLE_VAULT_PASSWORD_FILE",
    );
  });
});

describe("vault passwords", () => {
  it("are taken in ansible-core's order: ANSIBLE_VAULT_IDENTITY_LIST, --vault-id, --vault-password-file, ANSIBLE_VAULT_PASSWORD_FILE, --ask-vault-pass", () => {
    const c = vaultConfig({
      vaultIds: ["prod@/p", "/plain", "ops@prompt"],
      passwordFiles: ["/f", "stage@/nonexistent-dir/s"],
      askVaultPass: true,
      env: { ANSIBLE_VAULT_IDENTITY_LIST: "a@/a, b@/b", ANSIBLE_VAULT_PASSWORD_FILE: "/e" },
    });
    expect(c.identities.map((i) => `${i.id}:${i.source.kind === "file" ? i.source.path : i.source.question}`)).toEqual([
      "a:/a",
      "b:/b",
      "prod:/p",
      "default:/plain",
      "ops:Vault password (ops): ",
      "default:/f",
      "stage:/nonexistent-dir/s",
      "default:/e",
      "default:Vault password: ",
    ]);
    expect(vaultConfig({ env: { ANSIBLE_VAULT_IDENTITY: "mine" }, passwordFiles: ["/f"] }).identities[0]?.id).toBe("mine");
    // `~` is expanded as ansible-core's unfrackpath does: no shell expands it after `@`.
    const home = vaultConfig({ vaultIds: ["prod@~/.vault_prod"], env: { HOME: "/home/op", ANSIBLE_VAULT_PASSWORD_FILE: "~/.vault_pass" } });
    expect(home.identities.map((i) => (i.source.kind === "file" ? i.source.path : ""))).toEqual(["/home/op/.vault_prod", "/home/op/.vault_pass"]);
  });

  it("--ask-vault-pass asks once, on first need, and strips the answer", async () => {
    const asked: string[] = [];
    const k = keyring({ askVaultPass: true }, (q) => {
      asked.push(q);
      return Promise.resolve("  the default vault password \n");
    });
    expect(asked).toEqual([]);
    expect(await k.decryptText(read("v11.yml"), "v11.yml")).toBe(PLAIN_A);
    expect(await k.decryptText(read("v11.yml"), "v11.yml")).toBe(PLAIN_A);
    expect(asked).toEqual(["Vault password: "]);
  });

  it("an executable file is run and its output is the password; a *-client script is asked for the id", async () => {
    const script = file("vault-pass.sh");
    writeFileSync(script, `#!/bin/sh\nprintf 'prod: a different password\\r\\n'\n`, { mode: 0o755 });
    expect(await keyring({ passwordFiles: [script] }).decryptText(read("v12.yml"), "v12.yml")).toBe(PLAIN_B);

    // ansible-core's contract: `--vault-id ID` in, the password out; exit 2 for an id it does not know.
    const client = file("vault-keys-client.py");
    writeFileSync(
      client,
      [
        "#!/usr/bin/python3",
        "import sys",
        "keys = {'prod': 'prod: a different password', 'dev': 'dev password'}",
        "if sys.argv[1:2] != ['--vault-id'] or sys.argv[2] not in keys:",
        "    sys.stderr.write('unknown vault id %r' % sys.argv[1:])",
        "    sys.exit(2)",
        "print(keys[sys.argv[2]])",
        "",
      ].join("\n"),
      { mode: 0o755 },
    );
    const k = keyring({ vaultIds: [`prod@${client}`, `dev@${client}`] });
    expect(await k.decryptText(read("v12.yml"), "v12.yml")).toBe(PLAIN_B);
    expect(await k.decryptText(read("dev.yml"), "dev.yml")).toBe(PLAIN_A);
    const unknown = await failure(keyring({ vaultIds: [`qa@${client}`] }).decryptText(read("v12.yml"), "v12.yml"));
    expect(unknown.message).toBe(`--vault-id qa@${client}: the vault password client script ${client} has no password for vault id 'qa': unknown vault id ['--vault-id', 'qa']`);

    const failing = file("failing.sh");
    writeFileSync(failing, "#!/bin/sh\nexit 3\n", { mode: 0o755 });
    const err = await failure(keyring({ passwordFiles: [failing] }).decryptText(read("v12.yml"), "v12.yml"));
    expect(err.message).toBe(`--vault-password-file ${failing}: the vault password script ${failing} failed (exit code 3)`);
  });

  it("a plain password file must be private, exist and hold something", async () => {
    const open = passwordFile(dir, "pw-open", "the default vault password");
    chmodSync(open, 0o644);
    const err = await failure(keyring({ passwordFiles: [open] }).decryptText(read("v11.yml"), "v11.yml"));
    expect(err).toBeInstanceOf(SecretsError);
    expect(err.message).toBe(`${open}: the password file is accessible by group or others (mode 0644); refusing to use it: run chmod 600 ${open}`);
    const missing = file("no-such-password");
    expect((await failure(keyring({ passwordFiles: [missing] }).decryptText(read("v11.yml"), "v11.yml"))).message).toBe(
      `--vault-password-file ${missing}: the vault password file ${missing} was not found`,
    );
    const empty = passwordFile(dir, "pw-empty", " ");
    expect((await failure(keyring({ passwordFiles: [empty] }).decryptText(read("v11.yml"), "v11.yml"))).message).toBe(
      `--vault-password-file ${empty}: the vault password in ${empty} is empty`,
    );
  });

  it("a password file may itself be vault data, opened with the passwords given before it", async () => {
    const sealed = file("pw-prod-sealed");
    writeFileSync(sealed, "prod: a different password\n", { mode: 0o600 });
    await vaultEncrypt(dir, [sealed], ["--vault-password-file", pw.default]);
    chmodSync(sealed, 0o600);
    const k = keyring({ vaultIds: [`prod@${sealed}`], passwordFiles: [pw.default] });
    // --vault-id comes before --vault-password-file: the sealed file cannot be opened yet.
    expect((await failure(k.decryptText(read("v12.yml"), "v12.yml"))).message).toBe(
      `${sealed}: the vault password file is itself encrypted with ansible-vault: give the password that opens it first (an earlier --vault-id)`,
    );
    const ordered = keyring({ vaultIds: [`default@${pw.default}`, `prod@${sealed}`] });
    expect(await ordered.decryptText(read("v12.yml"), "v12.yml")).toBe(PLAIN_B);
  });
});
