import { readFileSync } from "node:fs";
import { z } from "zod";

// The host facts of the real-role differential test: one `ansible -m setup` result (its
// ansible_facts object, keys as the setup module returns them) handed to both tools. Ansible reads
// it from its jsonfile fact cache, so the facts are facts there (injected as ansible_* variables,
// namespaced under ansible_facts, present in hostvars); do-converge gets the same two forms as the
// host's inventory variables, which is how a template sees them in a converge.

export const Facts = z.record(z.string(), z.unknown());
export type Facts = z.infer<typeof Facts>;

export function loadFacts(file: string): Facts {
  return Facts.parse(JSON.parse(readFileSync(file, "utf8")));
}

/** The facts as Ansible's template sees them: every fact at top level, and ansible_facts without the prefix. */
export function setupFactsAsVars(facts: Facts): Record<string, unknown> {
  // As ansible.vars.clean.namespace_facts: "ansible_" is stripped inside ansible_facts (but for
  // ansible_local), other keys kept.
  const namespaced = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.startsWith("ansible_") && k !== "ansible_local" ? k.slice("ansible_".length) : k, v]));
  return { ...facts, ansible_facts: namespaced };
}

/** A YAML inventory (JSON is YAML) of the hosts, each with its facts as its variables. */
export function factsInventory(hosts: Readonly<Record<string, Facts>>): string {
  const vars = Object.fromEntries(Object.entries(hosts).map(([h, f]) => [h, setupFactsAsVars(f)]));
  return `${JSON.stringify({ all: { hosts: vars } }, null, 2)}\n`;
}
