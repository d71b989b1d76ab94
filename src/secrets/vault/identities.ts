import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Where one vault password comes from, and the vault id it answers to. `named` is true when the
 * operator wrote the id (`--vault-id prod@file`): only then is a `*-client` script told which id
 * it is asked for, as ansible-core does. `given` is how it was given, for messages.
 */
export interface VaultIdentity {
  readonly id: string;
  readonly named: boolean;
  readonly source: { readonly kind: "file"; readonly path: string } | { readonly kind: "prompt"; readonly question: string };
  readonly given: string;
}

/** The vault options of a command, as ansible-playbook takes them. */
export interface VaultOptions {
  /** --vault-id [ID@]SOURCE, SOURCE a password file, a script or `prompt` (repeatable). */
  readonly vaultIds?: readonly string[] | undefined;
  /** --vault-password-file FILE (repeatable). */
  readonly passwordFiles?: readonly string[] | undefined;
  /** --ask-vault-pass */
  readonly askVaultPass?: boolean | undefined;
  readonly env?: NodeJS.ProcessEnv | undefined;
}

export interface VaultConfig {
  readonly identities: readonly VaultIdentity[];
  /** ANSIBLE_VAULT_ID_MATCH: data whose header names an id is tried with that id's passwords only. */
  readonly idMatch: boolean;
  /** The id of data whose header names none (format 1.1), and of passwords given without one. */
  readonly defaultId: string;
}

// ansible-core's boolean(): what it reads as true in its configuration.
const TRUE = new Set(["y", "yes", "on", "1", "true", "t"]);

/**
 * ansible-core expands `~` in every password file's path (unfrackpath), so `--vault-id
 * prod@~/.vault_prod` works although no shell expands a `~` after `@`.
 */
function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (path !== "~" && !path.startsWith("~/")) return path;
  return join(env["HOME"] || homedir(), path.slice(1));
}

/** ansible-core's split_vault_id: `prod@file` is (prod, file); `file` has no id. */
function splitVaultId(value: string): [string | undefined, string] {
  const at = value.indexOf("@");
  return at < 0 ? [undefined, value] : [value.slice(0, at), value.slice(at + 1)];
}

/**
 * The vault passwords a command has, in ansible-core's order (cli/__init__.py setup_vault_secrets):
 * ANSIBLE_VAULT_IDENTITY_LIST, then each --vault-id, then each --vault-password-file and
 * ANSIBLE_VAULT_PASSWORD_FILE (under the default id), then --ask-vault-pass. ansible.cfg is not read.
 */
export function vaultConfig(o: VaultOptions): VaultConfig {
  const env = o.env ?? {};
  const defaultId = env["ANSIBLE_VAULT_IDENTITY"]?.trim() || "default";
  const identities: VaultIdentity[] = [];
  const fromVaultId = (value: string, given: string) => {
    const [name, source] = splitVaultId(value);
    const id = name || defaultId;
    if (source === "prompt" || source === "prompt_ask_vault_pass") {
      identities.push({ id, named: Boolean(name), source: { kind: "prompt", question: source === "prompt" ? `Vault password (${id}): ` : "Vault password: " }, given });
    } else {
      identities.push({ id, named: Boolean(name), source: { kind: "file", path: expandHome(source, env) }, given });
    }
  };
  const list = (env["ANSIBLE_VAULT_IDENTITY_LIST"] ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (const v of list) fromVaultId(v, `ANSIBLE_VAULT_IDENTITY_LIST ${v}`);
  for (const v of o.vaultIds ?? []) fromVaultId(v, `--vault-id ${v}`);
  const files = [...(o.passwordFiles ?? []).map((f) => ({ f, given: `--vault-password-file ${f}` }))];
  const envFile = env["ANSIBLE_VAULT_PASSWORD_FILE"];
  if (envFile) files.push({ f: envFile, given: `ANSIBLE_VAULT_PASSWORD_FILE=${envFile}` });
  for (const { f, given } of files) {
    // `id@file` is --vault-id's form; taken here too, unless a file has that very name.
    const [name, path] = existsSync(f) ? [undefined, f] : splitVaultId(f);
    identities.push({ id: name || defaultId, named: Boolean(name), source: { kind: "file", path: expandHome(path, env) }, given });
  }
  if (o.askVaultPass) identities.push({ id: defaultId, named: false, source: { kind: "prompt", question: "Vault password: " }, given: "--ask-vault-pass" });
  return { identities, idMatch: TRUE.has((env["ANSIBLE_VAULT_ID_MATCH"] ?? "").trim().toLowerCase()), defaultId };
}
