import type { Provenance } from "../inventory/provenance.js";
import { TemplateError, UndefinedError, type SourceLocation } from "../template/errors.js";
import { pyKeys, withKeyTable } from "../template/values/dict-keys.js";
import { cloneExact, plainOf } from "../template/values/exact-vars.js";
import { templateValue, type TemplateValueProvider } from "../template/values/hook.js";
import { isMapping } from "../template/values/kinds.js";
import { PyFloat } from "../template/values/py-float.js";
import { Undefined } from "../template/values/undefined.js";
import { UnsafeText } from "../template/values/unsafe.js";
import { evalConcat } from "./eval-concat.js";
import { VarCycleError, VarDeferred, VarTemplateError, VarUndefinedError, type VarRef, findCause } from "./errors.js";
import { isPossiblyTemplate, singleVariable } from "./template-text.js";

// A host's variables as Ansible's Templar and AnsibleJ2Vars give them: a value is templated when
// it is used — a string holding `{{`, `{%` or `{#`, and every such string inside lists and dicts
// — in the context of the same variables, recursively, and converted as ansible_eval_concat
// converts text. Each variable is evaluated at most once per scope (the cache is dropped when
// the variables change), so a host with hundreds of variables pays only for those it uses.

/** One variable as a scope holds it. */
export interface ScopeVar {
  /** The value as templates see it: Python's numbers, `!unsafe` strings marked (TrackedValue.exact ?? value). */
  readonly raw: unknown;
  readonly provenance?: Provenance | undefined;
  /** Data, never templated: facts, magic variables, hostvars, values the site's code set. */
  readonly data?: boolean;
}

/** What renders a value's text; the template engine does. */
export interface ValueTemplater {
  /** The rendered text, and the filter whose result is all of it (see evalConcat). */
  renderValue(source: string, vars: Record<string, unknown>, name?: string): { text: string; loneFilter: string | undefined };
}

export interface ScopeOptions {
  readonly templater: ValueTemplater;
  /**
   * A name that is not a variable here but that the run gives later (a fact before facts are
   * gathered): a value using it is deferred (VarDeferred) instead of meeting an undefined.
   */
  readonly pending?: (name: string) => boolean;
}

/**
 * The key under which a template context carries the resolver of names it does not hold (see
 * JinjaRuntime.name): not a Jinja2 identifier, so no template can name it.
 */
export const MISSING_NAME_RESOLVER = "\0missing";

/** The stack of variables being evaluated, shared by the scopes of one run (hostvars cross hosts). */
export class EvaluationStack {
  readonly frames: { scope: VarScope; ref: VarRef }[] = [];
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/** Stands for a variable in a template context; reading it (the engine's value hook) evaluates it. */
class LazyVar implements TemplateValueProvider {
  constructor(
    private readonly scope: VarScope,
    private readonly name: string,
  ) {}

  [templateValue](): unknown {
    return this.scope.forTemplate(this.name);
  }
}

function isNonTemplated(v: unknown): boolean {
  return typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" || v instanceof PyFloat;
}

function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === "\n") n++;
  return n;
}

export class VarScope {
  private readonly cache = new Map<string, Outcome>();
  private context: Record<string, unknown> | undefined;

  constructor(
    private readonly vars: Map<string, ScopeVar>,
    private readonly options: ScopeOptions,
    private readonly stack: EvaluationStack = new EvaluationStack(),
  ) {}

  has(name: string): boolean {
    return this.vars.has(name);
  }

  names(): string[] {
    return [...this.vars.keys()];
  }

  /** The variable as set (its expression), before evaluation. */
  raw(name: string): ScopeVar | undefined {
    return this.vars.get(name);
  }

  /** Sets (or replaces) variables, e.g. facts once gathered or values the site's code set; evaluations are redone. */
  set(entries: Iterable<readonly [string, ScopeVar]>): void {
    for (const [name, v] of entries) this.vars.set(name, v);
    this.cache.clear();
    this.context = undefined;
  }

  /** The same variables as the run has them: `more` on top (facts, what the site's code set), nothing pending any more. */
  forRun(more: Iterable<readonly [string, ScopeVar]>): VarScope {
    return new VarScope(new Map([...this.vars, ...more]), { templater: this.options.templater }, this.stack);
  }

