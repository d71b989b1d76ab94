import {
  TemplateRuntimeError,
  TemplateSyntaxError,
  TemplateValueError,
  UndefinedError,
  type SourceLocation,
} from "../errors.js";
import type { CallEnvironment, FilterTable, TestTable } from "../filters/registry.js";
import { nunjucksInternals, type RuntimeContext, type RuntimeFrame } from "../nunjucks/internals.js";
import { bindArguments } from "../values/arguments.js";
import * as arith from "../values/arithmetic.js";
import { pyCompare, pyContains, pyEquals, pyTruthy } from "../values/compare.js";
import { dictFromPairs, isKeyScalar, keyName, propertyOf, pyKeys } from "../values/dict-keys.js";
import { presentValue } from "../values/hook.js";
import { isMapping, objectTypeRepr, pyTypeName } from "../values/kinds.js";
import { numericValue, PyFloat, pyFloat } from "../values/py-float.js";
import { pyStr } from "../values/repr.js";
import { sequenceKind, tuple, tupleField } from "../values/tagged.js";
import { Undefined } from "../values/undefined.js";
import { getAttrHook, hasTemplateAttributes, NO_ATTRIBUTE } from "./attributes.js";
import { isPyCallable } from "./callable.js";
import { locateError } from "./locate.js";
import { LoopContext } from "./loop.js";
import { TemplateReference } from "./template-reference.js";
import { lookupFunction, queryFunction } from "./lookups.js";
import { makeJinjaMacro, type MacroBody, type MacroShape } from "./macro.js";
import { lookupMethod } from "./methods.js";
import { Namespace } from "./namespace.js";

// The functions compiled templates call (as `jr.*`): variable and attribute lookup that yields
// Undefined instead of JS undefined, Python operators and truthiness, output with Ansible's
// finalize (None renders as ""), iteration, filters and tests. Every helper takes the site
// (file, line, column) of the expression, so any error it raises names that place.

type Kwargs = Readonly<Record<string, unknown>>;
const { SafeString, makeKeywordArgs } = nunjucksInternals.runtime;

/** What templates see for a stored value: the hook applied, macro output as a plain string. */
export function norm(v: unknown): unknown {
  const p = presentValue(v);
  if (p instanceof SafeString) return String(p);
  return p;
}

function keyText(k: unknown): string {
  return typeof k === "string" ? k : pyStr(k);
}

export class JinjaRuntime implements CallEnvironment {
  constructor(
    private readonly filters: FilterTable,
    private readonly tests: TestTable,
    /** Where lookup('file', ...) looks: the template search paths. */
    private readonly searchPaths: readonly string[] = [],
  ) {}

  hasFilter(name: string): boolean {
    return Object.hasOwn(this.filters, name);
  }

  hasTest(name: string): boolean {
    return Object.hasOwn(this.tests, name);
  }

  private at<T>(site: SourceLocation, f: () => T): T {
    try {
      return f();
    } catch (e) {
      // An undefined produced inside a filter (a missing attribute in selectattr, say) has no
      // site of its own: it belongs to the filter call.
      if (e instanceof UndefinedError && e.line === 0) {
        throw new UndefinedError(e.detail, site, e.variable === undefined ? {} : { variable: e.variable });
      }
      throw locateError(e, site);
    }
  }

  // ---- names and attributes -------------------------------------------------------------

  name(context: RuntimeContext, frame: RuntimeFrame, name: string, site: SourceLocation): unknown {
    const fromFrame = frame.lookup(name);
    if (fromFrame !== undefined) return norm(fromFrame);
    const fromContext = context.lookup(name);
    if (fromContext !== undefined) return norm(fromContext);
    if (name === "self") return new TemplateReference(context);
    // Ansible's lookup()/query() read the template's variables (the vars lookup), so they are bound here.
    if (name === "lookup") return lookupFunction(context.getVariables(), this.searchPaths);
    if (name === "query" || name === "q") return queryFunction(context.getVariables(), this.searchPaths);
    return new Undefined(name, undefined, site);
  }

  /** A name the compiler bound to a JS variable (loop variable, macro argument). */
  local(value: unknown, name: string, site: SourceLocation): unknown {
    return value === undefined ? new Undefined(name, undefined, site) : norm(value);
  }

