import { dirname } from "node:path";
import { isMap } from "yaml";
import { loadDigitalOceanInventory } from "./digitalocean-source.js";
import type { DynamicSourceOptions } from "./dynamic-options.js";
import { InventoryShapeError } from "./errors.js";
import { readInventoryText } from "./read-text.js";
import type { InventoryFragment, InventorySource } from "./model.js";
import { loadTerraformConfig, loadTerraformState } from "./terraform-source.js";
import { parseYamlInventory } from "./yaml-source.js";
import { mappingEntries, parseYamlFile, toValue } from "./yaml-document.js";

/** The inventory plugins a YAML file can name with `plugin:`. */
export const PLUGINS = {
  digitalocean: loadDigitalOceanInventory,
  terraform: (path: string, text: string) => loadTerraformConfig(path, text),
} as const satisfies Record<string, (path: string, text: string, o: DynamicSourceOptions) => Promise<InventoryFragment>>;

/**
 * The source for an `-i` path, decided by what the file holds, as Ansible's inventory plugins
 * each claim the files they understand: a Terraform state (`*.tfstate`, or JSON that says
 * `terraform_version`), a YAML file whose top-level `plugin:` names a plugin, or else a static
 * Ansible-shaped YAML inventory.
 */
export function inventorySource(path: string, options: DynamicSourceOptions = {}): InventorySource {
  return { name: path, load: () => loadInventoryFile(path, options) };
}

export async function loadInventoryFile(path: string, options: DynamicSourceOptions = {}): Promise<InventoryFragment> {
  const text = await readInventoryText(path);
  if (isTerraformState(path, text)) return loadTerraformState(path, text);
  const plugin = pluginOf(path, text);
  if (plugin === undefined) return { ...parseYamlInventory(text, path), varsDir: dirname(path) };
  return PLUGINS[plugin](path, text, options);
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
