import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../runner/errors.js";

// Ansible's jsonfile fact cache (fact_caching = jsonfile): one file per host, named by the host,
// holding the facts as the setup module returned them (`ansible_hostname`, …). `template render
// --facts-cache DIR` reads the same directory, so a template renders with the facts Ansible
// cached — and the differential tests hand both tools the very same facts.

const CachedFacts = z.record(z.string(), z.unknown());

/**
 * The variables the cached facts of `host` give a template, as Ansible's VariableManager does:
 * `ansible_facts` with the `ansible_` prefix stripped (but for ansible_local: namespace_facts),
 * and every fact also at top level (inject_facts_as_vars, on by default). No file: no facts, and
 * `ansible_facts` is empty, as for a host whose facts were never gathered.
 */
export function cachedFactVars(dir: string, host: string): Record<string, unknown> {
  const file = join(dir, host);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { ansible_facts: {} };
    throw new ConfigError(`${file}: cannot read the fact cache: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${file}: not a JSON fact cache file: ${(e as Error).message}`);
  }
  const parsed = CachedFacts.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${file}: a fact cache file holds one JSON object of facts`);
  const facts = parsed.data;
  const namespaced = Object.fromEntries(
    Object.entries(facts).map(([k, v]) => [k.startsWith("ansible_") && k !== "ansible_local" ? k.slice("ansible_".length) : k, v]),
  );
  return { ...facts, ansible_facts: namespaced };
}
