import { mergeInventories } from "./merge.js";
import type { Inventory, InventoryFragment, InventorySource } from "./model.js";
import { attachVarsDirs } from "./vars-dirs.js";
import { decryptInventory } from "./vault-values.js";
import type { Decrypt } from "./vars-file.js";

export interface LoadInventoryOptions {
  readonly sources: readonly InventorySource[];
  /**
   * Directories whose group_vars/ and host_vars/ apply after the sources' own (typically the
   * directory of site.ts), as Ansible lets playbook-adjacent vars override inventory-adjacent.
   */
  readonly siteDirs?: readonly string[];
  /** Decrypts encrypted group_vars/host_vars files and inline `!vault` values; without it they are an error. */
  readonly decrypt?: Decrypt;
}

/**
 * Loads every source, merges them, and attaches group_vars/ and host_vars/: the whole inventory.
 * Sources load one after another, as in Ansible, each knowing the names declared before it.
 */
export async function loadInventory(options: LoadInventoryOptions): Promise<Inventory> {
  const fragments: InventoryFragment[] = [];
  const groups = new Set<string>();
  const hosts = new Set<string>();
  for (const source of options.sources) {
    const loaded = await source.load({ groups, hosts });
    for (const fragment of Array.isArray(loaded) ? loaded : [loaded]) {
      for (const g of fragment.groups) groups.add(g.name);
      for (const h of fragment.hosts) hosts.add(h.name);
      fragments.push(fragment);
    }
  }
  const merged = mergeInventories(fragments);
  const dirs = [...fragments.flatMap((f) => (f.varsDir === undefined ? [] : [f.varsDir])), ...(options.siteDirs ?? [])];
  return attachVarsDirs(await decryptInventory(merged, options.decrypt), dirs, options.decrypt);
}
