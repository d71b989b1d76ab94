import { isIP } from "node:net";
import { InvalidHostNameError } from "./errors.js";
import { parseHostKey } from "./host-names.js";
import { UNGROUPED, type InventoryFragment } from "./model.js";
import type { KnownNames } from "./known-names.js";
import type { TrackedVars } from "./provenance.js";

/**
 * Ansible's `host_list` plugin: an `-i` value that is not a path and holds a comma, such as
 * `-i web1,web2:2222,` — each name (with an optional port) an ungrouped host. Ranges are not
 * expanded there in Ansible either, so `[1:3]` is refused.
 */
export function isHostList(source: string, exists: boolean): boolean {
  return !exists && source.includes(",");
}

export function parseHostList(source: string, known: KnownNames): InventoryFragment {
  const names: string[] = [];
  const hosts: InventoryFragment["hosts"] = [];
  const at = { file: source };
  for (const raw of source.split(",")) {
    const item = raw.trim();
    if (item === "") continue;
    const parsed = parseHostKey(item);
    if (!parsed.ok) throw new InvalidHostNameError(at, parsed.problem, item);
    const name = parsed.names[0];
    if (parsed.names.length !== 1 || name === undefined || (item.includes("[") && isIP(name) !== 6)) {
      throw new InvalidHostNameError(at, "host ranges are not expanded in a comma-separated host list", item);
    }
    // Ansible adds a listed name only once, and not at all when an earlier source has it.
    if (names.includes(name) || known.hosts.has(name)) continue;
    names.push(name);
    const vars: TrackedVars = parsed.port === undefined ? {} : { ansible_port: { value: parsed.port, provenance: at } };
    hosts.push({ name, vars, declaredAt: at });
  }
  return { source, hosts, groups: [{ name: UNGROUPED, hosts: names, children: [], vars: {} }], origin: { file: source, dir: "None" }, warnings: [] };
}
