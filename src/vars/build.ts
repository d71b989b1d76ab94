import type { TrackedValue, TrackedVars } from "../inventory/provenance.js";
import type { ScopeVar, VarScope } from "./scope.js";

// From the shapes variables come in (inventory TrackedVars, plain data) to a scope's entries, and
// the hostvars mapping templates read other hosts' variables through.

/** An inventory, vars-file, play or extra variable: templated when used. */
export function scopeVar(t: TrackedValue): ScopeVar {
  return { raw: t.exact ?? t.value, provenance: t.provenance };
}

export function scopeVars(vars: TrackedVars | undefined): [string, ScopeVar][] {
  return Object.entries(vars ?? {}).map(([k, t]) => [k, scopeVar(t)]);
}

/** Values that are data, never templated: magic variables, facts, what the site's code set. */
export function dataVars(values: Readonly<Record<string, unknown>>): [string, ScopeVar][] {
  return Object.entries(values).map(([k, v]) => [k, { raw: v, data: true }]);
}

/**
 * `hostvars` for templates: a mapping of host name to that host's variables, each evaluated in
 * its own host's scope when read (scopes are made on first use: most templates read few hosts).
 */
// A host's hostvars view, by scope rather than host (a host's scope is replaced when its variables
// change: facts gathered), shared by every host's mapping: each host of a play has a mapping of its
// own, and a template looping over all hosts' hostvars made n² views (and n² evaluations of the
// same values) when each mapping kept its own.
const views = new WeakMap<VarScope, Record<string, unknown>>();

export function hostvarsMapping(hosts: readonly string[], scopeOf: (host: string) => VarScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const host of hosts) {
    Object.defineProperty(out, host, {
      enumerable: true,
      get: () => {
        const scope = scopeOf(host);
        let view = views.get(scope);
        if (view === undefined) {
          view = {};
          // HostVars gives a host's variables without hostvars itself (get_vars(include_hostvars=False)),
          // and templates them there: a value reading hostvars is left as written, and `{{
          // hostvars[h] }}` prints a finite dict, which ansible_eval_concat reads back as one.
          const own = scope.without("hostvars");
          for (const name of own.names()) Object.defineProperty(view, name, { enumerable: true, get: () => own.forHostvars(name) });
          views.set(scope, view);
        }
        return view;
      },
    });
  }
  return out;
}
