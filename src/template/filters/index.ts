import { ansibleExtraFilters } from "./ansible-extra.js";
import { defaultFilters } from "./defaults.js";
import { dictFilters } from "./dicts.js";
import { encodingFilters } from "./encoding.js";
import { hashingFilters } from "./hashing.js";
import { higherOrderFilters } from "./higher-order.js";
import { jsonFilters } from "./json.js";
import { listFilters } from "./lists.js";
import { markupFilters } from "./markup.js";
import { networkFilters } from "./network.js";
import { pathFilters } from "./paths.js";
import { randomFilters } from "./random.js";
import { regexFilters } from "./regex.js";
import type { FilterTable } from "./registry.js";
import { sizeFilters } from "./size.js";
import { stringFilters } from "./strings.js";
import { typeFilters } from "./types.js";
import { yamlFilters } from "./yaml.js";

function withBuiltinNames(table: FilterTable): FilterTable {
  const out: Record<string, FilterTable[string]> = {};
  for (const [name, def] of Object.entries(table)) {
    out[name] = def;
    if (!name.includes(".")) out[`ansible.builtin.${name}`] = def;
  }
  return out;
}

/** Every filter a template may use; Ansible's also under their `ansible.builtin.` names. */
export const allFilters: FilterTable = withBuiltinNames({
  ...defaultFilters,
  ...typeFilters,
  ...stringFilters,
  ...markupFilters,
  ...listFilters,
  ...higherOrderFilters,
  ...dictFilters,
  ...jsonFilters,
  ...yamlFilters,
  ...encodingFilters,
  ...hashingFilters,
  ...regexFilters,
  ...pathFilters,
  ...sizeFilters,
  ...randomFilters,
  ...networkFilters,
  ...ansibleExtraFilters,
});
