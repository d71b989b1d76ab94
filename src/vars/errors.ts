import { formatProvenance, type Provenance } from "../inventory/provenance.js";
import { UndefinedError, VariableValueError, type SourceLocation } from "../template/errors.js";

// Errors of evaluating variables whose values are templates. They are TemplateErrors located at
// the variable's file:line (not at a template's), so a template that reads such a variable passes
// them through unchanged, and the operator is sent to the value to fix.

/** A variable as messages name it: its name, where it was set, and the host whose value it is. */
export interface VarRef {
  readonly name: string;
  readonly provenance?: Provenance | undefined;
}

function where(ref: VarRef): string {
  return ref.provenance === undefined ? `'${ref.name}'` : `'${ref.name}' (${formatProvenance(ref.provenance)})`;
}

function locationOf(ref: VarRef | undefined): SourceLocation {
  return { file: ref?.provenance?.file ?? "<variables>", line: ref?.provenance?.line ?? 0, column: 0 };
}

/** `, used by 'a' (file:line) ← ...`: how evaluation got to the variable at fault. */
function usedBy(outer: readonly VarRef[]): string {
  return outer.length === 0 ? "" : `, used by ${[...outer].reverse().map(where).join(", used by ")}`;
}

/** `a: "{{ b }}"`, `b: "{{ a }}"`: the variables that need each other, in the order met. */
export class VarCycleError extends VariableValueError {
  constructor(readonly chain: readonly VarRef[]) {
    super(`variables need each other in a cycle: ${chain.map(where).join(" → ")}`, locationOf(chain[0]));
  }
}

/** A variable's value uses a name that is not defined (for this host). */
export class VarUndefinedError extends UndefinedError {
  constructor(
    /** Outermost first; the last is the variable whose value names the missing one. */
    readonly chain: readonly VarRef[],
    /** The missing name or attribute path, as the value writes it. */
    readonly missing: string,
    /** The engine's own account of it ("'dict object' has no attribute 'x'"), when more than the name. */
    readonly why?: string,
  ) {
    const inner = chain[chain.length - 1];
    super(
      `${where(inner ?? { name: "?" })} uses undefined variable '${missing}'${why === undefined ? "" : ` (${why})`}${usedBy(chain.slice(0, -1))}`,
      locationOf(inner),
      { variable: missing },
    );
  }
}

/** A variable's value does not parse as a template, or fails to render for another reason. */
export class VarTemplateError extends VariableValueError {
  constructor(
    readonly chain: readonly VarRef[],
    readonly expression: string,
    readonly problem: string,
    options: { cause?: unknown } = {},
  ) {
    const inner = chain[chain.length - 1];
    super(`the value of ${where(inner ?? { name: "?" })}, ${JSON.stringify(expression)}: ${problem}${usedBy(chain.slice(0, -1))}`, locationOf(inner), options);
  }
}

/**
 * Not an error: the value uses a name the run only knows later (a fact, a value the site's code
 * sets). Evaluation before the run stops there; the value is evaluated once the host has facts.
 */
export class VarDeferred extends Error {
  override name = "VarDeferred";
  constructor(
    readonly chain: readonly VarRef[],
    readonly needs: string,
  ) {
    super(`${chain.map((r) => r.name).join(" → ")} needs '${needs}', known once the host's facts are gathered`);
  }
}

/** The first error of one of our kinds in a cause chain (the template engine wraps what passes through it). */
export function findCause<T extends Error>(e: unknown, kind: abstract new (...args: never[]) => T): T | undefined {
  for (let cur: unknown = e, depth = 0; cur instanceof Error && depth < 32; cur = cur.cause, depth++) {
    if (cur instanceof kind) return cur;
  }
  return undefined;
}
