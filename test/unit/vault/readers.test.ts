import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { secretsOfDecrypted } from "../../../src/cli/run-secrets-input.js";
import { SecretMasker } from "../../../src/secrets/masker.js";
import { readExtraVars } from "../../../src/cli/extra-vars.js";
import { VarsFileError } from "../../../src/inventory/errors.js";
import { readVarsFile } from "../../../src/inventory/vars-file.js";
import type { Decrypt } from "../../../src/inventory/vault-values.js";
import { VaultError } from "../../../src/secrets/vault/errors.js";
import { vaultConfig } from "../../../src/secrets/vault/identities.js";
import { VaultKeyring } from "../../../src/secrets/vault/keyring.js";
import { tempTree } from "../inventory/helpers.js";
import { scratchDir } from "../safety/cli-helpers.js";
import { passwordFile, vaultEncrypt, vaultEncryptString } from "./ansible.js";
import { loadInventoryFile } from "../../../src/inventory/source-factory.js";
import { InventorySyntaxError } from "../../../src/inventory/errors.js";
import { writeFileSync } from "node:fs";

// Inline `!vault` values wherever a vars file or `-e` can hold one: nested in mappings and lists,
// behind YAML aliases, beside Python-exact numbers; a failure names the value's file:line:col and
// its key path.

const dir = scratchDir("vault-readers");
let vault = "";
let pw = "";

function decrypter(password: string): Decrypt {
  const k = new VaultKeyring(vaultConfig({ passwordFiles: [password], env: {} }), () => Promise.reject(new Error("no prompt")));
  return { file: (t, f) => k.decryptText(t, f), value: (t, w) => k.decryptText(t, w) };
}

beforeAll(async () => {
  pw = passwordFile(dir, "pw", "readers password");
  const out = await vaultEncryptString(dir, [["v", "inner secret"]], ["--vault-password-file", pw]);
  vault = (/!vault \|\n((?: {10}.*\n?)+)/.exec(out)?.[1] ?? "").replace(/^ {10}/gm, "").trimEnd();
}, 60_000);

const indented = (n: number) => vault.split("\n").map((l) => `${" ".repeat(n)}${l}`).join("\n");

describe("inline !vault values in vars files and -e", () => {
  it("are decrypted nested in mappings and lists, through aliases, beside exact numbers", async () => {
    const text = [
      "ratio: 3.0",
      "db:",
      "  user: wp",
      `  password: &pw !vault |\n${indented(4)}`,
      "  again: *pw",
      "hosts:",
      "  - plain",
      `  - !vault |\n${indented(4)}`,
      "",
    ].join("\n");
    const root = await tempTree({ "vars.yml": text });
    const vars = await readVarsFile(join(root, "vars.yml"), decrypter(pw));
    expect(vars["db"]?.value).toEqual({ user: "wp", password: "inner secret", again: "inner secret" });
    expect(vars["hosts"]?.value).toEqual(["plain", "inner secret"]);
    expect(vars["db"]?.provenance).toEqual({ file: join(root, "vars.yml"), line: 2 });
    const extra = await readExtraVars([`@${join(root, "vars.yml")}`, "{tag: 1.0}"], decrypter(pw));
    expect(extra.values["db"]).toEqual({ user: "wp", password: "inner secret", again: "inner secret" });
    expect(extra.values["hosts"]).toEqual(["plain", "inner secret"]);
  });

  it("a failure names the value's file:line:col and key path; without a decrypter it is a vars-file error", async () => {
    const root = await tempTree({ "vars.yml": `db:\n  list:\n    - ok\n    - !vault |\n${indented(6)}\n` });
    const wrong = passwordFile(dir, "pw-wrong", "not it");
    const err = await readVarsFile(join(root, "vars.yml"), decrypter(wrong)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect((err as Error).message).toBe(
      `${join(root, "vars.yml")}:4:14: db.list[1]: cannot decrypt the ansible-vault data with the vault password of default (--vault-password-file ${wrong}): a wrong password, or the data was altered`,
    );
    const none = await readVarsFile(join(root, "vars.yml")).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(VarsFileError);
    expect((none as Error).message).toMatch(new RegExp(`^${join(root, "vars.yml")}:4:14: db\\.list\\[1\\]: an ansible-vault encrypted value \\(!vault\\)`));
  });
});

describe("!vault on something else than a string", () => {
  it("is an error at its place, as in ansible-core (the yaml package would drop the tag)", async () => {
    const root = await tempTree({ "map.yml": "a: !vault {x: 1}\n", "seq.yml": "a: !vault\n  - 1\n", "num.yml": "a: !vault 123\n" });
    const error = (f: string) => readVarsFile(join(root, f), decrypter(pw)).catch((e: unknown) => e as Error);
    expect((await error("map.yml")).message).toBe(`${join(root, "map.yml")}:1:11: !vault tags a string (what ansible-vault encrypt_string prints), found a mapping`);
    expect((await error("seq.yml")).message).toBe(`${join(root, "seq.yml")}:2:3: !vault tags a string (what ansible-vault encrypt_string prints), found a sequence`);
    expect((await error("num.yml")).message).toMatch(/num\.yml:1:11: a: not valid ansible-vault data: the header must be/);
  });
});

describe("an inventory file encrypted whole with ansible-vault", () => {
  it("is refused by name at its first line (read as INI it would be a bad host name)", async () => {
    const file = join(dir, "hosts.yml");
    writeFileSync(file, "all:\n  hosts:\n    web1:\n");
    await vaultEncrypt(dir, [file], ["--vault-password-file", pw]);
    const err = await loadInventoryFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventorySyntaxError);
    expect((err as Error).message).toBe(
      `${file}:1:1: an inventory encrypted with ansible-vault is not read: keep the inventory plain and encrypt its secrets (a vault file in group_vars/ or host_vars/, or !vault values)`,
    );
  });
});

describe("the strings of a decrypted file join the masker", () => {
  it("quietly: a tag the masker's YAML reading does not know (!unsafe) prints no warning quoting the line", () => {
    const warn = vi.spyOn(process, "emitWarning");
    const masker = new SecretMasker();
    secretsOfDecrypted(masker, "api_key: !unsafe s3cret-{{ value }}\n");
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(masker.mask("key=s3cret-{{ value }}")).toBe("key=********");
  });
});
