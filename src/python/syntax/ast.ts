import type { PyConstant } from "./constants.js";

// The part of Python's expression AST that ast.literal_eval looks into: constants, the four
// displays, unary and binary operators, calls (for `set()`) and names. Every other node is kept
// as `Other` with its ast class name, which is all literal_eval needs to reject it. Each node
// knows its height (the node itself counts 1), as CPython limits how deep a tree it converts.

interface Located {
  /** Line of the node's first token, as ast's lineno. */
  readonly line: number;
  readonly height: number;
}

export type UnaryOperator = "UAdd" | "USub" | "Not" | "Invert";

export type Expr =
  | (Located & { readonly kind: "Constant"; readonly value: PyConstant })
  | (Located & { readonly kind: "Tuple" | "List" | "Set"; readonly elts: readonly Expr[] })
  | (Located & { readonly kind: "Dict"; readonly keys: readonly (Expr | null)[]; readonly values: readonly Expr[] })
  | (Located & { readonly kind: "UnaryOp"; readonly op: UnaryOperator; readonly operand: Expr })
  | (Located & { readonly kind: "BinOp"; readonly op: string; readonly left: Expr; readonly right: Expr })
  | (Located & { readonly kind: "Call"; readonly func: Expr; readonly nargs: number; readonly nkeywords: number })
  | (Located & { readonly kind: "Name"; readonly id: string })
  | (Located & { readonly kind: "Other"; readonly type: string });

/** Height of a node over children of the given heights. */
export function heightOver(...children: readonly number[]): number {
  let max = 0;
  for (const h of children) if (h > max) max = h;
  return max + 1;
}

export function other(type: string, line: number, ...childHeights: readonly number[]): Expr {
  return { kind: "Other", type, line, height: heightOver(...childHeights) };
}