  attr(rawObj: unknown, rawKey: unknown, dot: boolean, expr: string, site: SourceLocation): unknown {
    const obj = norm(rawObj);
    // AnsibleUndefined semantics: an attribute of an undefined value is that same undefined, so
    // `foo.bar is defined` is false and `{{ foo.bar }}` reports 'foo'.
    if (obj instanceof Undefined) return obj;
    const key = norm(rawKey);
    if (key instanceof Undefined) throw key.toError();
    const missing = (what: string): Undefined => new Undefined(expr, what, site);
    const noAttr = (): Undefined =>
      typeof key === "number"
        ? missing(`'${objectTypeRepr(obj)}' has no element ${key}`)
        : missing(`'${objectTypeRepr(obj)}' has no attribute '${keyText(key)}'`);
    if (obj === null || obj === undefined) return noAttr();
    if (hasTemplateAttributes(obj)) {
      const v = typeof key === "string" ? obj[getAttrHook](key) : NO_ATTRIBUTE;
      return v === NO_ATTRIBUTE ? noAttr() : norm(v);
    }
    if (isMapping(obj)) {
      if (!isKeyScalar(key)) return noAttr();
      const k = propertyOf(obj, key) ?? keyName(key);
      if (dot && typeof key === "string") {
        const method = lookupMethod(obj, key);
        if (method !== undefined) return method;
      }
      if (Object.hasOwn(obj, k) && obj[k] !== undefined) return norm(obj[k]);
      const method = typeof key === "string" ? lookupMethod(obj, key) : undefined;
      return method ?? noAttr();
    }
    if (Array.isArray(obj) || typeof obj === "string") {
      const n = typeof key === "boolean" ? Number(key) : typeof key === "number" ? key : undefined;
      if (n !== undefined && Number.isInteger(n)) {
        const len = obj.length;
        const i = n < 0 ? len + n : n;
        if (i >= 0 && i < len) return norm(obj[i]);
        return missing(`'${objectTypeRepr(obj)}' has no element ${n}`);
      }
      if (typeof key === "string") {
        const field = Array.isArray(obj) ? tupleField(obj, key) : { found: false };
        if (field.found) return norm(field.value);
        return lookupMethod(obj, key) ?? noAttr();
      }
      return noAttr();
    }
    return noAttr();
  }

  slice(rawObj: unknown, start: unknown, stop: unknown, step: unknown, site: SourceLocation): unknown {
    return this.at(site, () => {
      const obj = norm(rawObj);
      if (obj instanceof Undefined) throw obj.toError();
      const seq = typeof obj === "string" ? [...obj] : Array.isArray(obj) ? obj : undefined;
      if (seq === undefined) throw new TemplateValueError(`'${pyTypeName(obj)}' object is not subscriptable`);
      const bound = (v: unknown): number | undefined => {
        const p = norm(v);
        if (p === null || p === undefined) return undefined;
        if (p instanceof Undefined) throw p.toError();
        const n = numericValue(p);
        if (n === undefined || !Number.isInteger(n)) throw new TemplateValueError("slice indices must be integers or None");
        return n;
      };
      const st = bound(step) ?? 1;
      if (st === 0) throw new TemplateValueError("slice step cannot be zero");
      const len = seq.length;
      const clamp = (v: number | undefined, dflt: number, lo: number, hi: number): number => {
        if (v === undefined) return dflt;
        const x = v < 0 ? v + len : v;
        return Math.min(Math.max(x, lo), hi);
      };
      const out: unknown[] = [];
      if (st > 0) {
        const a = clamp(bound(start), 0, 0, len);
        const b = clamp(bound(stop), len, 0, len);
        for (let i = a; i < b; i += st) out.push(seq[i]);
      } else {
        const a = clamp(bound(start), len - 1, -1, len - 1);
        const b = clamp(bound(stop), -1, -1, len - 1);
        for (let i = a; i > b; i += st) out.push(seq[i]);
      }
      if (typeof obj === "string") return out.join("");
      return out;
    });
  }

  // ---- calls, filters, tests ------------------------------------------------------------

  call(rawCallee: unknown, args: unknown[], kwargs: Kwargs, expr: string, site: SourceLocation): unknown {
    const callee = norm(rawCallee);
    if (callee instanceof Undefined) throw callee.toError();
    return this.at(site, () => {
      if (isPyCallable(callee)) return norm(callee(args, kwargs));
      if (callee instanceof LoopContext) {
        // `loop(children)` in a `for ... recursive` body renders the body one level deeper.
        if (callee.recurse === undefined) throw new TemplateValueError("Tried to call non recursive loop. Maybe you forgot the 'recursive' modifier.");
        if (args.length !== 1) throw new TemplateValueError("loop() takes exactly one argument");
        return callee.recurse(args[0]);
      }
      if (typeof callee === "function") {
        // A Nunjucks macro or caller: keyword arguments travel as a marked trailing object.
        const argv: unknown[] = [...args];
        if (Object.keys(kwargs).length > 0) argv.push(makeKeywordArgs({ ...kwargs }));
        return norm((callee as (...a: unknown[]) => unknown)(...argv));
      }
      throw new TemplateValueError(`'${expr}' is not callable ('${pyTypeName(callee)}' object)`);
    });
  }

