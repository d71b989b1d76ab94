import type { Facts } from "./gather.js";

/**
 * Facts under the names Ansible's setup module gives them, for templates and roles ported from
 * Ansible (`ansible_default_ipv4.address`, `ansible_hostname`, `hostvars[h].ansible_fqdn`).
 * Both forms exist: `ansible_facts.<name>` and the injected top-level `ansible_<name>`; a `-` in
 * a name becomes `_` (ansible_vb_db1 for the interface vb-db1), as Ansible's fact namespace has
 * it. facts.d's `local` is `ansible_local` in both places, and the setup module's own
 * `gather_subset` and `module_setup` have no prefix, as Ansible keeps them.
 */
const UNPREFIXED = new Set(["ansible_local", "gather_subset", "module_setup"]);

export function factsAsVars(f: Facts): Record<string, unknown> {
  const ansibleFacts: Record<string, unknown> = {};
  for (const [name, value] of [...Object.entries(f.ansible.interfaces), ...Object.entries(f.ansible.facts)]) {
    if (value === undefined) continue;
    ansibleFacts[name === "local" ? "ansible_local" : name.replace(/-/g, "_")] = value;
  }
  const injected = Object.fromEntries(Object.entries(ansibleFacts).map(([k, v]) => [UNPREFIXED.has(k) ? k : `ansible_${k}`, v]));
  return { ansible_facts: ansibleFacts, ...injected };
}
