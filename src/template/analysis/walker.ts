import type { IfNode, Node, NodeList, PairNode, TemplateRefNode, ValueNode } from "../nunjucks/internals.js";
import type { AssignNode, DoNode, ForNode, LookupNode, WithNode } from "../syntax/nodes.js";
import { type BlockNode, type FromImportNode, type ImportNode, type IncludeNode, findAll, literalString, symbolName } from "./ast.js";
import { invoke } from "./calls.js";
import type { AnalysisOptions, Ctx, Walker } from "./context.js";
import { evaluate } from "./expressions.js";
import { type BlockDef, type CallableNode, type CallerDef, type Flow, type MacroDef, PLAIN, Scope, type TemplateRun, type Use } from "./scope.js";

// The statement walker: follows a template the way a render runs it — includes where they are
// (seeing the frame around them), a parent template after its child's top level (with the
// child's blocks in place of its own), imports with context at the import — and records every
// read of a name nothing binds.

/** Macro expansions and template walks per analysis: bounds the work on pathological nesting. */
const BUDGET = 2000;

type Parent = { kind: "none" } | { kind: "literal"; name: string } | { kind: "uncertain" };

/** A literal `{% extends %}` at the top level decides the parent; any other extends leaves it unknown. */
function parentOf(ast: NodeList): Parent {
  const all = findAll(ast, "Extends");
  if (all.length === 0) return { kind: "none" };
  const [only] = all;
  const name = literalString((only as TemplateRefNode | undefined)?.template);
  if (all.length === 1 && only !== undefined && name !== undefined && ast.children.includes(only)) return { kind: "literal", name };
  return { kind: "uncertain" };
}

export class Analysis implements Walker {
  private readonly entries = new Map<string, { first: Use; failing?: Use }>();
  private readonly active = new Set<unknown>();
  private readonly defs: (MacroDef | CallerDef)[] = [];
  private budget = BUDGET;

  constructor(readonly options: AnalysisOptions) {}

  /** Every name the template `file` reads and does not bind: the first failing use, else the first use. */
  run(file: string, ast: NodeList): { use: Use; guarded: boolean }[] {
    this.template(file, ast, new Scope(), false, new Map());
    // Macros never called (a library of them) and call blocks whose macro never calls back.
    for (let i = 0; i < this.defs.length; i++) {
      const def = this.defs[i];
      if (def === undefined || def.expanded) continue;
      const ctx: Ctx = { scope: new Scope(), conditional: true, file: def.file, run: def.run, deferBlocks: false, superChain: [] };
      invoke(this, "scope" in def ? { kind: "caller", def } : { kind: "macro", def }, [], new Map(), undefined, ctx);
    }
    return [...this.entries.values()].map((e) => ({ use: e.failing ?? e.first, guarded: e.failing === undefined }));
  }

  // ---- Walker -------------------------------------------------------------------------------

  expr(node: Node, ctx: Ctx): Flow {
    return evaluate(this, node, ctx);
  }

  strict(node: Node, ctx: Ctx): void {
    this.consume(this.expr(node, ctx), ctx, false);
  }

  lenient(node: Node, ctx: Ctx): void {
    this.consume(this.expr(node, ctx), ctx, true);
  }

  consume(flow: Flow, ctx: Ctx, lenient: boolean): void {
    for (const use of flow) this.record(use, use.guarded || lenient || ctx.conditional);
  }

  name(node: ValueNode, ctx: Ctx): Flow {
    const name = String(node.value);
    const bound = ctx.scope.lookup(name);
    if (bound !== undefined) return bound.kind === "value" ? bound.flow : [];
    if (this.options.globals.has(name)) return [];
    const use: Use = { name, file: ctx.file, line: node.lineno + 1, column: node.colno + 1, guarded: ctx.conditional };
    // Read, whatever becomes of the value: the name is listed even if it never fails.
    this.record(use, true);
    return [use];
  }

  body(list: NodeList, ctx: Ctx): void {
    for (const child of list.children) this.statement(child, ctx);
  }

  enter(key: unknown): boolean {
    if (this.active.has(key) || this.budget <= 0) return false;
    this.budget--;
    this.active.add(key);
    return true;
  }

  leave(key: unknown): void {
    this.active.delete(key);
  }

