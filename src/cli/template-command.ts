import { basename, dirname, resolve } from "node:path";
import { loadInventory } from "../inventory/load.js";
import { magicVars } from "../inventory/magic.js";
import { resolveHostVarsTracked } from "../inventory/precedence.js";
import { readVarsFile } from "../inventory/vars-file.js";
import { inventorySource } from "../inventory/source-factory.js";
import { ConfigError } from "../runner/errors.js";
import { createTemplateEngine } from "../template/index.js";
import { dataVars, hostvarsMapping, scopeVars } from "../vars/build.js";
import { EvaluationStack, type ScopeVar, VarScope } from "../vars/scope.js";

export interface TemplateRenderOptions {
  vars?: string[];
  inventory?: string[];
  host?: string;
}

/**
 * `do-converge template render`: prints a template's rendering. With an inventory and a host,
 * the host's variables, `groups`, `group_names` and `hostvars` are those a converge would see
 * (facts are not gathered: no host is contacted); --vars files are laid on top, in order. A
 * variable whose value is a template is evaluated where the template uses it, as Ansible does.
 */
export async function renderTemplateCommand(template: string, o: TemplateRenderOptions): Promise<string> {
  const path = resolve(template);
  const engine = createTemplateEngine({ searchPaths: [dirname(path)] });
  const stack = new EvaluationStack();
  let vars: [string, ScopeVar][] = [];
  if (o.inventory?.length) {
    if (!o.host) throw new ConfigError("template render: --host NAME is needed with an inventory");
    const inv = await loadInventory({ sources: o.inventory.map((i) => inventorySource(resolve(i))) });
    const scopes = new Map<string, VarScope>();
    const scopeOf = (host: string): VarScope => {
      let scope = scopes.get(host);
      if (scope === undefined) {
        // Ansible's hostvars hold a host's inventory variables, not the play's or task's (--vars here).
        scope = new VarScope(new Map([...scopeVars(resolveHostVarsTracked(inv, host)), ...dataVars({ ...magicVars(inv, host), hostvars })]), { templater: engine }, stack);
        scopes.set(host, scope);
      }
      return scope;
    };
    const hostvars = hostvarsMapping(
      inv.hosts.map((h) => h.name),
      scopeOf,
    );
    vars = [...scopeVars(resolveHostVarsTracked(inv, o.host)), ...dataVars({ ...magicVars(inv, o.host), hostvars })];
  } else if (o.host) {
    throw new ConfigError("template render: --host needs an inventory (-i)");
  }
  for (const file of o.vars ?? []) vars.push(...scopeVars(await readVarsFile(file)));
  const scope = new VarScope(new Map(vars), { templater: engine }, stack);
  return engine.renderFile(basename(path), scope.templateContext());
}
