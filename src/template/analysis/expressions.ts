import type {
  BinOpNode,
  CaptureNode,
  CompareNode,
  FunCallNode,
  InlineIfNode,
  Node,
  NodeList,
  PairNode,
  UnaryOpNode,
  ValueNode,
} from "../nunjucks/internals.js";
import type { LookupNode, SliceNode, TestNode } from "../syntax/nodes.js";
import { childNodes, splitArgs } from "./ast.js";
import { call } from "./calls.js";
import type { Ctx, Walker } from "./context.js";
import type { Flow } from "./scope.js";

// How each expression treats an Undefined operand, as the runtime (runtime/runtime.ts) does:
// most operations fail on it; an attribute of an Undefined is that Undefined (so `a.b.c` is a
// read of `a` that fails where the value is used); `is defined` and the filters declared
// acceptsUndefined (default, d, items; mandatory aside) take it; the right operand of and/or and
// the branches of an inline if may not be evaluated at all.

const BINARY = new Set(["Add", "Sub", "Mul", "Div", "FloorDiv", "Mod", "Pow", "Concat"]);
const UNARY = new Set(["Not", "Neg", "Pos"]);

/** Every argument value evaluated the same way (keyword names are not reads). */
function allArgs(w: Walker, args: NodeList, ctx: Ctx, lenient: boolean): void {
  const { positional, keywords } = splitArgs(args);
  for (const a of [...positional, ...keywords.map((k) => k.value)]) {
    if (a.typename === "Capture") w.body((a as CaptureNode).body, ctx);
    else if (lenient) w.lenient(a, ctx);
    else w.strict(a, ctx);
  }
}

/** `mandatory` accepts Undefined only to fail with its own message: a use through it is required. */
function filterTolerates(w: Walker, name: string): boolean {
  const def = w.options.filters[name];
  return def?.acceptsUndefined === true && def !== w.options.filters["mandatory"];
}

export function evaluate(w: Walker, node: Node, ctx: Ctx): Flow {
  const t = node.typename;
  if (t === "Symbol") return w.name(node as ValueNode, ctx);
  if (t === "Literal" || t === "TemplateData") return [];
  if (t === "JLookup") {
    const n = node as LookupNode;
    const flow = evaluate(w, n.target, ctx);
    w.strict(n.val, ctx);
    return flow;
  }
  if (t === "JSlice") {
    const n = node as SliceNode;
    for (const part of [n.target, n.start, n.stop, n.step]) if (part !== null) w.strict(part, ctx);
    return [];
  }
  if (t === "FunCall") {
    call(w, node as FunCallNode, ctx);
    return [];
  }
  if (t === "Filter") {
    const n = node as FunCallNode;
    allArgs(w, n.args, ctx, filterTolerates(w, String((n.name as ValueNode).value)));
    return [];
  }
  if (t === "JTest") {
    const n = node as TestNode;
    const tolerant = w.options.tests[n.name]?.acceptsUndefined === true;
    if (tolerant) w.lenient(n.expr, ctx);
    else w.strict(n.expr, ctx);
    allArgs(w, n.args, ctx, tolerant);
    return [];
  }
  if (t === "And" || t === "Or") {
    const n = node as BinOpNode;
    w.strict(n.left, ctx);
    return evaluate(w, n.right, { ...ctx, conditional: true });
  }
  if (t === "InlineIf") {
    const n = node as InlineIfNode;
    w.strict(n.cond, ctx);
    const branch = { ...ctx, conditional: true };
    return [...evaluate(w, n.body, branch), ...(n.else_ === null ? [] : evaluate(w, n.else_, branch))];
  }
  if (UNARY.has(t)) {
    w.strict((node as UnaryOpNode).target, ctx);
    return [];
  }
  if (BINARY.has(t)) {
    w.strict((node as BinOpNode).left, ctx);
    w.strict((node as BinOpNode).right, ctx);
    return [];
  }
  if (t === "Compare") {
    const n = node as CompareNode;
    w.strict(n.expr, ctx);
    for (const op of n.ops) w.strict(op.expr, ctx);
    return [];
  }
  if (t === "Dict") {
    for (const pair of (node as NodeList).children as PairNode[]) {
      w.strict(pair.key, ctx);
      w.lenient(pair.value, ctx);
    }
    return [];
  }
  if (t === "Capture") {
    w.body((node as CaptureNode).body, ctx);
    return [];
  }
  // Array and tuple literals hold an Undefined without failing; whatever else there is, its
  // reads are recorded but never as certain failures.
  const unsure = t === "Array" || t === "JTuple" ? ctx : { ...ctx, conditional: true };
  for (const child of childNodes(node)) w.lenient(child, unsure);
  return [];
}
