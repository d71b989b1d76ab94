import type { Group, HostDecl, Inventory } from "./model.js";
import { ALL } from "./model.js";

/** Lookups over a merged inventory, built once per inventory object (inventories are not mutated). */
export interface InventoryIndex {
  readonly hosts: ReadonlyMap<string, HostDecl>;
  readonly groups: ReadonlyMap<string, Group>;
  /** group → groups that list it in `children` */
  readonly parents: ReadonlyMap<string, readonly string[]>;
  /** host → groups that list it in `hosts` */
  readonly directGroups: ReadonlyMap<string, readonly string[]>;
  /** group → its hosts and its descendants' hosts, memoized by hostsOfGroup */
  readonly hostsOfGroupCache: Map<string, readonly string[]>;
}

const indexes = new WeakMap<Inventory, InventoryIndex>();

export function indexInventory(inv: Inventory): InventoryIndex {
  const known = indexes.get(inv);
  if (known !== undefined) return known;
  const parents = new Map<string, string[]>();
  const directGroups = new Map<string, string[]>();
  for (const g of inv.groups) {
    for (const child of g.children) pushTo(parents, child, g.name);
    for (const host of g.hosts) pushTo(directGroups, host, g.name);
  }
  const index: InventoryIndex = {
    hosts: new Map(inv.hosts.map((h) => [h.name, h])),
    groups: new Map(inv.groups.map((g) => [g.name, g])),
    parents,
    directGroups,
    hostsOfGroupCache: new Map(),
  };
  indexes.set(inv, index);
  return index;
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

/**
 * The hosts of a group: its own, then its descendants' level by level, children in declaration
 * order, each host once. This is Ansible's order (Group.get_hosts walks descendants breadth-first),
 * made deterministic below the first level where Ansible iterates a set.
 */
export function hostsOfGroup(inv: Inventory, group: string): readonly string[] {
  const index = indexInventory(inv);
  const cached = index.hostsOfGroupCache.get(group);
  if (cached !== undefined) return cached;
  const seenGroups = new Set<string>([group]);
  const seenHosts = new Set<string>();
  const out: string[] = [];
  let level = [group];
  while (level.length > 0) {
    const next: string[] = [];
    for (const name of level) {
      const g = index.groups.get(name);
      if (g === undefined) continue;
      for (const host of g.hosts) {
        if (!seenHosts.has(host)) {
          seenHosts.add(host);
          out.push(host);
        }
      }
      for (const child of g.children) {
        if (!seenGroups.has(child)) {
          seenGroups.add(child);
          next.push(child);
        }
      }
    }
    level = next;
  }
  index.hostsOfGroupCache.set(group, out);
  return out;
}

/** Every group a host belongs to, directly or through a descendant group; always includes `all`. */
export function groupsOfHost(inv: Inventory, host: string): readonly string[] {
  const index = indexInventory(inv);
  const found = new Set<string>();
  const queue = [...(index.directGroups.get(host) ?? [])];
  while (queue.length > 0) {
    const g = queue.shift();
    if (g === undefined || found.has(g)) continue;
    found.add(g);
    queue.push(...(index.parents.get(g) ?? []));
  }
  found.add(ALL);
  return inv.groups.map((g) => g.name).filter((name) => found.has(name));
}

/**
 * A cycle in a `children` graph, as a path that starts and ends with the same group, or
 * undefined. Depth-first, in map order, so the reported cycle is stable across runs.
 */
export function findCycle(children: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const done = new Set<string>();
  const onPath: string[] = [];
  const visit = (name: string): string[] | undefined => {
    const at = onPath.indexOf(name);
    if (at >= 0) return [...onPath.slice(at), name];
    if (done.has(name)) return undefined;
    onPath.push(name);
    for (const child of children.get(name) ?? []) {
      const cycle = visit(child);
      if (cycle !== undefined) return cycle;
    }
    onPath.pop();
    done.add(name);
    return undefined;
  };
  for (const name of children.keys()) {
    const cycle = visit(name);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** Longest path length from `root` to every reachable group; the graph must be acyclic. */
export function longestDepths(root: string, children: ReadonlyMap<string, readonly string[]>): Map<string, number> {
  const depth = new Map<string, number>();
  const order: string[] = [];
  const seen = new Set<string>();
  // Topological order by post-order DFS, then relax edges in reverse post-order.
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const child of children.get(name) ?? []) visit(child);
    order.push(name);
  };
  visit(root);
  depth.set(root, 0);
  for (const name of order.reverse()) {
    const d = depth.get(name) ?? 0;
    for (const child of children.get(name) ?? []) depth.set(child, Math.max(depth.get(child) ?? 0, d + 1));
  }
  return depth;
}
