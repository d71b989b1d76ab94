import { z } from "zod";
import { UnknownHostError } from "./errors.js";
import { cloneExact } from "../template/values/exact-vars.js";
import { groupsOfHost, indexInventory } from "./graph.js";
import { ALL, type Group, type Inventory } from "./model.js";
import { ProvenanceSchema, TrackedVarsSchema, type TrackedValue, type TrackedVars } from "./provenance.js";

/*
 * Variable precedence: the one place it is decided. Lowest first; each layer replaces the
 * top-level keys set below it, whole (Ansible's default hash_behaviour=replace: no deep merge).
 *
 * | # | layer               | where it comes from                                              |
 * |---|---------------------|------------------------------------------------------------------|
 * | 1 | role defaults       | roles' defaults, handed in by the runner                         |
 * | 2 | inventory all       | `all: vars:` in the inventory sources                            |
 * | 3 | inventory groups    | `<group>: vars:` in the inventory sources, in group order        |
 * | 4 | group_vars/all      | `group_vars/all*` of each vars dir, in dir order                 |
 * | 5 | group_vars/<group>  | `group_vars/<group>*` of each vars dir in dir order, and within  |
 * |   |                     | a dir in group order                                             |
 * | 6 | inventory host      | the host's own vars in the inventory sources                     |
 * | 7 | host_vars/<host>    | `host_vars/<host>*` of each vars dir, in dir order               |
 * | 8 | play vars           | the play's vars, handed in by the runner                         |
 * | 9 | extra vars          | `--extra-vars`                                                   |
 *
 * Group order is Ansible's sort_groups: by depth (longest `children` path from `all`), so parents
 * come before children and a child's value wins; then by `ansible_group_priority` (default 1,
 * higher wins); then by name, so among equals the alphabetically last group wins.
 *
 * Rows 3 and 4 are in Ansible's order (its default VARIABLE_PRECEDENCE puts every inventory-file
 * group var below any group_vars/ file, `all` included), so an inventory migrated from Ansible
 * resolves to the same values. Dir order: inventory dirs first, then the site's directory, as
 * Ansible puts playbook-adjacent group_vars/ above inventory-adjacent ones.
 */
export const VAR_LAYERS = [
  "role defaults",
  "inventory all",
  "inventory groups",
  "group_vars/all",
  "group_vars/<group>",
  "inventory host",
  "host_vars/<host>",
  "play vars",
  "extra vars",
] as const;
export const VarLayerSchema = z.enum(VAR_LAYERS);
export type VarLayer = z.infer<typeof VarLayerSchema>;

/** The layers that do not come from the inventory, each optional. */
export const RunVarsSchema = z.object({
  roleDefaults: TrackedVarsSchema.optional(),
  playVars: TrackedVarsSchema.optional(),
  extraVars: TrackedVarsSchema.optional(),
});
export type RunVars = z.infer<typeof RunVarsSchema>;

/** A host's variables with, per top-level key, where the winning value was set and by which layer. */
export const ResolvedVarsSchema = z.object({
  values: z.record(z.string(), z.unknown()),
  provenance: z.record(z.string(), ProvenanceSchema),
  layers: z.record(z.string(), VarLayerSchema),
  /** The winners that have a Python-exact form (`ratio: 3.0`), in that form: for templates only. */
  exact: z.record(z.string(), z.unknown()).optional(),
});
export type ResolvedVars = z.infer<typeof ResolvedVarsSchema>;

const DEFAULT_GROUP_PRIORITY = 1;

/** Groups in the order their variables apply (Ansible's sort_groups). */
export function sortGroups(groups: readonly Group[]): Group[] {
  return [...groups].sort(
    (a, b) =>
      a.depth - b.depth ||
      (a.priority?.value ?? DEFAULT_GROUP_PRIORITY) - (b.priority?.value ?? DEFAULT_GROUP_PRIORITY) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

/** The layers of the table above for one host, lowest first. */
function layersOf(inv: Inventory, host: string, run: RunVars): Array<[VarLayer, TrackedVars | undefined]> {
  const index = indexInventory(inv);
  const decl = index.hosts.get(host);
  if (decl === undefined) throw new UnknownHostError(host);
  const groups = sortGroups(
    groupsOfHost(inv, host)
      .filter((name) => name !== ALL)
      .map((name) => index.groups.get(name))
      .filter((g): g is Group => g !== undefined),
  );

  return [
    ["role defaults", run.roleDefaults],
    ["inventory all", index.groups.get(ALL)?.vars],
    ...groups.map((g): [VarLayer, TrackedVars] => ["inventory groups", g.vars]),
    ...inv.varsDirs.map((d): [VarLayer, TrackedVars | undefined] => ["group_vars/all", d.groups[ALL]]),
    ...inv.varsDirs.flatMap((d) => groups.map((g): [VarLayer, TrackedVars | undefined] => ["group_vars/<group>", d.groups[g.name]])),
    ["inventory host", decl.vars],
    ...inv.varsDirs.map((d): [VarLayer, TrackedVars | undefined] => ["host_vars/<host>", d.hosts[host]]),
    ["play vars", run.playVars],
    ["extra vars", run.extraVars],
  ];
}

/**
 * Calls `each` for every variable of every layer, lowest layer first. By key rather than by
 * Object.entries: a layer may hold 200k variables (a big vars file), and an array of them all as
 * pairs, made for every host and every play, is that much garbage.
 */
function eachLayerVar(inv: Inventory, host: string, run: RunVars, each: (key: string, tracked: TrackedValue, layer: VarLayer) => void): void {
  for (const [layer, vars] of layersOf(inv, host, run)) {
    if (vars === undefined) continue;
    for (const key of Object.keys(vars)) {
      const tracked = vars[key];
      if (tracked !== undefined) each(key, tracked, layer);
    }
  }
}

/** The winning value of each variable through every layer of the table above, with where it was set and by which layer. */
function winningVars(inv: Inventory, host: string, run: RunVars): Map<string, { layer: VarLayer; tracked: TrackedValue }> {
  const winners = new Map<string, { layer: VarLayer; tracked: TrackedValue }>();
  // Map.set keeps a key's first position, as Python's dict.update does in Ansible.
  eachLayerVar(inv, host, run, (key, tracked, layer) => winners.set(key, { layer, tracked }));
  return winners;
}

/**
 * One host's variables as set (values not evaluated: a template stays a template), each with
 * its provenance and Python form; what a vars scope (src/vars) evaluates from.
 */
export function resolveHostVarsTracked(inv: Inventory, host: string, run: RunVars = {}): TrackedVars {
  const winners = new Map<string, TrackedValue>();
  eachLayerVar(inv, host, run, (key, tracked) => winners.set(key, tracked));
  return Object.fromEntries(winners);
}

/** Resolves one host's variables through every layer of the table above. */
export function resolveHostVars(inv: Inventory, host: string, run: RunVars = {}): ResolvedVars {
  const entries = [...winningVars(inv, host, run)];
  const exact = entries.filter(([, w]) => w.tracked.exact !== undefined).map(([k, w]) => [k, cloneExact(w.tracked.exact)]);
  return {
    // Cloned so a caller that mutates a value (set_fact-style) cannot change the inventory.
    values: Object.fromEntries(entries.map(([k, w]) => [k, structuredClone(w.tracked.value)])),
    provenance: Object.fromEntries(entries.map(([k, w]) => [k, w.tracked.provenance])),
    layers: Object.fromEntries(entries.map(([k, w]) => [k, w.layer])),
    ...(exact.length > 0 && { exact: Object.fromEntries(exact) }),
  };
}
