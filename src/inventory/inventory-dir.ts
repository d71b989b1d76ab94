import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { InventorySyntaxError } from "./errors.js";
import type { InventoryWarning } from "./model.js";

// What ansible-core skips in an inventory directory: dotfiles and the vars directories always
// (inventory/manager.py's IGNORED_ALWAYS), and its default INVENTORY_IGNORE_EXTS, which is
// REJECT_EXTS plus .orig, .ini, .cfg and .retry. Yes, `.ini` files are skipped in a directory.
const IGNORED_NAMES = /^\.|^host_vars$|^group_vars$|^vars_plugins$/;
const IGNORED_EXTS = [".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".ini", ".cfg", ".retry"];

/** The inventory files of a directory, in the order Ansible parses them, and what it skipped. */
export interface InventoryDirListing {
  readonly files: string[];
  readonly warnings: InventoryWarning[];
}

/**
 * Lists an inventory directory as ansible-core's InventoryManager walks it: entries sorted by
 * their bytes, ignored names skipped, sub-directories walked in place (depth first). A skipped
 * file with an ignored extension gets a warning, since a `hosts.ini` in an inventory directory
 * being skipped surprises people (Ansible skips it silently).
 */
export async function listInventoryDir(dir: string): Promise<InventoryDirListing> {
  const files: string[] = [];
  const warnings: InventoryWarning[] = [];
  await walk(dir, files, warnings);
  return { files, warnings };
}

async function walk(dir: string, files: string[], warnings: InventoryWarning[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new InventorySyntaxError({ file: dir }, `cannot list inventory directory: ${err instanceof Error ? err.message : String(err)}`);
  }
  entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const e of entries) {
    if (IGNORED_NAMES.test(e.name)) continue;
    const path = join(dir, e.name);
    const ext = IGNORED_EXTS.find((x) => e.name.endsWith(x));
    if (ext !== undefined) {
      warnings.push({ message: `skipped, as Ansible skips '*${ext}' files in an inventory directory`, location: { file: path } });
      continue;
    }
    if (await isDirectory(path, e)) await walk(path, files, warnings);
    else files.push(path);
  }
}

/** Follows symlinks, as os.path.isdir does. */
async function isDirectory(path: string, e: Dirent): Promise<boolean> {
  if (!e.isSymbolicLink()) return e.isDirectory();
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
