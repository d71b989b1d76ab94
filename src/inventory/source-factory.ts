import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { dirname, extname, resolve } from "node:path";
import { isMap } from "yaml";
import { loadDigitalOceanInventory } from "./digitalocean-source.js";
import type { DynamicSourceOptions } from "./dynamic-options.js";
import { InventoryError, InventoryShapeError, InventorySyntaxError } from "./errors.js";
import { isHostList, parseHostList } from "./host-list.js";
import { parseIniInventory } from "./ini-source.js";
import { NO_KNOWN_NAMES, type KnownNames } from "./known-names.js";
import { iniValue } from "./ini-value.js";
import { listInventoryDir } from "./inventory-dir.js";
import { readInventoryText } from "./read-text.js";
import type { InventoryFragment, InventorySource } from "./model.js";
import { loadTerraformConfig, loadTerraformState } from "./terraform-source.js";
import { parseYamlInventory, parseYamlInventoryDocument } from "./yaml-source.js";
import { isVaultText } from "../secrets/vault/format.js";
import { mappingEntries, parseYamlFile, toValue, type YamlFile } from "./yaml-document.js";

/** The inventory plugins a YAML file can name with `plugin:`. */
export const PLUGINS = {
  digitalocean: loadDigitalOceanInventory,
  terraform: (path: string, text: string) => loadTerraformConfig(path, text),
} as const satisfies Record<string, (path: string, text: string, o: DynamicSourceOptions) => Promise<InventoryFragment>>;

// Ansible's yaml plugin takes files with these extensions or none; others go to the ini plugin.
const YAML_EXTENSIONS = ["", ".yml", ".yaml", ".json"];

/**
 * The source for an `-i` value, as Ansible's inventory plugins each claim what they understand:
 * a comma-separated host list, a directory of sources, a Terraform state (`*.tfstate`, or JSON
 * that says `terraform_version`), a YAML file whose top-level `plugin:` names a plugin, a static
 * YAML inventory, or an INI inventory.
 */
export function inventorySource(path: string, options: DynamicSourceOptions = {}): InventorySource {
  return { name: path, load: (known) => loadInventoryPath(path, options, known) };
}

/**
 * An `-i` value as a path relative to `base`, except a comma-separated host list (not a path that
 * exists), which stays as written.
 */
export function resolveInventoryArg(arg: string, base: string = process.cwd()): string {
  const path = resolve(base, arg);
  return isHostList(arg, existsSync(path)) ? arg : path;
}

async function loadInventoryPath(path: string, options: DynamicSourceOptions, known: KnownNames = NO_KNOWN_NAMES): Promise<InventoryFragment | InventoryFragment[]> {
  const kind = await pathKind(path);
  if (kind === "missing" && isHostList(path, false)) return parseHostList(path, known);
  if (kind === "directory") return loadInventoryDir(path, options, known);
  return loadInventoryFile(path, options, known);
}

async function pathKind(path: string): Promise<"missing" | "directory" | "other"> {
  try {
    return (await stat(path)).isDirectory() ? "directory" : "other";
  } catch {
    return "missing";
  }
}

/**
 * Every source in a directory, in Ansible's order, each seeing the names the ones before it
 * declared. The directory's own group_vars/ and host_vars/ apply (not those of sub-directories,
 * as in Ansible), through a first fragment that holds nothing else.
 */
async function loadInventoryDir(dir: string, options: DynamicSourceOptions, known: KnownNames): Promise<InventoryFragment[]> {
  const listing = await listInventoryDir(dir);
  // Ansible fails such a source too ("Unable to parse ... as an inventory source").
  if (listing.files.length === 0) throw new InventorySyntaxError({ file: dir }, "no inventory source in this directory (only ignored or hidden files)");
  const fragments: InventoryFragment[] = [{ source: dir, hosts: [], groups: [], varsDir: dir, warnings: listing.warnings }];
  const groups = new Set(known.groups);
  const hosts = new Set(known.hosts);
  for (const file of listing.files) {
    const { varsDir: _ignored, ...fragment } = await loadInventoryFile(file, options, { groups, hosts });
    for (const g of fragment.groups) groups.add(g.name);
    for (const h of fragment.hosts) hosts.add(h.name);
    fragments.push(fragment);
  }
  return fragments;
}

