import type { FilterTable, TestTable } from "../filters/registry.js";
import type { Node, NodeList, ValueNode } from "../nunjucks/internals.js";
import type { BlockDef, CallerDef, Flow, MacroDef, Scope, TemplateRun } from "./scope.js";

// The state shared by the statement walker (walker.ts), expression evaluation (expressions.ts)
// and macro calls (calls.ts): one analysis of one template and everything it pulls in.

export interface AnalysisOptions {
  /** The syntax tree of a template by name; undefined when no search path holds it. */
  load(name: string): NodeList | undefined;
  /** Names the environment provides when the variables do not (range, dict, namespace...). */
  readonly globals: ReadonlySet<string>;
  readonly filters: FilterTable;
  readonly tests: TestTable;
}

/** Where in the walk a node is. */
export interface Ctx {
  readonly scope: Scope;
  /** The node may not be evaluated on every render (an if or loop body, a branch, a macro body). */
  readonly conditional: boolean;
  readonly file: string;
  readonly run: TemplateRun;
  /** At the top level of a template that extends another, block tags output nothing. */
  readonly deferBlocks: boolean;
  /** Inside a block: the definitions super() renders, nearest first. */
  readonly superChain: readonly BlockDef[];
}

export interface Walker {
  readonly options: AnalysisOptions;
  /** Evaluates an expression: records the reads that fail on Undefined, returns those that pass through. */
  expr(node: Node, ctx: Ctx): Flow;
  /** The value is used where Undefined fails (printed, iterated, compared, called...). */
  strict(node: Node, ctx: Ctx): void;
  /** The value is used where Undefined is fine, or where we cannot tell (stored in a list, passed on). */
  lenient(node: Node, ctx: Ctx): void;
  consume(flow: Flow, ctx: Ctx, lenient: boolean): void;
  /** A name read as a value: its binding's flow, nothing for a global, or a new use. */
  name(node: ValueNode, ctx: Ctx): Flow;
  body(list: NodeList, ctx: Ctx): void;
  /** Starts walking a macro, caller or template; false on recursion or when the budget is spent. */
  enter(key: unknown): boolean;
  leave(key: unknown): void;
  /** Remembers a definition, so one never called is still walked once (as conditional). */
  define(def: MacroDef | CallerDef): void;
}
