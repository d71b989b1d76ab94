import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { extname, join, resolve } from "node:path";
import { VarsFileError } from "./errors.js";
import type { Inventory, InventoryWarning, VarsDirLayer } from "./model.js";
import { overlayVars, type TrackedVars } from "./provenance.js";
import { type Decrypt, readVarsFile } from "./vars-file.js";

// Ansible's YAML_FILENAME_EXTENSIONS; a name with no extension is also a vars file.
const VARS_EXTENSIONS = [".yml", ".yaml", ".json"];

type Kind = "group_vars" | "host_vars";

/**
 * Returns the inventory with the group_vars/ and host_vars/ of each directory attached, in the
 * order given: later directories win (pass the inventory directories first, then the site's).
 * A directory named twice is read once, at its first position.
 */
export async function attachVarsDirs(inv: Inventory, dirs: readonly string[], decrypt?: Decrypt): Promise<Inventory> {
  const seen = new Set<string>();
  const layers: VarsDirLayer[] = [];
  const warnings: InventoryWarning[] = [];
  const groups = inv.groups.map((g) => g.name);
  const hosts = inv.hosts.map((h) => h.name);
  for (const dir of dirs) {
    if (seen.has(resolve(dir))) continue;
    seen.add(resolve(dir));
    const g = await loadKind(dir, "group_vars", groups, warnings, decrypt);
    const h = await loadKind(dir, "host_vars", hosts, warnings, decrypt);
    layers.push({ dir, groups: g, hosts: h });
  }
  return { ...inv, varsDirs: [...inv.varsDirs, ...layers], warnings: [...inv.warnings, ...warnings] };
}

/**
 * Loads `<dir>/<kind>/` for the given group or host names. For a name N, exactly one of `N`,
 * `N.yml`, `N.yaml`, `N.json` may exist (Ansible silently reads only the first; two is an
 * error here), and it may be a folder of vars files merged in lexical order.
 */
async function loadKind(
  dir: string,
  kind: Kind,
  names: readonly string[],
  warnings: InventoryWarning[],
  decrypt: Decrypt | undefined,
): Promise<Record<string, TrackedVars>> {
  const base = join(dir, kind);
  const entries = await listDir(base);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const used = new Set<string>();
  const out = new Map<string, TrackedVars>();
  for (const name of names) {
    const candidates = ["", ...VARS_EXTENSIONS].map((ext) => `${name}${ext}`).filter((f) => byName.has(f));
    const [first, second] = candidates;
    if (first === undefined) continue;
    if (second !== undefined) {
      throw new VarsFileError(
        { file: join(base, second) },
        `${candidates.map((c) => join(base, c)).join(" and ")} both hold vars for '${name}'; keep one`,
      );
    }
    used.add(first);
    const entry = byName.get(first);
    const folder = entry !== undefined && (await isDirectory(base, entry));
    const files = folder ? await filesIn(join(base, first), warnings) : [join(base, first)];
    // The first file's variables are taken as read, not copied: one file may hold 200k of them.
    let vars: TrackedVars = {};
    for (const [i, file] of files.entries()) {
      const read = await readVarsFile(file, decrypt);
      vars = i === 0 ? read : overlayVars(vars, read);
    }
    if (kind === "group_vars" && "ansible_group_priority" in vars) {
      warnings.push({
        message: "ansible_group_priority is only honoured in the inventory, not in group_vars files; here it is an ordinary variable",
        location: vars["ansible_group_priority"]?.provenance,
      });
    }
    out.set(name, vars);
  }
  for (const e of entries) {
    if (used.has(e.name)) continue;
    const what = kind === "group_vars" ? "group" : "host";
    warnings.push({ message: `no ${what} in the inventory matches this file; it is ignored`, location: { file: join(base, e.name) } });
  }
  return Object.fromEntries(out);
}

/** Follows symlinks, which are common for vars shared between environments. */
async function isDirectory(parent: string, e: Dirent): Promise<boolean> {
  if (!e.isSymbolicLink()) return e.isDirectory();
  try {
    return (await stat(join(parent, e.name))).isDirectory();
  } catch {
    return false;
  }
}

/** Visible entries, skipping dotfiles and editor backups (`name~`) as Ansible does. */
async function listDir(path: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((e) => !e.name.startsWith(".") && !e.name.endsWith("~"));
  } catch (err) {
    // No group_vars/ beside an inventory is the common case, not an error.
    if (err instanceof Error && "code" in err && (err.code === "ENOENT" || err.code === "ENOTDIR")) return [];
    throw new VarsFileError({ file: path }, `cannot list directory: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A `group_vars/db/` folder: vars files in lexical order, sub-folders (without an extension) recursed into in place. */
async function filesIn(folder: string, warnings: InventoryWarning[]): Promise<string[]> {
  const entries = (await listDir(folder)).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const e of entries) {
    const ext = extname(e.name);
    const path = join(folder, e.name);
    const dir = await isDirectory(folder, e);
    if (dir && ext === "") files.push(...(await filesIn(path, warnings)));
    else if (!dir && (ext === "" || VARS_EXTENSIONS.includes(ext))) files.push(path);
    else warnings.push({ message: "not a vars file (.yml, .yaml, .json or no extension); it is ignored", location: { file: path } });
  }
  return files;
}