  /** A scope over the same variables less `name`, sharing the stack. */
  without(name: string): VarScope {
    return new VarScope(new Map([...this.vars].filter(([k]) => k !== name)), this.options, this.stack);
  }

  /** A scope over the same variables with more on top (a role's parsed variables), sharing the stack. */
  extend(entries: Iterable<readonly [string, ScopeVar]>): VarScope {
    return new VarScope(new Map([...this.vars, ...entries]), this.options, this.stack);
  }

  /**
   * The evaluated value, with the template engine's Python values (PyFloat, bigint, key tables).
   * Throws VarUndefinedError, VarCycleError, VarTemplateError — or VarDeferred before facts.
   */
  value(name: string): unknown {
    const v = this.vars.get(name);
    if (v === undefined) throw new VarUndefinedError([], name);
    // Data is given as it is: it may be a lazy mapping (hostvars) that a deep copy would walk whole.
    if (v.data === true) return v.raw;
    const out = this.evaluate(name, v);
    if (!out.ok) throw out.error;
    return cloneExact(out.value);
  }

  /** As value(), in plain JavaScript form: what role code and schemas get. */
  plainValue(name: string): unknown {
    return this.vars.get(name)?.data === true ? this.value(name) : plainOf(this.value(name));
  }

  /**
   * AnsibleJ2Vars.__getitem__: the value a template reads. A value that uses an undefined name
   * is an Undefined (so `x is defined` is false and `x | default(...)` works), failing only
   * where its value is needed; cycles and template errors fail at once.
   */
  forTemplate(name: string): unknown {
    const v = this.vars.get(name);
    if (v === undefined) return new Undefined(name, undefined, { file: "<template>", line: 0, column: 0 });
    const out = this.evaluate(name, v);
    // Not a copy: Jinja2 reads a name once per template, so `x is sameas x` holds (the cached value
    // is the scope's own, made by evaluation, never the inventory's).
    if (out.ok) return out.value;
    if (out.error instanceof VarUndefinedError) return new VarUndefined(name, out.error);
    throw out.error;
  }

  /**
   * HostVarsVars.__getitem__ (`hostvars[h].x`): evaluated in this (h's) scope, except that a
   * string whose template meets an undefined name is returned as written (Ansible templates
   * hostvars with fail_on_undefined=False).
   */
  forHostvars(name: string): unknown {
    const v = this.vars.get(name);
    if (v === undefined) return new Undefined(name, undefined, { file: "<template>", line: 0, column: 0 });
    const out = this.evaluate(name, v);
    if (out.ok) return out.value;
    if (!(out.error instanceof VarUndefinedError)) throw out.error;
    return this.lenient(v.raw, { name, provenance: v.provenance });
  }

  private lenient(raw: unknown, ref: VarRef): unknown {
    if (Array.isArray(raw)) return raw.map((x) => this.lenient(x, ref));
    if (isMapping(raw)) return withKeyTable(Object.fromEntries(Object.entries(raw).map(([k, x]) => [k, this.lenient(x, ref)])), pyKeys(raw));
    try {
      return this.template(raw, [ref]);
    } catch (e) {
      if (e instanceof VarUndefinedError && typeof raw === "string") return raw;
      throw e;
    }
  }

  /** Every variable as a template context entry that evaluates when read. */
  templateContext(): Record<string, unknown> {
    if (this.context !== undefined) return this.context;
    const ctx: Record<string, unknown> = {};
    for (const name of this.vars.keys()) ctx[name] = new LazyVar(this, name);
    const pending = this.options.pending;
    if (pending !== undefined) {
      ctx[MISSING_NAME_RESOLVER] = (name: string): unknown => {
        if (pending(name)) throw new VarDeferred(this.stack.frames.filter((f) => f.scope === this).map((f) => f.ref), name);
        return undefined;
      };
    }
    this.context = ctx;
    return ctx;
  }

  /** Templates a value that is not a variable of the scope (a connection setting, a task argument), as Ansible would. */
  templateValue(raw: unknown, ref: VarRef): unknown {
    return this.template(raw, [ref]);
  }

