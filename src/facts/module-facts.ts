/** A fact's name in `ansible_facts`: an `ansible_` prefix dropped (but for ansible_local), as namespace_facts does. */
function namespaced(name: string): string {
  return name.startsWith("ansible_") && name !== "ansible_local" ? name.slice("ansible_".length) : name;
}

/**
 * Facts a module returned under `ansible_facts` (service_facts' `services`, package_facts'
 * `packages`, getent's `getent_<database>`), laid over the gathered facts as Ansible's fact cache
 * has them: each name replaces the one before it, is read as `ansible_facts.<name>` (an `ansible_`
 * prefix dropped, as namespace_facts does) and is also injected as a top-level variable under its
 * own name (INJECT_FACTS_AS_VARS, Ansible's default).
 */
export function withModuleFacts(gathered: Record<string, unknown>, moduleFacts: Record<string, unknown>): Record<string, unknown> {
  const names = Object.keys(moduleFacts);
  if (names.length === 0) return gathered;
  const base = gathered.ansible_facts;
  const ns: Record<string, unknown> = { ...(typeof base === "object" && base !== null ? (base as Record<string, unknown>) : {}) };
  for (const name of names) ns[namespaced(name)] = moduleFacts[name];
  return { ...gathered, ...moduleFacts, ansible_facts: ns };
}

/**
 * Drops the module facts that facts gathered since replace: in Ansible's fact cache the later
 * write of a name wins, so a fresh gather is not hidden under what a module said before it.
 * `gathered`: the names of the new facts in `ansible_facts`.
 */
export function dropSuperseded(moduleFacts: Record<string, unknown>, gathered: ReadonlySet<string>): void {
  for (const name of Object.keys(moduleFacts)) if (gathered.has(namespaced(name))) delete moduleFacts[name];
}

/** Names the fact-setting modules give: known to the pre-run check of template variables, though set only as the run goes. */
export const MODULE_FACT_NAMES: ReadonlySet<string> = new Set(["services", "packages"]);
