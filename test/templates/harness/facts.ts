import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

// The host facts of the real-role differential test: one `ansible -m setup` result (its
// ansible_facts object, keys as the setup module returns them) handed to both tools. Ansible reads
// it from its jsonfile fact cache, so the facts are facts there (injected as ansible_* variables,
// namespaced under ansible_facts, present in hostvars); do-converge's `template render` reads the
// same cache directory (--facts-cache).

export const Facts = z.record(z.string(), z.unknown());
export type Facts = z.infer<typeof Facts>;

export function loadFacts(file: string): Facts {
  return Facts.parse(JSON.parse(readFileSync(file, "utf8")));
}

/** Ansible's jsonfile fact cache: a file per host holding its facts, read by both tools (`template render --facts-cache`). */
export function writeFactCache(dir: string, hosts: Readonly<Record<string, Facts>>): void {
  mkdirSync(dir, { recursive: true });
  for (const [host, f] of Object.entries(hosts)) writeFileSync(join(dir, host), JSON.stringify(f));
}

/** A YAML inventory (JSON is YAML) of the hosts, without variables: their facts come from the cache. */
export function hostsInventory(hosts: readonly string[]): string {
  return `${JSON.stringify({ all: { hosts: Object.fromEntries(hosts.map((h) => [h, null])) } }, null, 2)}\n`;
}