  private evaluate(name: string, v: ScopeVar): Outcome {
    if (v.data === true) return { ok: true, value: v.raw };
    const cached = this.cache.get(name);
    if (cached !== undefined) return cached;
    const frames = this.stack.frames;
    const at = frames.findIndex((f) => f.scope === this && f.ref.name === name);
    const ref: VarRef = { name, provenance: v.provenance };
    if (at >= 0) return { ok: false, error: new VarCycleError([...frames.slice(at).map((f) => f.ref), ref]) };
    frames.push({ scope: this, ref });
    let out: Outcome;
    try {
      out = { ok: true, value: this.template(v.raw, [ref]) };
    } catch (e) {
      if (findCause(e, VarDeferred) !== undefined) throw findCause(e, VarDeferred);
      out = { ok: false, error: e instanceof Error ? e : new Error(String(e)) };
    } finally {
      frames.pop();
    }
    this.cache.set(name, out);
    return out;
  }

  /** Templar.template: strings rendered, lists and dict values walked, everything else as is. */
  private template(raw: unknown, chain: readonly VarRef[]): unknown {
    if (raw instanceof UnsafeText) return raw.text;
    if (typeof raw === "string") return this.templateString(raw, chain);
    if (Array.isArray(raw)) return raw.map((x) => this.template(x, chain));
    if (isMapping(raw)) return withKeyTable(Object.fromEntries(Object.entries(raw).map(([k, x]) => [k, this.template(x, chain)])), pyKeys(raw));
    return raw;
  }

  private templateString(text: string, chain: readonly VarRef[]): unknown {
    if (!isPossiblyTemplate(text)) return text;
    const single = singleVariable(text);
    if (single !== undefined && single !== "") {
      // Templar's shortcut: `{{ port }}` of a number, a boolean or null is that value itself.
      const target = this.vars.get(single);
      if (target !== undefined && (isNonTemplated(target.raw) || target.raw === null)) return target.raw;
    }
    let value: unknown;
    try {
      const rendered = this.options.templater.renderValue(text, this.templateContext(), chain[chain.length - 1]?.name ?? "<value>");
      value = evalConcat(rendered.text, rendered.loneFilter);
    } catch (e) {
      throw this.explain(e, text, chain);
    }
    if (typeof value !== "string") return value;
    // do_template(preserve_trailing_newlines=True), after the conversion.
    const missing = trailingNewlines(text) - trailingNewlines(value);
    return missing > 0 ? value + "\n".repeat(missing) : value;
  }

  /** What went wrong rendering a value, said in terms of the variables involved. */
  private explain(e: unknown, text: string, chain: readonly VarRef[]): Error {
    const deferred = findCause(e, VarDeferred);
    if (deferred !== undefined) return deferred;
    const cycle = findCause(e, VarCycleError);
    if (cycle !== undefined) return cycle;
    const inner = findCause(e, VarUndefinedError);
    if (inner !== undefined) return new VarUndefinedError([...chain, ...inner.chain], inner.missing, inner.why);
    // A name the template reads from another host's variables (hostvars) or a filter's own undefined.
    const nested = findCause(e, VarTemplateError);
    if (nested !== undefined) return new VarTemplateError([...chain, ...nested.chain], nested.expression, nested.problem, { cause: nested });
    if (e instanceof UndefinedError) {
      const missing = e.variable ?? "?";
      const why = /^undefined variable '/.test(e.detail) ? undefined : e.detail.replace(/ \(in '.*'\)$/, "");
      return new VarUndefinedError(chain, missing, why);
    }
    if (e instanceof TemplateError) return new VarTemplateError(chain, text, e.line > 0 ? `${e.detail} (line ${e.line} of the value)` : e.detail, { cause: e });
    return new VarTemplateError(chain, text, e instanceof Error ? e.message : String(e), { cause: e });
  }
}

/** The Undefined a template gets for a variable whose value uses an undefined name. */
export class VarUndefined extends Undefined {
  constructor(
    name: string,
    readonly error: VarUndefinedError,
    site: SourceLocation = { file: "<template>", line: 0, column: 0 },
  ) {
    super(name, error.detail, site);
  }

  override withSite(site: SourceLocation): Undefined {
    return new VarUndefined(this.name, this.error, site);
  }

  /** Located where the template reads the variable; the variable's own error is the cause. */
  override toError(): UndefinedError {
    if (this.site.line === 0) return this.error;
    return new UndefinedError(this.error.detail, this.site, { variable: this.error.missing, cause: this.error });
  }
}
