import { hostsOfGroup, indexInventory } from "./graph.js";
import { ALL, type Inventory } from "./model.js";
import { resolveHostVars } from "./precedence.js";

/**
 * The variables ansible-inventory leaves out of every host's (and group's) vars, set by the
 * inventory or not: they describe the run or the inventory itself, not the host.
 */
export const INTERNAL_VARS: ReadonlySet<string> = new Set([
  "ansible_diff_mode",
  "ansible_config_file",
  "ansible_facts",
  "ansible_forks",
  "ansible_inventory_sources",
  "ansible_limit",
  "ansible_playbook_python",
  "ansible_run_tags",
  "ansible_skip_tags",
  "ansible_verbosity",
  "ansible_version",
  "inventory_dir",
  "inventory_file",
  "inventory_hostname",
  "inventory_hostname_short",
  "groups",
  "group_names",
  "omit",
  "playbook_dir",
]);

/** A host's variables as ansible-inventory shows them: without INTERNAL_VARS. */
export function withoutInternalVars<T>(vars: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(vars).filter(([name]) => !INTERNAL_VARS.has(name)));
}

/**
 * `ansible-inventory --list`'s JSON shape, so tools that read Ansible's output read ours:
 * `{ _meta: { hostvars }, all: { children }, <group>: { hosts, children } }`, empty keys and
 * empty groups left out, hostvars resolved through the inventory layers of the precedence table.
 */
export function inventoryList(inv: Inventory): Record<string, unknown> {
  const index = indexInventory(inv);
  const out: Record<string, unknown> = {};
  const visit = (name: string): void => {
    if (name in out) return;
    const group = index.groups.get(name);
    if (group === undefined) return;
    const entry: Record<string, string[]> = {};
    if (name !== ALL && group.hosts.length > 0) entry["hosts"] = [...group.hosts];
    if (group.children.length > 0) entry["children"] = [...group.children];
    if (Object.keys(entry).length > 0) out[name] = entry;
    for (const child of group.children) visit(child);
  };
  visit(ALL);
  const hostvars = Object.fromEntries(
    hostsOfGroup(inv, ALL)
      .map((host) => [host, withoutInternalVars(resolveHostVars(inv, host).values)] as const)
      .filter(([, vars]) => Object.keys(vars).length > 0),
  );
  return { _meta: { hostvars }, ...out };
}

/** `ansible-inventory --graph`'s tree: `@group:` lines, children before hosts, `  |--` per level. */
export function inventoryGraph(inv: Inventory, root: string = ALL): string {
  const index = indexInventory(inv);
  const lines: string[] = [];
  const line = (text: string, depth: number): void => {
    lines.push(depth === 0 ? text : `${"  |".repeat(depth)}--${text}`);
  };
  const visit = (name: string, depth: number): void => {
    const group = index.groups.get(name);
    if (group === undefined) return;
    line(`@${name}:`, depth);
    for (const child of group.children) visit(child, depth + 1);
    // As Ansible: `all` shows its hosts only through its children (ungrouped among them).
    if (name !== ALL) for (const host of group.hosts) line(host, depth + 1);
  };
  visit(root, 0);
  return lines.join("\n");
}
