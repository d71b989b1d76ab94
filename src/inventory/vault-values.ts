import { UnsafeText } from "../template/values/unsafe.js";
import { VarsFileError } from "./errors.js";
import type { Inventory } from "./model.js";
import { formatProvenance, type Provenance, type TrackedValue, type TrackedVars } from "./provenance.js";

/**
 * An inline `!vault` value as the YAML reader leaves it: the vault text and where it was written.
 * It never reaches a template or a role: every reader of vars files and inventories passes its
 * variables through decryptVaultValues, which replaces it by its plaintext or fails naming it.
 */
export class VaultText {
  constructor(
    readonly text: string,
    readonly at: Provenance,
  ) {}
}

/** How encrypted variables become plain text. */
export interface Decrypt {
  /** A whole encrypted vars file (do-converge's own format, or ansible-vault's): its YAML. */
  file(text: string, file: string): Promise<string>;
  /** An inline `!vault` value; `where` is `file:line:col: key` for messages. Absent: no vault password, they are an error. */
  value?(vaultText: string, where: string): Promise<string>;
}

const NO_PASSWORD = "an ansible-vault encrypted value (!vault): give --vault-password-file FILE, --vault-id ID@FILE or --ask-vault-pass, or set ANSIBLE_VAULT_PASSWORD_FILE";

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

class Opener {
  private readonly opened = new Map<VaultText, Promise<string>>();
  private readonly seen = new Set<object>();

  constructor(private readonly decrypt: Decrypt | undefined) {}

  private open(v: VaultText, key: string): Promise<string> {
    let plain = this.opened.get(v);
    if (plain === undefined) {
      if (this.decrypt?.value === undefined) return Promise.reject(new VarsFileError(v.at, NO_PASSWORD, key));
      plain = this.decrypt.value(v.text, `${formatProvenance(v.at)}: ${key}`);
      this.opened.set(v, plain);
    }
    return plain;
  }

  /** The value with every VaultText replaced by its plaintext; lists and mappings are changed in place (the reader's own copies). */
  async walk(v: unknown, key: string, unsafe = false): Promise<unknown> {
    if (v instanceof VaultText) return unsafe ? new UnsafeText(await this.open(v, key)) : this.open(v, key);
    if (typeof v !== "object" || v === null || this.seen.has(v)) return v;
    if (Array.isArray(v)) {
      this.seen.add(v);
      for (const [i, item] of v.entries()) v[i] = await this.walk(item, `${key}[${i}]`, unsafe);
    } else if (isPlainObject(v)) {
      this.seen.add(v);
      for (const [k, item] of Object.entries(v)) {
        const plain = await this.walk(item, `${key}.${k}`, unsafe);
        if (plain !== item) Object.defineProperty(v, k, { value: plain, enumerable: true, writable: true, configurable: true });
      }
    }
    return v;
  }
}

/** Whether a VaultText is anywhere in `v` (a cheap synchronous look before the async walk). */
function holdsVaultText(v: unknown, seen: Set<object>): boolean {
  if (v instanceof VaultText) return true;
  if (typeof v !== "object" || v === null || seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) return v.some((item) => holdsVaultText(item, seen));
  return isPlainObject(v) && Object.values(v).some((item) => holdsVaultText(item, seen));
}

/** Whether any of the values holds an inline `!vault` value yet to be decrypted. */
export function containsVaultText(values: Iterable<unknown>): boolean {
  const seen = new Set<object>();
  for (const v of values) if (holdsVaultText(v, seen)) return true;
  return false;
}

/** A copy of the lists and mappings holding VaultText (walk changes them in place). */
function copyShape(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyShape);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copyShape(x)]));
  return v;
}

/**
 * The plain value gets the plaintext; the Python form (what variable evaluation reads) gets it
 * marked unsafe: Ansible never templates an inline vault value (its AnsibleVaultEncryptedUnicode
 * is no str to the Templar), so `!vault` text holding `{{` stays as written.
 */
async function openTracked(opener: Opener, key: string, t: TrackedValue): Promise<TrackedValue> {
  const shape = copyShape(t.exact ?? t.value);
  const value = await opener.walk(t.value, key);
  if (value === t.value && !containsVaultText([shape])) return t;
  return { ...t, value, exact: await opener.walk(shape, key, true) };
}

/**
 * The variables with each inline `!vault` value decrypted, in file order (so a wrong password is
 * told for the first value it fails on). Without `decrypt`, a `!vault` value is an error at its
 * file:line naming its key.
 */
export async function decryptVaultValues(vars: TrackedVars, decrypt: Decrypt | undefined): Promise<TrackedVars> {
  // Nearly every file has none: it is returned as it is, however many variables it holds.
  if (!containsVaultText(Object.values(vars).flatMap((t) => [t.value, t.exact]))) return vars;
  const opener = new Opener(decrypt);
  const out: Array<[string, TrackedValue]> = [];
  for (const [key, t] of Object.entries(vars)) out.push([key, await openTracked(opener, key, t)]);
  return Object.fromEntries(out);
}

/**
 * The merged inventory's hosts and groups with their inline `!vault` values decrypted (a value
 * a later source replaced is never opened, as ansible-core, which decrypts when a value is used).
 */
export async function decryptInventory(inv: Inventory, decrypt: Decrypt | undefined): Promise<Inventory> {
  const hosts = [];
  for (const h of inv.hosts) hosts.push({ ...h, vars: await decryptVaultValues(h.vars, decrypt) });
  const groups = [];
  for (const g of inv.groups) groups.push({ ...g, vars: await decryptVaultValues(g.vars, decrypt) });
  return { ...inv, hosts, groups };
}
