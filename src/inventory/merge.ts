import { z } from "zod";
import { GroupCycleError, InventorySourceError } from "./errors.js";
import { findCycle, longestDepths } from "./graph.js";
import {
  ALL,
  InventoryFragmentSchema,
  UNGROUPED,
  type GroupDecl,
  type HostDecl,
  type Inventory,
  type InventoryFragment,
  type InventoryWarning,
} from "./model.js";
import { overlayVars, type Provenance, type TrackedVars } from "./provenance.js";

/**
 * Merges the fragments of several sources into one inventory, later sources winning: a host or
 * group seen twice keeps one entry whose vars are overlaid key by key and whose hosts and
 * children are the union (first-seen order). Then applies Ansible's reconciliation: every group
 * without a parent becomes a child of `all`, and hosts in no group but `all` go to `ungrouped`.
 */
export function mergeInventories(fragments: readonly InventoryFragment[]): Inventory {
  const hosts = new Map<string, HostDecl>();
  const groups = new Map<string, GroupDecl>([
    // As in Ansible, `ungrouped` is the first child of `all` from the start.
    [ALL, { ...emptyGroup(ALL), children: [UNGROUPED] }],
    [UNGROUPED, emptyGroup(UNGROUPED)],
  ]);
  const warnings: InventoryWarning[] = [];

  for (const raw of fragments) {
    const fragment = validated(raw);
    warnings.push(...fragment.warnings);
    for (const h of fragment.hosts) {
      const known = hosts.get(h.name);
      hosts.set(h.name, known === undefined ? { ...h, vars: overlayVars(originVars(fragment), h.vars) } : { ...known, vars: overlayVars(known.vars, h.vars) });
    }
    for (const g of fragment.groups) groups.set(g.name, mergeGroup(groups.get(g.name), g));
  }

  attachOrphansToAll(groups);
  const cycle = findCycle(new Map([...groups].map(([name, g]) => [name, g.children])));
  if (cycle !== undefined) {
    // Sources may each hold one edge of the loop, so name where every group in it was declared.
    const declarations = new Map<string, Provenance>();
    for (const name of cycle) {
      const at = groups.get(name)?.declaredAt;
      if (at !== undefined) declarations.set(name, at);
    }
    throw new GroupCycleError(cycle, undefined, declarations);
  }
  placeUngroupedHosts(groups, hosts);

  const depths = longestDepths(ALL, new Map([...groups].map(([name, g]) => [name, g.children])));
  for (const name of groups.keys()) {
    if (hosts.has(name)) warnings.push({ message: `'${name}' is both a group and a host; patterns will pick the host` });
  }
  return {
    sources: fragments.map((f) => f.source),
    hosts: [...hosts.values()],
    groups: [...groups.values()].map((g) => ({ ...g, depth: depths.get(g.name) ?? 0 })),
    varsDirs: [],
    warnings,
  };
}

/**
 * inventory_file / inventory_dir of a host the fragment names first: host variables set before
 * the source's own (Ansible sets them when it adds the host), so the source, host_vars/ and
 * everything above override them.
 */
function originVars(fragment: InventoryFragment): TrackedVars {
  if (fragment.origin === undefined) return {};
  const provenance = { file: fragment.source };
  return { inventory_file: { value: fragment.origin.file, provenance }, inventory_dir: { value: fragment.origin.dir, provenance } };
}

function emptyGroup(name: string): GroupDecl {
  return { name, hosts: [], children: [], vars: {} };
}

function mergeGroup(known: GroupDecl | undefined, g: GroupDecl): GroupDecl {
  if (known === undefined) return { ...g, hosts: [...g.hosts], children: [...g.children] };
  const priority = g.priority ?? known.priority;
  const declaredAt = known.declaredAt ?? g.declaredAt;
  return {
    name: g.name,
    hosts: union(known.hosts, g.hosts),
    children: union(known.children, g.children),
    vars: overlayVars(known.vars, g.vars),
    ...(priority === undefined ? {} : { priority }),
    ...(declaredAt === undefined ? {} : { declaredAt }),
  };
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Schema and cross-reference checks: a third-party source's bug should not surface as a crash later. */
function validated(raw: InventoryFragment): InventoryFragment {
  const parsed = InventoryFragmentSchema.safeParse(raw);
  const name = typeof raw.source === "string" && raw.source !== "" ? raw.source : "(unnamed source)";
  if (!parsed.success) throw new InventorySourceError(name, z.prettifyError(parsed.error));
  const fragment = parsed.data;
  const hostNames = new Set(fragment.hosts.map((h) => h.name));
  const groupNames = new Set([ALL, UNGROUPED, ...fragment.groups.map((g) => g.name)]);
  for (const g of fragment.groups) {
    const host = g.hosts.find((h) => !hostNames.has(h));
    if (host !== undefined) {
      throw new InventorySourceError(name, `group '${g.name}' lists host '${host}', which the source does not declare`);
    }
    const child = g.children.find((c) => !groupNames.has(c));
    if (child !== undefined) {
      throw new InventorySourceError(name, `group '${g.name}' lists child group '${child}', which the source does not declare`);
    }
  }
  return fragment;
}

function attachOrphansToAll(groups: Map<string, GroupDecl>): void {
  const hasParent = new Set<string>();
  for (const g of groups.values()) for (const child of g.children) hasParent.add(child);
  const all = groups.get(ALL);
  if (all === undefined) return;
  const orphans = [...groups.keys()].filter((name) => name !== ALL && !hasParent.has(name));
  groups.set(ALL, { ...all, children: union(all.children, orphans) });
}

/**
 * Ansible's rule: a host whose only group is `all` is also in `ungrouped`, and a host listed
 * under `ungrouped` that also has a real group is taken out of `ungrouped`.
 */
function placeUngroupedHosts(groups: Map<string, GroupDecl>, hosts: ReadonlyMap<string, HostDecl>): void {
  const grouped = new Set<string>();
  for (const g of groups.values()) {
    if (g.name !== ALL && g.name !== UNGROUPED) for (const h of g.hosts) grouped.add(h);
  }
  const ungrouped = groups.get(UNGROUPED);
  if (ungrouped === undefined) return;
  const kept = ungrouped.hosts.filter((h) => !grouped.has(h));
  const added = [...hosts.keys()].filter((h) => !grouped.has(h));
  groups.set(UNGROUPED, { ...ungrouped, hosts: union(kept, added) });
}