  define(def: MacroDef | CallerDef): void {
    this.defs.push(def);
  }

  // ---- records ------------------------------------------------------------------------------

  private record(use: Use, guarded: boolean): void {
    const entry = this.entries.get(use.name);
    if (entry === undefined) this.entries.set(use.name, guarded ? { first: use } : { first: use, failing: use });
    else if (!guarded && entry.failing === undefined) entry.failing = use;
  }

  // ---- templates ----------------------------------------------------------------------------

  /** Walks a template whose top-level frame is `rootScope`; `inherited` are its children's blocks. */
  private template(file: string, ast: NodeList, rootScope: Scope, conditional: boolean, inherited: ReadonlyMap<string, readonly BlockDef[]>): void {
    const key = `template:${file}`;
    if (!this.enter(key)) return;
    const blocks = new Map(inherited);
    for (const b of findAll(ast, "Block") as BlockNode[]) {
      blocks.set(String(b.name.value), [...(blocks.get(String(b.name.value)) ?? []), { file, body: b.body }]);
    }
    const run: TemplateRun = { file, rootScope, blocks };
    const parent = parentOf(ast);
    const ctx: Ctx = { scope: rootScope, conditional, file, run, deferBlocks: parent.kind !== "none", superChain: [] };
    this.body(ast, ctx);
    if (parent.kind === "literal") {
      // The parent renders next, in the same frame and context, with this template's blocks.
      const parentAst = this.options.load(parent.name);
      if (parentAst !== undefined) this.template(parent.name, parentAst, rootScope, conditional, blocks);
    } else if (parent.kind === "uncertain") {
      // A parent we cannot name may render any of this template's blocks, or none.
      for (const b of findAll(ast, "Block") as BlockNode[]) this.body(b.body, { ...ctx, scope: new Scope(rootScope), conditional: true, deferBlocks: false });
    }
    this.leave(key);
  }

  /** A literal template reference: its syntax tree, or undefined (dynamic or missing: check() reports those). */
  private referenced(template: Node, ctx: Ctx): { name: string; ast: NodeList } | undefined {
    const name = literalString(template);
    if (name === undefined) {
      this.strict(template, ctx);
      return undefined;
    }
    const ast = this.options.load(name);
    return ast === undefined ? undefined : { name, ast };
  }

  // ---- statements ---------------------------------------------------------------------------

  private statement(node: Node, ctx: Ctx): void {
    switch (node.typename) {
      case "Output":
        for (const child of (node as NodeList).children) if (child.typename !== "TemplateData") this.strict(child, ctx);
        return;
      case "NodeList":
        this.body(node as NodeList, ctx);
        return;
      case "If": {
        const n = node as IfNode;
        this.strict(n.cond, ctx);
        const branch = { ...ctx, conditional: true };
        this.body(n.body, branch);
        // elif arrives as an If in else_.
        if (n.else_ !== null) this.statement(n.else_, branch);
        return;
      }
      case "JFor":
        return this.forLoop(node as ForNode, ctx);
      case "JAssign":
        return this.assign(node as AssignNode, ctx);
      case "JWith": {
        const n = node as WithNode;
        const flows = n.values.map((v) => this.expr(v, ctx));
        const scope = new Scope(ctx.scope);
        n.targets.forEach((t, i) => this.bindTarget(t, scope, flows[i] ?? []));
        this.body(n.body, { ...ctx, scope });
        return;
      }
      case "JDo":
        // `{% do list.append(x) %}`: the result is dropped; what it fails on fails inside.
        this.lenient((node as DoNode).expr, ctx);
        return;
      case "Macro": {
        const n = node as CallableNode;
        const def: MacroDef = { node: n, file: ctx.file, run: ctx.run, expanded: false };
        this.define(def);
        ctx.scope.bind(String((n.name as ValueNode).value), { kind: "macro", macro: def });
        return;
      }
      case "Include": {
        const n = node as IncludeNode;
        const ref = this.referenced(n.template, ctx);
        // An included template sees the frame around the include; its own assignments stay its own.
        if (ref !== undefined) this.template(ref.name, ref.ast, new Scope(ctx.scope), ctx.conditional, new Map());
        return;
      }
      case "Import":
        return this.importAs(node as ImportNode, ctx);
      case "FromImport":
        return this.fromImport(node as FromImportNode, ctx);
      case "Extends": {
        const template = (node as TemplateRefNode).template;
        if (literalString(template) === undefined) this.strict(template, ctx);
        return;
      }
      case "Block":
        return this.block(node as BlockNode, ctx);
      default:
        this.lenient(node, ctx);
    }
  }

