import { basename, dirname, resolve } from "node:path";
import { loadInventory } from "../inventory/load.js";
import { standaloneMagicVars } from "../runner/magic-vars.js";
import { magicVars } from "../inventory/magic.js";
import { resolveHostVarsTracked } from "../inventory/precedence.js";
import { readVarsFile } from "../inventory/vars-file.js";
import { inventorySource, resolveInventoryArg } from "../inventory/source-factory.js";
import { ConfigError } from "../runner/errors.js";
import type { TrackedVars } from "../inventory/provenance.js";
import type { Vars } from "../site/host.js";
import { cachedFactVars } from "../facts/fact-cache.js";
import { SecretMasker } from "../secrets/masker.js";
import { createTemplateEngine } from "../template/index.js";
import { dataVars, hostvarsMapping, scopeVars } from "../vars/build.js";
import { EvaluationStack, type ScopeVar, VarScope } from "../vars/scope.js";
import { cliDecrypt } from "./decrypt.js";
import { readExtraVarsTracked } from "./extra-vars.js";
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
function hostLayer(values: TrackedVars, facts: Vars, magic: Vars, extra: TrackedVars): [string, ScopeVar][] {
  return [...scopeVars(values), ...dataVars({ ansible_facts: {}, ...facts, ...magic }), ...scopeVars(extra)];
}

/**
 * `do-converge template render`: prints a template's rendering. With an inventory and a host,
 * the host's variables, `groups`, `group_names` and `hostvars` are those a converge would see
 * (facts are not gathered: no host is contacted; --facts-cache gives cached ones); --vars files
 * are laid on top, in order, as a template task's vars are (not seen through hostvars); -e extra
 * vars above all, on every host. A variable whose value is a template is evaluated where the
 * template uses it, as Ansible does. Encrypted variables (ansible-vault, do-converge's own
 * secrets) are decrypted, and their values masked in the rendering, as everywhere else output
 * reaches.
 */
export async function renderTemplateCommand(template: string, o: TemplateRenderOptions): Promise<string> {
  const path = resolve(template);
  const engine = createTemplateEngine({ searchPaths: [dirname(path)] });
  const stack = new EvaluationStack();
  const masker = new SecretMasker();
  const decrypt = cliDecrypt(o, masker);
  const extra = await readExtraVarsTracked(o.extraVars ?? [], decrypt);
  const factsOf = (host: string): Vars => (o.factsCache === undefined ? {} : cachedFactVars(o.factsCache, host));
  // The run's own variables that need no play: a rendering is neither check nor diff mode.
  const runOwn = standaloneMagicVars();
  let vars: [string, ScopeVar][] = hostLayer({}, factsOf("localhost"), runOwn, extra);
  if (o.inventory?.length) {
    if (!o.host) throw new ConfigError("template render: --host NAME is needed with an inventory");
    const inv = await loadInventory({ sources: o.inventory.map((i) => inventorySource(resolveInventoryArg(i))), decrypt });
    const scopes = new Map<string, VarScope>();
    const layerOf = (host: string): [string, ScopeVar][] =>
      hostLayer(resolveHostVarsTracked(inv, host), factsOf(host), { ...runOwn, ...magicVars(inv, host), hostvars }, extra);
    const scopeOf = (host: string): VarScope => {
      let scope = scopes.get(host);
      if (scope === undefined) {
        // Ansible's hostvars hold a host's inventory variables, facts and extra vars, not the task's (--vars here).
        scope = new VarScope(new Map(layerOf(host)), { templater: engine }, stack);
        scopes.set(host, scope);
      }
      return scope;
    };
    const hostvars = hostvarsMapping(
      inv.hosts.map((h) => h.name),
      scopeOf,
    );
    vars = layerOf(o.host);
  } else if (o.host) {
    throw new ConfigError("template render: --host needs an inventory (-i)");
  }
  for (const file of o.vars ?? []) vars.push(...scopeVars(await readVarsFile(file, decrypt)));
  // Extra vars outrank --vars files too, as Ansible's outrank task vars.
  vars.push(...scopeVars(extra));
  const scope = new VarScope(new Map(vars), { templater: engine }, stack);
  return masker.mask(engine.renderFile(basename(path), scope.templateContext()));
}