  private checkDefined(values: readonly unknown[], kwargs: Kwargs): void {
    for (const v of values) if (v instanceof Undefined) throw v.toError();
    for (const v of Object.values(kwargs)) if (v instanceof Undefined) throw v.toError();
  }

  callFilter(name: string, input: unknown, args: readonly unknown[], kwargs: Kwargs = {}): unknown {
    const def = this.filters[name];
    if (def === undefined) throw new TemplateValueError(`no filter named '${name}'`);
    const value = norm(input);
    const argv = args.map(norm);
    if (!def.acceptsUndefined) this.checkDefined([value, ...argv], kwargs);
    const bound = bindArguments(name, def.params, argv, kwargs);
    const result = def.fn(value, bound, this);
    return result === undefined ? null : result;
  }

  callTest(name: string, input: unknown, args: readonly unknown[], kwargs: Kwargs = {}): boolean {
    const def = this.tests[name];
    if (def === undefined) throw new TemplateValueError(`no test named '${name}'`);
    const value = norm(input);
    const argv = args.map(norm);
    if (!def.acceptsUndefined) this.checkDefined([value, ...argv], kwargs);
    return def.fn(value, bindArguments(name, def.params, argv, kwargs), this);
  }

  filter(name: string, site: SourceLocation, args: unknown[], kwargs: Kwargs): unknown {
    return this.at(site, () => this.callFilter(name, args[0], args.slice(1), kwargs));
  }

  test(name: string, site: SourceLocation, args: unknown[], kwargs: Kwargs): boolean {
    return this.at(site, () => this.callTest(name, args[0], args.slice(1), kwargs));
  }

  // ---- output, truthiness, iteration --------------------------------------------------------

  out(raw: unknown, site: SourceLocation): string {
    return this.at(site, () => {
      const v = norm(raw);
      if (v instanceof Undefined) throw v.toError();
      // Ansible's finalize: a None result of `{{ }}` renders as nothing, not "None".
      if (v === null || v === undefined) return "";
      // ...and its _unroll_iterator: a dict view (`d.items()`, `d.keys()`) prints as a list.
      if (Array.isArray(v) && sequenceKind(v).startsWith("dict_")) return pyStr([...v]);
      return pyStr(v);
    });
  }

  truthy(v: unknown, site: SourceLocation): boolean {
    return this.at(site, () => pyTruthy(v));
  }

  and(left: unknown, right: () => unknown, site: SourceLocation): unknown {
    return this.truthy(left, site) ? right() : left;
  }

  or(left: unknown, right: () => unknown, site: SourceLocation): unknown {
    return this.truthy(left, site) ? left : right();
  }

  not(v: unknown, site: SourceLocation): boolean {
    return !this.truthy(v, site);
  }

  iter(raw: unknown, site: SourceLocation): unknown[] {
    return this.at(site, () => {
      const v = norm(raw);
      if (v instanceof Undefined) throw v.toError();
      if (Array.isArray(v)) return [...v];
      if (typeof v === "string") return [...v];
      if (isMapping(v)) return pyKeys(v);
      throw new TemplateRuntimeError(`'${pyTypeName(v)}' object is not iterable`, site);
    });
  }

  unpack(raw: unknown, count: number, site: SourceLocation): unknown[] {
    const items = this.iter(raw, site);
    if (items.length < count) {
      throw new TemplateRuntimeError(`not enough values to unpack (expected ${count}, got ${items.length})`, site);
    }
    if (items.length > count) throw new TemplateRuntimeError(`too many values to unpack (expected ${count})`, site);
    return items;
  }

  loop(items: readonly unknown[], site: SourceLocation, depth?: number, recurse?: (items: unknown) => string): LoopContext {
    return new LoopContext(items, site, depth, recurse);
  }

  // ---- operators --------------------------------------------------------------------------