  private bindTarget(target: Node, scope: Scope, flow: Flow): void {
    const name = symbolName(target);
    if (name !== undefined) scope.bind(name, { kind: "value", flow });
    else if (target.typename === "JTuple") for (const t of (target as NodeList).children) this.bindTarget(t, scope, []);
  }

  private forLoop(n: ForNode, ctx: Ctx): void {
    this.strict(n.iter, ctx);
    // The body runs once per item, which may be never: everything inside is conditional.
    const scope = new Scope(ctx.scope);
    this.bindTarget(n.target, scope, []);
    scope.bind("loop", PLAIN);
    const inLoop: Ctx = { ...ctx, scope, conditional: true };
    if (n.cond !== null) this.strict(n.cond, inLoop);
    this.body(n.body, { ...inLoop, scope: new Scope(scope) });
    if (n.else_ !== null) this.body(n.else_, { ...inLoop, scope: new Scope(scope) });
  }

  private assign(n: AssignNode, ctx: Ctx): void {
    if (n.target.typename === "JLookup") {
      // `{% set ns.attr = v %}`: the namespace must exist; the value is stored out of our sight.
      if (n.value !== null) this.lenient(n.value, ctx);
      if (n.body !== null) this.body(n.body, ctx);
      this.strict((n.target as LookupNode).target, ctx);
      return;
    }
    if (n.body !== null) {
      this.body(n.body, ctx);
      // `{% set x | f(arg) %}`: the filters' arguments are read too.
      if (n.filter !== undefined) this.strict(n.filter, ctx);
      this.bindTarget(n.target, ctx.scope, []);
      return;
    }
    if (n.value === null) return;
    if (n.target.typename === "Symbol") {
      // The value's Undefined, if any, fails where the name is used, as the runtime's would.
      this.bindTarget(n.target, ctx.scope, this.expr(n.value, ctx));
      return;
    }
    // Unpacking iterates the value.
    this.strict(n.value, ctx);
    this.bindTarget(n.target, ctx.scope, []);
  }

  /** The top level of an imported template, walked where the import is; none without context. */
  private imported(template: Node, withContext: boolean | null | undefined, ctx: Ctx): Scope | undefined {
    // Without context an imported template sees no variables at all: its reads are not the host's.
    if (withContext !== true) {
      if (literalString(template) === undefined) this.strict(template, ctx);
      return undefined;
    }
    const ref = this.referenced(template, ctx);
    if (ref === undefined) return undefined;
    const members = new Scope(ctx.scope);
    this.template(ref.name, ref.ast, members, ctx.conditional, new Map());
    return members;
  }

  private importAs(n: ImportNode, ctx: Ctx): void {
    const members = this.imported(n.template, n.withContext, ctx);
    const target = symbolName(n.target);
    if (target !== undefined) ctx.scope.bind(target, members === undefined ? PLAIN : { kind: "module", members });
  }

  private fromImport(n: FromImportNode, ctx: Ctx): void {
    const members = this.imported(n.template, n.withContext, ctx);
    for (const item of n.names.children) {
      const [from, alias] = item.typename === "Pair" ? [(item as PairNode).key, (item as PairNode).value] : [item, item];
      const source = symbolName(from);
      const bound = symbolName(alias);
      if (bound !== undefined) ctx.scope.bind(bound, (source === undefined ? undefined : members?.own(source)) ?? PLAIN);
    }
  }

  private block(n: BlockNode, ctx: Ctx): void {
    // In a child template, block tags only define; the parent renders them in its own place.
    if (ctx.deferBlocks) return;
    const defs = ctx.run.blocks.get(String(n.name.value)) ?? [{ file: ctx.file, body: n.body }];
    const [first, ...rest] = defs;
    if (first === undefined) return;
    this.body(first.body, { ...ctx, scope: new Scope(ctx.scope), file: first.file, superChain: rest });
  }
}
