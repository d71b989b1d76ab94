import type { NodeList } from "../nunjucks/internals.js";
import type { AnalysisOptions } from "./context.js";
import { Analysis } from "./walker.js";

export type { AnalysisOptions } from "./context.js";

/** A variable a template reads without binding it itself: the host's variables must provide it. */
export interface FreeVariable {
  readonly name: string;
  /** Where: the first use that fails on Undefined, else the first use (1-based line and column). */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /**
   * A render may succeed with the name undefined: every use is protected (`is defined`, `default`,
   * `d`...; `mandatory` is not protection) or may not be evaluated at all (an if or loop body, an
   * inline-if branch, the right side of and/or, a macro called only from such places). When unsure
   * the analysis says true, so false means every render of the template fails without the name.
   */
  readonly guarded: boolean;
}

/** The free variables of the template `file` (parsed as `ast`) and of what it includes, imports and extends. */
export function findFreeVariables(file: string, ast: NodeList, options: AnalysisOptions): FreeVariable[] {
  return new Analysis(options).run(file, ast).map(({ use, guarded }) => ({ name: use.name, file: use.file, line: use.line, column: use.column, guarded }));
}
