import type { FunCallNode, Node, NodeList, PairNode, ValueNode } from "../nunjucks/internals.js";
import type { LookupNode } from "../syntax/nodes.js";
import { literalString, splitArgs, symbolName } from "./ast.js";
import type { Ctx, Walker } from "./context.js";
import { type CallableNode, type CallerDef, type Flow, type MacroDef, PLAIN, Scope } from "./scope.js";

// Calls. A macro's body is walked where it is called, with its parameters bound to what the
// call passes, so `{{ row(port) }}` whose body prints its argument reads `port` as a failure,
// and a body's reads count as conditional when the call is. As at runtime, a macro body sees
// its parameters and its template's top level (not the caller's loop variables); a call-block
// body sees the frame around the `{% call %}`. Anything else called — a global, a method, an
// imported-without-context macro — is opaque: its arguments are passed on, never failures here.

type Target = { kind: "macro"; def: MacroDef } | { kind: "caller"; def: CallerDef } | undefined;

function resolve(w: Walker, callee: Node, ctx: Ctx): Target {
  const name = symbolName(callee);
  if (name !== undefined) {
    const b = ctx.scope.lookup(name);
    if (b?.kind === "macro") return { kind: "macro", def: b.macro };
    if (b?.kind === "caller") return { kind: "caller", def: b.caller };
    if (b?.kind === "module") return undefined;
  }
  if (callee.typename === "JLookup") {
    const { target, val } = callee as LookupNode;
    const module = symbolName(target);
    const member = literalString(val);
    const b = module === undefined ? undefined : ctx.scope.lookup(module);
    if (b?.kind === "module" && member !== undefined) {
      const m = b.members.own(member);
      if (m?.kind === "macro") return { kind: "macro", def: m.macro };
      return undefined;
    }
  }
  w.strict(callee, ctx);
  return undefined;
}

/** Binds a macro's or caller's parameters: passed values, else defaults, else nothing. */
function bindParams(w: Walker, signature: NodeList, positional: Flow[], keywords: Map<string, Flow>, ctx: Ctx): void {
  const params: { name: string; fallback?: Node }[] = [];
  for (const arg of signature.children) {
    if (arg.typename === "KeywordArgs") {
      for (const pair of (arg as NodeList).children as PairNode[]) params.push({ name: String((pair.key as ValueNode).value), fallback: pair.value });
    } else {
      const name = symbolName(arg);
      if (name !== undefined) params.push({ name });
    }
  }
  params.forEach((p, i) => {
    let flow = positional[i] ?? keywords.get(p.name);
    keywords.delete(p.name);
    if (flow === undefined && p.fallback !== undefined) flow = w.expr(p.fallback, ctx);
    ctx.scope.bind(p.name, { kind: "value", flow: flow ?? [] });
  });
  // Extra arguments end up in varargs/kwargs: passed on, not failures.
  for (const flow of [...positional.slice(params.length), ...keywords.values()]) w.consume(flow, ctx, true);
}

/** Walks a macro or caller body as called from `ctx` with these arguments. */
export function invoke(
  w: Walker,
  target: NonNullable<Target>,
  positional: Flow[],
  keywords: Map<string, Flow>,
  caller: CallerDef | undefined,
  ctx: Ctx,
): void {
  const def = target.def;
  if (!w.enter(def)) {
    for (const flow of [...positional, ...keywords.values()]) w.consume(flow, ctx, true);
    return;
  }
  def.expanded = true;
  const scope = new Scope(target.kind === "macro" ? target.def.run.rootScope : target.def.scope);
  const inner: Ctx = { scope, conditional: ctx.conditional, file: def.file, run: def.run, deferBlocks: false, superChain: [] };
  bindParams(w, def.node.args, positional, keywords, inner);
  if (target.kind === "macro") {
    // Nunjucks binds caller only when a call block passes one; otherwise the name falls through
    // to the variables. Either way it is the template's business, not the host's.
    scope.bind("caller", caller === undefined ? PLAIN : { kind: "caller", caller });
    scope.bind("varargs", PLAIN);
    scope.bind("kwargs", PLAIN);
  }
  w.body(def.node.body, inner);
  w.leave(def);
}

export function call(w: Walker, node: FunCallNode, ctx: Ctx): void {
  const { positional, keywords } = splitArgs(node.args);
  if (symbolName(node.name) === "super" && positional.length === 0 && keywords.length === 0) {
    const [parent, ...rest] = ctx.superChain;
    if (parent !== undefined) w.body(parent.body, { ...ctx, scope: new Scope(ctx.scope), file: parent.file, superChain: rest });
    return;
  }
  const target = resolve(w, node.name, ctx);
  let caller: CallerDef | undefined;
  const args = positional.map((a) => w.expr(a, ctx));
  const kwargs = new Map<string, Flow>();
  for (const pair of keywords) {
    const key = String((pair.key as ValueNode).value);
    if (pair.value.typename === "Caller") {
      caller = { node: pair.value as CallableNode, file: ctx.file, run: ctx.run, scope: ctx.scope, expanded: false };
      w.define(caller);
    } else {
      kwargs.set(key, w.expr(pair.value, ctx));
    }
  }
  if (target === undefined) {
    for (const flow of [...args, ...kwargs.values()]) w.consume(flow, ctx, true);
    return;
  }
  invoke(w, target, args, kwargs, caller, ctx);
}
