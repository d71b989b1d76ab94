import { basename, dirname, resolve } from "node:path";
import { loadInventory } from "../inventory/load.js";
import { magicVars } from "../inventory/magic.js";
import { resolveHostVars } from "../inventory/precedence.js";
import { readVarsFile } from "../inventory/vars-file.js";
import { inventorySource, resolveInventoryArg } from "../inventory/source-factory.js";
import { ConfigError } from "../runner/errors.js";
import type { Vars } from "../site/host.js";
import { cachedFactVars } from "../facts/fact-cache.js";
import { SecretMasker } from "../secrets/masker.js";
import { createTemplateEngine, withExactValues } from "../template/index.js";
import { cliDecrypt } from "./decrypt.js";
import { parseExtraVars } from "./extra-vars.js";
import type { VaultCliOptions } from "./vault-options.js";

export interface TemplateRenderOptions extends VaultCliOptions {
  vars?: string[];
  /** As a converge's -e: above everything, and on every host (so in hostvars too). */
  extraVars?: string[];
  inventory?: string[];
  host?: string;
  /** An Ansible jsonfile fact cache directory: each host's facts, as if gathered. */
  factsCache?: string;
  passwordFile?: string;
}

/**
 * Every host has `ansible_facts`, as in Ansible, where it is the host's fact cache ({} when no
 * facts were gathered) and replaces an inventory variable of that name; facts rank above
 * inventory variables, extra vars above all.
 */
function hostLayer(values: Vars, facts: Vars, magic: Vars, extra: Vars): Vars {
  return { ...values, ansible_facts: {}, ...facts, ...magic, ...extra };
}

/**
 * `do-converge template render`: prints a template's rendering. With an inventory and a host,
 * the host's variables, `groups`, `group_names` and `hostvars` are those a converge would see
 * (facts are not gathered: no host is contacted; --facts-cache gives cached ones); --vars files are laid on top, in order, as a
 * template task's vars are (not seen through hostvars); -e extra vars above all, on every host.
 * Encrypted variables (ansible-vault, do-converge's own secrets) are decrypted, and their values
 * masked in the rendering, as everywhere else output reaches.
 */
export async function renderTemplateCommand(template: string, o: TemplateRenderOptions): Promise<string> {
  const masker = new SecretMasker();
  const decrypt = cliDecrypt(o, masker);
  const extra: Vars = await parseExtraVars(o.extraVars ?? [], decrypt);
  const factsOf = (host: string): Vars => (o.factsCache === undefined ? {} : cachedFactVars(o.factsCache, host));
  let vars: Vars = hostLayer({}, factsOf("localhost"), {}, extra);
  if (o.inventory?.length) {
    if (!o.host) throw new ConfigError("template render: --host NAME is needed with an inventory");
    const inv = await loadInventory({ sources: o.inventory.map((i) => inventorySource(resolveInventoryArg(i))), decrypt });
    const hostvars: Vars = {};
    for (const h of inv.hosts) {
      Object.defineProperty(hostvars, h.name, {
        enumerable: true,
        get: () => {
          const resolved = resolveHostVars(inv, h.name);
          return hostLayer(withExactValues(resolved.values, resolved.exact), factsOf(h.name), magicVars(inv, h.name), extra);
        },
      });
    }
    const resolved = resolveHostVars(inv, o.host);
    vars = { ...hostLayer(withExactValues(resolved.values, resolved.exact), factsOf(o.host), magicVars(inv, o.host), extra), hostvars };
  } else if (o.host) {
    throw new ConfigError("template render: --host needs an inventory (-i)");
  }
  for (const file of o.vars ?? []) {
    const tracked = await readVarsFile(file, decrypt);
    // A template sees a vars file's numbers as Python would: 3.0 a float, big ints exact.
    vars = { ...vars, ...Object.fromEntries(Object.entries(tracked).map(([k, v]) => [k, v.exact ?? v.value])) };
  }
  // Extra vars outrank --vars files too, as Ansible's outrank task vars.
  vars = { ...vars, ...extra };
  const path = resolve(template);
  return masker.mask(createTemplateEngine({ searchPaths: [dirname(path)] }).renderFile(basename(path), vars));
}