export async function loadInventoryFile(path: string, options: DynamicSourceOptions = {}, known: KnownNames = NO_KNOWN_NAMES): Promise<InventoryFragment> {
  // Ansible's unfrackpath(follow=False): absolute and normalised, symlinks kept.
  const file = resolve(path);
  return { ...(await loadInventoryFileContent(path, options, known)), origin: { file, dir: dirname(file) } };
}

async function loadInventoryFileContent(path: string, options: DynamicSourceOptions, known: KnownNames): Promise<InventoryFragment> {
  const text = await readInventoryText(path);
  // Read as INI, vault text would only give a puzzling "not a valid host name" at line 1.
  if (isVaultText(text)) {
    throw new InventorySyntaxError(
      { file: path, line: 1, column: 1 },
      "an inventory encrypted with ansible-vault is not read: keep the inventory plain and encrypt its secrets (a vault file in group_vars/ or host_vars/, or !vault values)",
    );
  }
  if (isTerraformState(path, text)) return loadTerraformState(path, text);
  const plugin = pluginOf(path, text);
  if (plugin !== undefined) return PLUGINS[plugin](path, text, options);
  return { ...staticInventory(path, text, known), varsDir: dirname(path) };
}

/**
 * A static inventory, YAML or INI, tried in Ansible's plugin order: YAML first when the extension
 * allows it, INI when that is not a YAML mapping. When both fail, the error shown is the one of
 * the format the file looks like (an INI `[section]` line decides).
 */
function staticInventory(path: string, text: string, known: KnownNames): InventoryFragment {
  if (!YAML_EXTENSIONS.includes(extname(path))) return parseIniInventory(text, path, iniValue, known);
  let yaml: YamlFile | undefined;
  let yamlError: InventoryError | undefined;
  try {
    yaml = parseYamlFile(text, path);
  } catch (err) {
    if (!(err instanceof InventoryError)) throw err;
    yamlError = err;
  }
  // A YAML mapping is a YAML inventory, its errors its own; an empty file is neither format.
  if (yaml !== undefined && isMap(yaml.doc.contents)) return parseYamlInventoryDocument(yaml, known);
  if (!hasContent(text)) return parseYamlInventory(text, path);
  try {
    return parseIniInventory(text, path, iniValue, known);
  } catch (err) {
    if (yamlError === undefined || looksLikeIni(text)) throw err;
    throw yamlError;
  }
}

function hasContent(text: string): boolean {
  return text.split(/\r?\n/).some((l) => !/^\s*([#;].*)?$/.test(l));
}

function looksLikeIni(text: string): boolean {
  return /^\s*\[[^\]]+\]\s*([#;].*)?$/m.test(text);
}

function isTerraformState(path: string, text: string): boolean {
  if (/\.tfstate(\.backup)?$/.test(path)) return true;
  return /^\s*\{/.test(text) && /"terraform_version"\s*:/.test(text.slice(0, 4096));
}

/** The plugin a YAML file names, undefined for a static inventory; an unknown name is an error at its line. */
function pluginOf(path: string, text: string): keyof typeof PLUGINS | undefined {
  // Cheap test first: a static inventory is parsed (and its errors reported) by its own parser.
  if (!/^plugin\s*:/m.test(text)) return undefined;
  const y = parseYamlFile(text, path);
  const root = y.doc.contents;
  if (!isMap(root)) return undefined;
  const entry = mappingEntries(y, root, "(top level)").find((e) => e.key === "plugin");
  if (entry === undefined) return undefined;
  const value = toValue(y, entry.value);
  if (isPlugin(value)) return value;
  throw new InventoryShapeError(entry.at, `unknown inventory plugin ${JSON.stringify(value)}; known: ${Object.keys(PLUGINS).join(", ")}`, "plugin");
}

function isPlugin(value: unknown): value is keyof typeof PLUGINS {
  return typeof value === "string" && Object.hasOwn(PLUGINS, value);
}
