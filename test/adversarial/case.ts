import type { ScratchEntry } from "./harness/scratch.js";

/**
 * What a case is about, which decides what "nothing changed" means for it:
 * - `config`: a usage or configuration error. Nothing may run: the sentinel task every play
 *   starts with must not have created its marker, and no file of the scratch directory changes.
 * - `unreachable`: the host cannot be reached (exit 4); likewise nothing may have run.
 * - `task`: module arguments (injection payloads among them). The run happens; the task does
 *   exactly the literal thing (only `mayChange` paths change, `literal` ones must) or fails
 *   with a module error naming it (exit 2). No payload's MARK file may ever appear.
 */
export type CaseKind = "config" | "unreachable" | "task";

export interface AdversarialCase {
  /** `category/what`, unique; the known-failures list refers to it. */
  readonly id: string;
  readonly kind: CaseKind;
  /** Relative path -> content, laid out in a fresh scratch directory (placeholders substituted). */
  readonly files: Readonly<Record<string, ScratchEntry>>;
  /** do-converge's arguments, run in the scratch directory. */
  readonly argv: readonly string[];
  /** Extra environment (placeholders substituted); the rest is a clean, fixed environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** The exit code docs/reference/exit-codes.md promises for this input. */
  readonly exit: number;
  /** The message must name where the problem is: file:line, key, option, host or task. */
  readonly message: RegExp;
  /** Must appear exactly once in the output (a message printed twice is a defect). */
  readonly once?: RegExp;
  /** Must never appear in the output (a secret, a payload's side effect). */
  readonly absent?: RegExp;
  /** Must appear exactly this often (one clear error per payload of a loop with ignoreErrors). */
  readonly repeats?: { readonly pattern: RegExp; readonly times: number };
  /** Absolute paths outside the scratch directory that must not exist afterwards (placeholders substituted). */
  readonly mustNotExist?: readonly string[];
  /** Hostile input (bombs, huge files, hostile KDF, hangs): time and memory are bounded. */
  readonly hostile?: true;
  /** For `task` cases: how many injection payloads the case carries (for the totals). */
  readonly payloads?: number;
  /** Paths (relative; a trailing `/` means the subtree, `{ prefix }` any name it starts) allowed to change. */
  readonly mayChange?: readonly (string | { readonly prefix: string })[];
  /** For `task` cases that must succeed: paths that must exist afterwards (the literal effect). */
  readonly literal?: readonly string[];
  /** Why the case runs the way it does (check mode, argument validation only), when not obvious. */
  readonly note?: string;
}
