import { magicVars } from "../inventory/magic.js";
import type { Inventory } from "../inventory/model.js";
import { resolveHostVarsTracked } from "../inventory/precedence.js";
import type { TrackedVars } from "../inventory/provenance.js";
import { createTemplateEngine } from "../template/index.js";
import { dataVars, hostvarsMapping, scopeVar } from "../vars/build.js";
import { EvaluationStack, type ScopeVar, type ValueTemplater, VarScope } from "../vars/scope.js";

/**
 * The variable scopes of a run before any host is touched: per host its inventory and extra
 * variables with the magic ones (what `hostvars[h]` shows, as in Ansible: no play vars), and per
 * play and host the same with the play's vars. Values are evaluated lazily; a name the run only
 * gives later (`pending`: facts, values the site's code sets) defers the value that uses it.
 */
export class RunScopes {
  readonly templater: ValueTemplater = createTemplateEngine({ searchPaths: [] });
  readonly stack = new EvaluationStack();
  /** `hostvars` as templates read it before the run: each host in its base scope. */
  readonly hostvars: Record<string, unknown>;
  private readonly base = new Map<string, VarScope>();

  constructor(
    private readonly inv: Inventory,
    private readonly extraVars: TrackedVars,
    private readonly pending: (name: string) => boolean,
  ) {
    this.hostvars = hostvarsMapping(
      inv.hosts.map((h) => h.name),
      (h) => this.baseScope(h),
    );
  }

  /** A host's inventory and extra variables (throws UnknownHostError for a host not in the inventory). */
  baseScope(host: string): VarScope {
    let scope = this.base.get(host);
    if (scope === undefined) {
      scope = this.scope(host, {});
      this.base.set(host, scope);
    }
    return scope;
  }

  /** A host's variables in a play (the play's vars between host_vars and extra vars). */
  playScope(host: string, playVars: TrackedVars): VarScope {
    return this.scope(host, playVars);
  }

  private scope(host: string, playVars: TrackedVars): VarScope {
    const tracked = resolveHostVarsTracked(this.inv, host, { playVars, extraVars: this.extraVars });
    // Entry by entry, not through arrays of pairs: a host may have 200k variables (a big vars
    // file), and a scope is made per host and per play. A later entry replaces an earlier one in
    // place, as in a Map made from the entries.
    const vars = new Map<string, ScopeVar>();
    for (const name of Object.keys(tracked)) {
      const t = tracked[name];
      if (t !== undefined) vars.set(name, scopeVar(t));
    }
    for (const [name, v] of dataVars({ ...magicVars(this.inv, host), hostvars: this.hostvars })) vars.set(name, v);
    return new VarScope(vars, { templater: this.templater, pending: this.pending }, this.stack);
  }
}