  op(kind: "add" | "sub" | "mul" | "div" | "floordiv" | "mod" | "pow" | "concat", a: unknown, b: unknown, site: SourceLocation): unknown {
    return this.at(site, () => {
      switch (kind) {
        case "add":
          return arith.pyAdd(a, b);
        case "sub":
          return arith.pySub(a, b);
        case "mul":
          return arith.pyMul(a, b);
        case "div":
          return arith.pyDiv(a, b);
        case "floordiv":
          return arith.pyFloorDiv(a, b);
        case "mod":
          return arith.pyMod(a, b);
        case "pow":
          return arith.pyPow(a, b);
        case "concat":
          return arith.pyConcat(a, b);
      }
    });
  }

  neg(v: unknown, site: SourceLocation): unknown {
    return this.at(site, () => arith.pyNeg(v));
  }

  pos(v: unknown, site: SourceLocation): unknown {
    return this.at(site, () => arith.pyPos(v));
  }

  cmp(op: string, a: unknown, b: unknown, site: SourceLocation): boolean {
    return this.at(site, () => {
      switch (op) {
        case "==":
        case "===":
          return pyEquals(a, b);
        case "!=":
        case "!==":
          return !pyEquals(a, b);
        case "<":
          return pyCompare(a, b, op) < 0;
        case ">":
          return pyCompare(a, b, op) > 0;
        case "<=":
          return pyCompare(a, b, op) <= 0;
        case ">=":
          return pyCompare(a, b, op) >= 0;
        case "in":
          return pyContains(b, a);
        case "notin":
          return !pyContains(b, a);
        default:
          throw new TemplateSyntaxError(`unknown comparison '${op}'`, site);
      }
    });
  }

  // ---- literals and assignment -----------------------------------------------------------------

  dict(pairs: unknown[], site: SourceLocation): Record<string, unknown> {
    const entries: [unknown, unknown][] = [];
    for (let i = 0; i < pairs.length; i += 2) {
      const k = norm(pairs[i]);
      if (k instanceof Undefined) throw k.toError();
      // Floats and big ints are hashable in Python; like int keys, they become their str() here.
      if (typeof k !== "string" && typeof k !== "number" && typeof k !== "boolean" && typeof k !== "bigint" && !(k instanceof PyFloat) && k !== null) {
        throw new TemplateRuntimeError(`unhashable type: '${pyTypeName(k)}'`, site);
      }
      entries.push([k, pairs[i + 1]]);
    }
    return dictFromPairs(entries);
  }

  float(n: number): unknown {
    return pyFloat(n);
  }

  tuple(items: unknown[]): unknown[] {
    return tuple(items);
  }

  setAttr(target: unknown, attr: string, value: unknown, site: SourceLocation): void {
    const ns = norm(target);
    if (ns instanceof Undefined) throw ns.toError();
    if (!(ns instanceof Namespace)) {
      throw new TemplateRuntimeError("cannot assign attribute on non-namespace object", site);
    }
    ns.attrs[attr] = value;
  }

  /** Renders the parent's version of the current block (`{{ super() }}`), synchronously. */
  superBlock(env: unknown, context: RuntimeContext, name: string, block: unknown, frame: RuntimeFrame, runtime: unknown, site: SourceLocation): string {
    let out = "";
    context.getSuper(env, name, block, frame, runtime, (err, res) => {
      if (err) throw locateError(err, site);
      out = res ?? "";
    });
    return out;
  }

  /**
   * The frame an included template starts from: the includer's variables flattened (inner scopes
   * win), `loop` only with `keepLoop` (see the compiler's include); nothing at all `without context`.
   */
  includeFrame(frame: RuntimeFrame, withoutContext: boolean, keepLoop = false): RuntimeFrame {
    const out = new nunjucksInternals.runtime.Frame();
    if (withoutContext) return out;
    const chain: RuntimeFrame[] = [];
    for (let f: RuntimeFrame | null = frame; f !== null && f !== undefined; f = f.parent) chain.unshift(f);
    for (const f of chain) {
      for (const [name, value] of Object.entries(f.variables)) if ((keepLoop || name !== "loop") && value !== undefined) out.variables[name] = value;
    }
    return out;
  }

  macro(shape: MacroShape, body: MacroBody): (...args: unknown[]) => unknown {
    return makeJinjaMacro(shape, body);
  }

  /** The catch-all of every compiled function: locate whatever escaped the helpers. */
  locate(e: unknown, file: string, lineno: number, colno: number): Error {
    return locateError(e, { file, line: lineno, column: colno });
  }
}
