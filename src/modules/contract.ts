import type { z } from "zod";
import type { RemoteShell } from "../remote/shell.js";
import type { RenderOptions } from "../template/index.js";

/** Before and after of one file (or other text state), for --diff. */
export interface TextDiff {
  /** What the halves describe: a path, or "state" for attributes. */
  label: string;
  before: string;
  after: string;
}

/** What a module would change on a host, decided by its pure `diff` step. */
export interface Change {
  /** One line for the task line and -v output, e.g. "mode 0644 -> 0600". */
  summary: string;
  diffs?: TextDiff[];
  /**
   * In check mode the change cannot be predicted (a command without creates/removes): the task
   * is reported skipped, as Ansible does, instead of claiming a change.
   */
  unpredictable?: boolean;
}

/** Everything a module may use on the control node and the host. */
export interface ModuleContext {
  /** Inventory name, for messages. */
  readonly host: string;
  readonly check: boolean;
  readonly wantDiff: boolean;
  /** The host's shell as the task's (become) user. */
  readonly sh: RemoteShell;
  /** Renders a template file of the site or role with this host's variables (and the template module's syntax options). */
  renderTemplate(src: string, extraVars?: Record<string, unknown>, options?: RenderOptions): string;
  /** Reads a file of the site or role (copy's src) on the control node. */
  readControlFile(src: string): Buffer;
  /** The host's do_converge_state_dir, when its inventory sets one (else the user's default: remote/state-file.ts). */
  readonly stateDir?: string;
}

/**
 * What a module's probe reads, for the fast path (docs/fast-path.md): "host", only the host's own
 * state, so a snapshot's answer holds until something is applied on that host; "shared", state
 * that tasks on other hosts change too (a replicated database, a git remote), so an answer holds
 * until anything is applied anywhere in the run; "live", never answered from a snapshot (the
 * probe waits for something, or its read is itself an action).
 */
export type ProbeScope = "host" | "shared" | "live";

/**
 * A probeScope decided by the arguments. Typed as a method's (its argument checked both ways, as
 * probe's and apply's are), so that every module is a ModuleDef of unknown arguments: what a
 * play's or role's `modules` list holds, however the module object was written.
 */
type ScopeOfArgs<A> = { scopeOf(args: A): ProbeScope }["scopeOf"];

/**
 * What `do-converge doc` and docs/modules/ say of a module beyond its arguments (each argument's
 * text is its schema's `.describe()`). Written once, in the module's definition, beside its code.
 */
export interface ModuleDoc {
  /** What the module does, in one or two sentences, for the list of modules. */
  readonly summary: string;
  /** One task as a site writes it: `await h.copy({ ... });` (the unit tests type-check it). */
  readonly example: string;
  /** How --check treats the module, when not simply "the probe reads, the task reports what would change". */
  readonly check?: string;
  /** What --diff shows of a change; absent: no diff, only the change's one-line summary. */
  readonly diff?: string;
  /** For a probeScope that depends on the arguments ("live" for some, "host" for the rest): which arguments make the probe live. */
  readonly liveWhen?: string;
}

/**
 * The module contract (docs/architecture.md, module contract): `probe` reads the host (cheap, read-only, batched), `diff`
 * decides from args and state alone whether anything must change, `apply` changes the host and
 * runs only when diff found a change and not in check mode. A second converge therefore reports
 * changed=0 by construction when probe and diff are honest.
 */
export interface ModuleDef<S extends z.ZodType, State, R, N extends string = string> {
  /** The method's name on `h` (`h.<name>(args)`), as written: a site's typed methods are keyed by it. */
  readonly name: N;
  readonly args: S;
  /** The module's reference text; every module of the registry has one (a unit test says so). */
  readonly doc?: ModuleDoc;
  /** What the probe reads (default "host"), or how that depends on the arguments: a probe must only read, never change anything. */
  readonly probeScope?: ProbeScope | ScopeOfArgs<z.output<S>>;
  probe(ctx: ModuleContext, args: z.output<S>): Promise<State>;
  diff(args: z.output<S>, state: State, ctx: ModuleContext): Change | undefined;
  apply(ctx: ModuleContext, args: z.output<S>, state: State, change: Change): Promise<R>;
  /** The result when nothing had to change (or in check mode). */
  unchanged(args: z.output<S>, state: State): R;
  /**
   * Why a result counts as a failure (a command's non-zero rc, a uri status not accepted), or
   * undefined; judged on applied and unchanged results alike, so it also covers what a probe did.
   * The task's `failedWhen` replaces this judgement, and `until` retries it; modules that fail
   * outright throw ModuleError.
   */
  failure?(result: R): string | undefined;
  /**
   * After apply: whether anything changed after all (default: yes). For modules that learn it
   * only by acting: uri (a request is not a change, as in Ansible), get_url with force (the
   * same bytes downloaded again). The task's `changedWhen` still overrides it.
   */
  changed?(result: R): boolean;
}

/** What a module's probe reads with these arguments. */
export function probeScopeOf<S extends z.ZodType>(mod: Pick<ModuleDef<S, unknown, unknown>, "probeScope">, args: z.output<S>): ProbeScope {
  const s = mod.probeScope;
  return s === undefined ? "host" : typeof s === "function" ? s(args) : s;
}

/** Declares a module with its types inferred from the schema. */
export function defineModule<S extends z.ZodType, State, R, const N extends string>(def: ModuleDef<S, State, R, N>): ModuleDef<S, State, R, N> {
  return def;
}

const READ_MODULE_CHECK = "Runs in check mode as in a normal run: it only reads, and never reports a change.";

/**
 * A module that only reads the host (find, getent, slurp, the facts modules, wait_for): its read
 * is the probe, so it runs in check mode too; there is never anything to change; its result is
 * what it read.
 */
export function defineReadModule<S extends z.ZodType, R, const N extends string>(def: {
  name: N;
  args: S;
  doc: Omit<ModuleDoc, "check" | "diff">;
  probeScope?: ProbeScope | ScopeOfArgs<z.output<S>>;
  read(ctx: ModuleContext, args: z.output<S>): Promise<R>;
}): ModuleDef<S, R, R, N> {
  return {
    name: def.name,
    args: def.args,
    doc: { ...def.doc, check: READ_MODULE_CHECK },
    ...(def.probeScope === undefined ? {} : { probeScope: def.probeScope }),
    probe: (ctx, args) => def.read(ctx, args),
    diff: () => undefined,
    apply: () => Promise.reject(new Error(`${def.name} never changes anything`)),
    unchanged: (_args, result) => result,
  };
}

/** A task failed on the host: the message says why, in the operator's terms. */
export class ModuleError extends Error {
  override name = "ModuleError";
  constructor(
    message: string,
    readonly details: { rc?: number; stdout?: string; stderr?: string } = {},
  ) {
    super(message);
  }
}
