import type { Node, NodeList, PairNode, ValueNode } from "../nunjucks/internals.js";

// Typed views of the Nunjucks statement nodes the analysis reads that internals.ts does not
// describe (they mirror node_modules/nunjucks/src/nodes.js and parser.js), a generic way to
// reach a node's children for nodes the analysis has no rule for, and call arguments split as
// the compiler splits them.

export interface IncludeNode extends Node {
  template: Node;
  ignoreMissing?: boolean;
}

export interface ImportNode extends Node {
  template: Node;
  target: Node;
  withContext: boolean | null;
}

/** `names` holds Symbols and, for `x as y`, Pairs of Symbols. */
export interface FromImportNode extends Node {
  template: Node;
  names: NodeList;
  withContext: boolean | null | undefined;
}

export interface BlockNode extends Node {
  name: ValueNode;
  body: NodeList;
}

export function isNode(v: unknown): v is Node {
  return typeof v === "object" && v !== null && "typename" in v && typeof v.typename === "string";
}

/** The string a node holds when it is a string literal: a template name written literally. */
export function literalString(node: Node | null | undefined): string | undefined {
  if (!node || node.typename !== "Literal") return undefined;
  const v = (node as ValueNode).value;
  return typeof v === "string" ? v : undefined;
}

export function symbolName(node: Node): string | undefined {
  return node.typename === "Symbol" ? String((node as ValueNode).value) : undefined;
}

/** Every node directly under `node`, whatever its fields are called. */
export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  for (const field of node.fields) {
    const v: unknown = Reflect.get(node, field);
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) out.push(...v.filter(isNode));
  }
  return out;
}

/** Every node below `node` (depth first) whose typename is `typename`. */
export function findAll(node: Node, typename: string, out: Node[] = []): Node[] {
  for (const child of childNodes(node)) {
    if (child.typename === typename) out.push(child);
    findAll(child, typename, out);
  }
  return out;
}

/** Positional arguments and keyword-argument values of a call, filter or test. */
export function splitArgs(args: NodeList): { positional: Node[]; keywords: PairNode[] } {
  const positional: Node[] = [];
  const keywords: PairNode[] = [];
  for (const a of args.children) {
    if (a.typename === "KeywordArgs") keywords.push(...((a as NodeList).children as PairNode[]));
    else positional.push(a);
  }
  return { positional, keywords };
}
