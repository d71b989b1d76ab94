import type { Node, NodeList } from "../nunjucks/internals.js";

// What the free-variable analysis knows about the names a template binds. It mirrors the runtime
// frames of the compiled template (see syntax/compiler.ts and Nunjucks' compiler): a loop body,
// a `with`, a macro and an included template each start a new frame; `if` does not.

/** A read of a name the template does not bind, at 1-based line and column. */
export interface Use {
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** A render may survive this read with the name undefined (see FreeVariable.guarded). */
  readonly guarded: boolean;
}

/**
 * The reads whose Undefined would pass, unchanged, into a value — `x` in `{% set a = x %}` or
 * `x.y` — rather than fail where they are: they fail, or not, where that value is used.
 */
export type Flow = readonly Use[];

/** `{% macro name(args) %}body{% endmacro %}` and the call-block body `{% call(args) m() %}`. */
export interface CallableNode extends Node {
  name: Node;
  args: NodeList;
  body: NodeList;
}

/** Where a template's names are looked up: its file, its top-level frame and its blocks. */
export interface TemplateRun {
  readonly file: string;
  /** The frame of the template's top level, which is also its context: what its macros see. */
  readonly rootScope: Scope;
  /** Per block name, its definitions from the most derived template to the base. */
  readonly blocks: ReadonlyMap<string, readonly BlockDef[]>;
}

export interface BlockDef {
  readonly file: string;
  readonly body: NodeList;
}

export interface MacroDef {
  readonly node: CallableNode;
  readonly file: string;
  readonly run: TemplateRun;
  /** Walked at least once, at a call or in the final sweep. */
  expanded: boolean;
}

export interface CallerDef {
  readonly node: CallableNode;
  readonly file: string;
  readonly run: TemplateRun;
  /** Where the call block is: a caller body sees the frame around it. */
  readonly scope: Scope;
  expanded: boolean;
}

export type Binding =
  | { readonly kind: "value"; readonly flow: Flow }
  | { readonly kind: "macro"; readonly macro: MacroDef }
  | { readonly kind: "caller"; readonly caller: CallerDef }
  /** `{% import 'x' as m %}` with context: its top-level names are m's members. */
  | { readonly kind: "module"; readonly members: Scope };

export const PLAIN: Binding = { kind: "value", flow: [] };

export class Scope {
  private readonly names = new Map<string, Binding>();

  constructor(readonly parent?: Scope) {}

  bind(name: string, binding: Binding): void {
    this.names.set(name, binding);
  }

  lookup(name: string): Binding | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  /** A name bound in this frame itself (a module's members). */
  own(name: string): Binding | undefined {
    return this.names.get(name);
  }
}
