import { nunjucksInternals, type Node, type NodeClass, type NodeList } from "../nunjucks/internals.js";

// AST nodes for the Jinja2 constructs Nunjucks does not have. They subclass Nunjucks' Node so
// the rest of its machinery (findAll for blocks, the statement compilers we keep) treats them as
// ordinary nodes; the compiler dispatches on `typename` to our compileJ* methods.

const { nodes } = nunjucksInternals;

function defineNode<T extends Node>(typename: string, fields: readonly string[], base: NodeClass = nodes.Node): NodeClass<T> {
  const cls = class extends base {
    override get typename(): string {
      return typename;
    }
    override get fields(): readonly string[] {
      return fields;
    }
  };
  return cls as unknown as NodeClass<T>;
}

/** `value is name(args)`; `args` is a NodeList that may end with KeywordArgs. */
export interface TestNode extends Node {
  expr: Node;
  name: string;
  args: NodeList;
}
export const TestNodeClass = defineNode<TestNode>("JTest", ["expr", "name", "args"]);

/** `target.name` (dot) or `target[expr]` (subscript): Jinja2 tries attribute/key in different orders. */
export interface LookupNode extends Node {
  target: Node;
  val: Node;
  dot: boolean;
}
export const LookupNodeClass = defineNode<LookupNode>("JLookup", ["target", "val", "dot"]);

export interface SliceNode extends Node {
  target: Node;
  start: Node | null;
  stop: Node | null;
  step: Node | null;
}
export const SliceNodeClass = defineNode<SliceNode>("JSlice", ["target", "start", "stop", "step"]);

/** A tuple literal `(a, b)` or an unparenthesised `a, b` where Jinja2 allows one. */
export const TupleNodeClass = defineNode<NodeList>("JTuple", ["children"], nodes.NodeList);

/** `{% for target in iter if cond %}...{% else %}...{% endfor %}` */
export interface ForNode extends Node {
  target: Node;
  iter: Node;
  cond: Node | null;
  body: NodeList;
  else_: NodeList | null;
  /** `{% for ... recursive %}`: set after construction (not a child node). */
  recursive?: boolean;
}
export const ForNodeClass = defineNode<ForNode>("JFor", ["target", "iter", "cond", "body", "else_"]);

/** `{% set a = v %}`, `{% set a, b = v %}`, `{% set ns.x = v %}`, `{% set a %}...{% endset %}` */
export interface AssignNode extends Node {
  target: Node;
  value: Node | null;
  body: NodeList | null;
  /** `{% set x | f %}`: the filter chain over a JCaptured node (set after construction). */
  filter?: Node;
}
export const AssignNodeClass = defineNode<AssignNode>("JAssign", ["target", "value", "body"]);

/** In `{% set x | filter %}...{% endset %}`, the captured block: the input of the filter chain. */
export type CapturedNode = Node;
export const CapturedNodeClass = defineNode<CapturedNode>("JCaptured", []);

/** `{% autoescape expr %}...{% endautoescape %}` */
export interface AutoescapeNode extends Node {
  value: Node;
  body: NodeList;
}
export const AutoescapeNodeClass = defineNode<AutoescapeNode>("JAutoescape", ["value", "body"]);

/** `{% with a = 1, b = 2 %}...{% endwith %}` */
export interface WithNode extends Node {
  targets: Node[];
  values: Node[];
  body: NodeList;
}
export const WithNodeClass = defineNode<WithNode>("JWith", ["targets", "values", "body"]);

/** `{% do expr %}`: evaluate for side effects (list.append) and discard. */
export interface DoNode extends Node {
  expr: Node;
}
export const DoNodeClass = defineNode<DoNode>("JDo", ["expr"]);
