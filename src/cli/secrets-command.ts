import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { writeFileAtomic } from "../control-node/write-file.js";
import { isEncrypted } from "../secrets/envelope.js";
import { SecretsError } from "../secrets/errors.js";
import { fillSecrets, siteSecretSlots } from "../secrets/generate.js";
import type { SecretsKeyring } from "../secrets/keyring.js";
import { loadSite } from "./load-site.js";

export interface SecretsGenerateOptions {
  file?: string;
}

/** Where a site keeps its secrets unless told otherwise: beside its inventory, for every host. */
export function defaultSecretsFile(siteFile: string): string {
  return join(dirname(resolve(siteFile)), "inventory", "group_vars", "all", "secrets.yml");
}

const HEADER = `# Secrets of this site, made by \`do-converge secrets generate\`: keep this file out of version
# control, or encrypted (do-converge secrets encrypt), mode 0600. Values here are never replaced.
`;

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new SecretsError(file, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A secrets file's YAML must be a mapping: checked before anything is encrypted or written. */
function parseMapping(text: string, file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new SecretsError(file, `not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new SecretsError(file, "must be a mapping of variable names to values");
  return doc as Record<string, unknown>;
}

/**
 * `secrets generate`: every secret() variable of the site's roles that the file lacks gets a
 * fresh random value; existing values stay. An encrypted file stays encrypted; a new file is
 * encrypted when a password file is given. Reports names, never values.
 */
export async function secretsGenerateCommand(siteFile: string, opts: SecretsGenerateOptions, keyring?: SecretsKeyring): Promise<string> {
  const site = await loadSite(siteFile);
  const file = resolve(opts.file ?? defaultSecretsFile(siteFile));
  const exists = existsSync(file);
  const raw = exists ? readText(file) : "";
  const encrypted = isEncrypted(raw);
  if (encrypted && keyring === undefined) throw new SecretsError(file, "is encrypted: give --password-file FILE");
  const text = encrypted && keyring ? await keyring.decrypt(raw, file) : raw;
  const { values, added, unset } = fillSecrets(file, parseMapping(text, file), siteSecretSlots(site));
  // Secrets only their issuer can make (API tokens) may also come from group_vars or -e.
  const todo = unset.length > 0 ? `${file}: set by hand (here, in other group_vars, or with -e): ${unset.join(", ")}\n` : "";
  if (added.length > 0) {
    const plain = HEADER + stringify(values);
    const seal = keyring !== undefined && (encrypted || (!exists && keyring.hasPasswordFile));
    writeFileAtomic(file, seal ? await keyring.encrypt(plain, file) : plain, 0o600);
    return `${file}: generated ${added.join(", ")}${seal ? " (encrypted)" : ""}\n${todo}`;
  }
  // Nothing to add; still never leave secrets readable by others.
  if (exists && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return `${file}: every generated secret of the site is already set\n${todo}`;
}

/** `secrets encrypt FILE`: in place, 0600. The YAML is checked first: garbage is not sealed. */
export async function secretsEncryptCommand(file: string, keyring: SecretsKeyring): Promise<string> {
  const text = readText(file);
  if (isEncrypted(text)) throw new SecretsError(file, "is already encrypted");
  parseMapping(text, file);
  writeFileAtomic(file, await keyring.encrypt(text, file), 0o600);
  return `${file}: encrypted\n`;
}

/** `secrets decrypt FILE`: in place, 0600 (the plain text is as secret as the ciphertext was). */
export async function secretsDecryptCommand(file: string, keyring: SecretsKeyring): Promise<string> {
  const text = readText(file);
  if (!isEncrypted(text)) throw new SecretsError(file, "is not encrypted");
  writeFileAtomic(file, await keyring.decrypt(text, file), 0o600);
  return `${file}: decrypted\n`;
}

/** `secrets rekey FILE`: decrypt with the old password, encrypt with the new one (fresh salt). */
export async function secretsRekeyCommand(file: string, from: SecretsKeyring, to: SecretsKeyring): Promise<string> {
  const text = readText(file);
  if (!isEncrypted(text)) throw new SecretsError(file, "is not encrypted");
  const plain = await from.decrypt(text, file);
  writeFileAtomic(file, await to.encrypt(plain, file), 0o600);
  return `${file}: rekeyed\n`;
}

/**
 * `secrets edit FILE`: the plain text in a private 0700 temporary directory, $VISUAL/$EDITOR on
 * it, then sealed again if it changed and still parses; the temporary copy is always removed.
 * A new FILE starts empty and is created encrypted.
 */
export async function secretsEditCommand(file: string, keyring: SecretsKeyring, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const exists = existsSync(file);
  const raw = exists ? readText(file) : "";
  if (exists && !isEncrypted(raw)) throw new SecretsError(file, "is not encrypted: encrypt it first (secrets encrypt), or edit it as it is");
  const before = exists ? await keyring.decrypt(raw, file) : "";
  const dir = mkdtempSync(join(tmpdir(), "dcv-secrets-"));
  const tmp = join(dir, basename(file));
  try {
    writeFileSync(tmp, before, { mode: 0o600 });
    const editor = env["VISUAL"] || env["EDITOR"] || "vi";
    // Through the shell, as git does, so EDITOR="code --wait" works.
    const r = spawnSync("/bin/sh", ["-c", `${editor} "$1"`, "editor", tmp], { stdio: "inherit" });
    if (r.status !== 0) throw new SecretsError(file, `the editor (${editor}) exited with ${r.status ?? r.signal}; nothing changed`);
    const after = readFileSync(tmp, "utf8");
    if (after === before) return `${file}: unchanged\n`;
    parseMapping(after, file);
    writeFileAtomic(file, await keyring.encrypt(after, file), 0o600);
    return `${file}: ${exists ? "saved" : "created"} (encrypted)\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
