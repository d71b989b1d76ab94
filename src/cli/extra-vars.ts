import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { isMap } from "yaml";
import { decodeText } from "../inventory/read-text.js";
import { deref, mappingKey, parseYamlFile, toTracked, type YamlFile } from "../inventory/yaml-document.js";
import { ConfigError } from "../runner/errors.js";
import { parseKeyValues } from "./parse-kv.js";
import { PASSWORD_FILE_ENV } from "../secrets/keyring.js";
import { isEncrypted } from "../secrets/envelope.js";
import { markUnsafe } from "../template/values/unsafe.js";
import { isVaultText } from "../secrets/vault/format.js";
import { type TrackedVars, varsFromEntries } from "../inventory/provenance.js";
import { type Decrypt, containsVaultText, decryptVaultValues } from "../inventory/vault-values.js";

/** `-e` variables: plain values for everything, and the Python-exact form of the few that differ (see template/values/exact-vars.ts). */
export interface ExtraVars {
  values: Record<string, unknown>;
  exact: Record<string, unknown>;
}

/**
 * `-e` as ansible-playbook takes it: `key=value key2=value2`, a JSON or YAML mapping, or
 * `@file.yml` (encrypted by `do-converge secrets` or ansible-vault too, and with inline
 * `!vault` values, when `decrypt` is given: the run's keyrings, which also mask what they decrypt). Later -e options override earlier ones.
 */
export async function parseExtraVars(items: readonly string[], decrypt?: Decrypt): Promise<Record<string, unknown>> {
  return (await readExtraVars(items, decrypt)).values;
}

/** -e variables with their provenance, each value in its Python form where that differs: as a run's scopes take them. */
export async function readExtraVarsTracked(items: readonly string[], decrypt?: Decrypt): Promise<TrackedVars> {
  const read = await readExtraVars(items, decrypt);
  const provenance = { file: "--extra-vars" };
  return Object.fromEntries(
    Object.entries(read.values).map(([k, value]) => [k, Object.hasOwn(read.exact, k) ? { value, exact: read.exact[k], provenance } : { value, provenance }]),
  );
}

/** parseExtraVars, keeping beside each value read from YAML its Python form when that differs. */
export async function readExtraVars(items: readonly string[], decrypt?: Decrypt): Promise<ExtraVars> {
  // The first -e is taken as read, not copied: it may be a file of 200k variables.
  let out: ExtraVars | undefined;
  for (const item of items) {
    const text = item.trim();
    let parsed: ExtraVars;
    if (text.startsWith("@")) {
      const file = text.slice(1);
      let content = fileText(file, `--extra-vars ${text}`);
      const secret = isEncrypted(content);
      if (secret) {
        if (decrypt === undefined) throw new ConfigError(`--extra-vars ${text}: an encrypted secrets file: give --password-file FILE or set ${PASSWORD_FILE_ENV}`);
        content = await decrypt.file(content, file);
      } else if (isVaultText(content)) {
        if (decrypt === undefined) throw new ConfigError(`--extra-vars ${text}: an ansible-vault encrypted file: give --vault-password-file FILE or set ANSIBLE_VAULT_PASSWORD_FILE`);
        content = await decrypt.file(content, file);
      }
      parsed = await openVaultValues(mappingOf(content, file, extname(file) === ".json" ? "json" : "yaml", `--extra-vars ${text}`, `--extra-vars ${text}: `), decrypt);
      // Secrets are data, never templated (see inventory/vars-file.ts secretVars).
      if (secret) parsed = { values: parsed.values, exact: Object.fromEntries(Object.entries(parsed.values).map(([k, v]) => [k, markUnsafe(parsed.exact[k] ?? v)])) };
    } else if (text.startsWith("{")) {
      // Ansible tries json.loads before YAML: JSON keeps its own number rules (1e3 is a float).
      parsed = await openVaultValues(mappingOf(text, "--extra-vars", isJson(text) ? "json" : "yaml", `--extra-vars ${text}`, "--extra-vars: not a valid mapping: "), decrypt);
    } else {
      // Ansible skips an empty -e; anything else is split as its parse_kv splits it, untrimmed.
      if (item === "") continue;
      const values = parseKeyValues(item);
      parsed = { values, exact: {} };
    }
    if (out === undefined) {
      out = parsed;
      continue;
    }
    for (const k of Object.keys(parsed.values)) {
      put(out.values, k, parsed.values[k]);
      // A later -e replaces the whole variable, its exact form included.
      if (Object.hasOwn(parsed.exact, k)) put(out.exact, k, parsed.exact[k]);
      else delete out.exact[k];
    }
  }
  return out ?? { values: {}, exact: {} };
}

/**
 * The text of an `-e @file`. In a function of its own so that the file's bytes are unreachable
 * once decoded: as a local of readExtraVars they would stay while the text is parsed, 20 MB more
 * at the peak for a 20 MB file.
 */
function fileText(file: string, label: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new ConfigError(`${label}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return decodeText(bytes, file);
}

/** The variables with their inline `!vault` values decrypted (see decryptVaultValues). */
async function openVaultValues(parsed: ExtraVars, decrypt: Decrypt | undefined): Promise<ExtraVars> {
  if (!containsVaultText(Object.values(parsed.values)) && !containsVaultText(Object.values(parsed.exact))) return parsed;
  const tracked = varsFromEntries(
    Object.entries(parsed.values).map(([k, value]) => {
      const provenance = { file: "--extra-vars" };
      return [k, Object.hasOwn(parsed.exact, k) ? { value, exact: parsed.exact[k], provenance } : { value, provenance }];
    }),
  );
  const out: ExtraVars = { values: {}, exact: {} };
  for (const [k, t] of Object.entries(await decryptVaultValues(tracked, decrypt))) {
    put(out.values, k, t.value);
    if (t.exact !== undefined) put(out.exact, k, t.exact);
  }
  return out;
}

/** Sets an own property, so a variable named `__proto__` stays a variable. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A mapping read with the same YAML rules as vars files (PyYAML's YAML 1.1, as Ansible reads -e),
 * so `-e @file.yml` and group_vars/ agree on what `yes`, `0644` and `3.0` are.
 */
function mappingOf(text: string, source: string, dialect: "yaml" | "json", label: string, syntaxPrefix: string): ExtraVars {
  let y: YamlFile;
  try {
    y = parseYamlFile(text, source, dialect);
  } catch (err) {
    throw new ConfigError(`${syntaxPrefix}${err instanceof Error ? err.message : String(err)}`);
  }
  const root = y.doc.contents;
  if (!isMap(root)) throw new ConfigError(`${label}: must be a mapping of variables`);
  // Pair by pair, not through mappingEntries: an -e variable is said to be set "in --extra-vars",
  // so the position each entry would hold (200k of them for a big file) is never used. Every key
  // is checked before any value is read, as there.
  for (const pair of root.items) mappingKey(y, pair, "(top level)");
  const out: ExtraVars = { values: {}, exact: {} };
  for (const pair of root.items) {
    const key = mappingKey(y, pair, "(top level)");
    const t = toTracked(y, deref(y, pair.value));
    put(out.values, key, t.value);
    if (t.exact !== undefined) put(out.exact, key, t.exact);
  }
  return out;
}
