import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { type Change, type ModuleContext, ModuleError, type ProbeScope, probeScopeOf } from "../modules/contract.js";
import { redactUrl } from "../modules/downloads.js";
import type { AnyModule } from "../modules/registry.js";
import { RemoteCommandError, RemoteShellError } from "../remote/errors.js";
import { ENV_NAME, type ShellReads } from "../remote/shell.js";
import type { TaskMeta, TaskResult } from "../site/task-meta.js";
import type { RenderOptions } from "../template/index.js";
import type { ShellLease } from "./connections.js";
import { HostUnreachableError, TaskFailedError } from "./errors.js";
import type { Emit, TaskEnd, TaskStatus } from "./events.js";
import type { RunOptions } from "./options.js";
import { type HostStats, count } from "./stats.js";
import { selectedByTags } from "./tags.js";

/** What a task needs from the host and scope (play, role, handler) it runs in. */
export interface TaskEnv {
  readonly play: string;
  readonly host: string;
  readonly options: RunOptions;
  readonly emit: Emit;
  readonly stats: HostStats;
  /** Tags inherited from the play and role. */
  readonly tags: readonly string[];
  /** Become user inherited from the play (undefined: the login user). */
  readonly become: string | undefined;
  readonly handler: boolean;
  /** The run's secret masker (identity without one): a default task name is masked before it is shortened. */
  mask(text: string): string;
  shellFor(host: string, becomeUser: string | undefined): Promise<ShellLease>;
  renderTemplate(src: string, extraVars?: Record<string, unknown>, options?: RenderOptions): string;
  readControlFile(src: string): Buffer;
  /** The role's directory then the site's: where with_fileglob's patterns are searched. */
  readonly searchDirs: readonly string[];
  /** Where h.includeVars() looks for a vars file: the role's `vars/`, then the site's. */
  readonly varsDirs: readonly string[];
  /** Takes the facts a module returned under ansible_facts: the host's for the rest of the run, as Ansible's fact cache keeps them. */
  addFacts(facts: Record<string, unknown>): void;
  /** The host's do_converge_state_dir, when its variables set one. */
  readonly stateDir: string | undefined;
  /** Notifies handlers; resolves once they are recorded as pending on the host. */
  notify(handlers: readonly string[], task: string): Promise<void>;
  /** Told of each task that tags left out (a handler so cut short stays pending). */
  onNotSelected?(): void;
  /** Throws when another host's failure ended the play. */
  checkAborted(): void;
  /** The host's play on the fast path (docs/fast-path.md); undefined with --no-fast-path. */
  readonly fastPath?: TaskFastPath;
}

/** What a task needs of the fast path: the play's snapshot, a probe's reads, and word of a change. */
export interface TaskFastPath {
  ready(): Promise<void>;
  forProbe(scope: ProbeScope, learn: boolean): ShellReads | undefined;
  applying(host: string): void;
}

/** The user a task runs as: its own `become` (true: root, false: the login user) or the one it inherits. */
export function becomeUser(meta: boolean | string | undefined, inherited: string | undefined): string | undefined {
  if (meta === undefined) return inherited;
  if (meta === false) return undefined;
  return meta === true ? "root" : meta;
}

/**
 * "template /etc/haproxy/haproxy.cfg": a default task name from the module's main argument. Masked
 * first: shortening could cut a secret in two, and a secret's first half is no longer its value.
 */
function defaultName(module: string, args: Record<string, unknown>, mask: (text: string) => string): string {
  const raw = args.dest ?? args.path ?? args.name ?? args.cmd ?? args.url ?? (Array.isArray(args.argv) ? args.argv.join(" ") : undefined);
  if (typeof raw !== "string") return module;
  // A URL's user:password is a secret whether or not it came from secret().
  const main = mask(raw === args.url ? redactUrl(raw) : raw);
  return `${module} ${main.length > 60 ? `${main.slice(0, 57)}...` : main}`;
}

function describe(err: unknown): string {
  if (err instanceof ModuleError || err instanceof RemoteCommandError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

/** The host is gone (connect failed, shell or connection lost), as opposed to a task failing. */
function isUnreachable(err: unknown): err is HostUnreachableError | RemoteShellError {
  return err instanceof HostUnreachableError || (err instanceof RemoteShellError && !(err instanceof RemoteCommandError));
}

function judge<R>(rule: boolean | ((r: R) => boolean) | undefined, r: R): boolean | undefined {
  return rule === undefined ? undefined : typeof rule === "boolean" ? rule : rule(r);
}

interface Attempt {
  result: unknown;
  /** What diff found; undefined once apply reported that nothing changed after all. */
  change: Change | undefined;
  failure: string | undefined;
}

/** How an attempt meets the fast path: where its probe's reads go, and whom to tell of a change. */
interface AttemptReads {
  reads: ShellReads | undefined;
  applying(): void;
}

async function attempt(mod: AnyModule, ctx: ModuleContext, args: unknown, failedWhen: TaskMeta<unknown>["failedWhen"], fast: AttemptReads | undefined): Promise<Attempt> {
  // Only the probe's reads: what apply runs always reaches the host.
  ctx.sh.reads = fast?.reads;
  let state: unknown;
  try {
    state = await mod.probe(ctx, args);
  } finally {
    ctx.sh.reads = undefined;
  }
  const change = mod.diff(args, state, ctx);
  const applied = change !== undefined && !ctx.check;
  // Before apply starts: one that fails half-way has changed the host all the same.
  if (applied) fast?.applying();
  const result = applied ? await mod.apply(ctx, args, state, change) : mod.unchanged(args, state);
  const ruled = judge(failedWhen, result);
  // Judged on unapplied results too: a probe can fail on its own (uri's GET answering 500).
  const failure = ruled === undefined ? mod.failure?.(result) : ruled ? "failedWhen matched" : undefined;
  const stillChanged = !applied || (mod.changed?.(result) ?? true);
  return { result, change: stillChanged ? change : undefined, failure };
}

/**
 * Runs one module call as a task, a built-in module's and a site's own alike: tags, args
 * validation, become and delegation, probe → diff → apply (never in check mode), retries/until,
 * changedWhen/failedWhen, ignoreErrors, notify, then one task-end event and the recap counters.
 * A failure throws TaskFailedError (the host stops) unless ignored; a lost connection throws
 * HostUnreachableError.
 */
export async function runTask<R>(env: TaskEnv, name: string, load: () => Promise<AnyModule>, rawArgs: unknown, meta: TaskMeta<R> = {}): Promise<TaskResult<R>> {
  // Loaded before the abort check: a first use waits for the import, and a play aborted meanwhile
  // must not start the task.
  const mod = await load();
  env.checkAborted();
  const argsRecord = (typeof rawArgs === "object" && rawArgs !== null ? rawArgs : {}) as Record<string, unknown>;
  const task = meta.name ?? (meta.noLog ? name : defaultName(name, argsRecord, (t) => env.mask(t)));
  const tags = [...env.tags, ...(meta.tags ?? [])];
  if (!selectedByTags(tags, env.options.tags, env.options.skipTags)) {
    env.onNotSelected?.();
    return { changed: false, failed: false, skipped: true, msg: "not selected by tags" } as TaskResult<R>;
  }
  const started = Date.now();
  // A task that only reads runs in check mode too, as `checkMode: false` would have it.
  const check = meta.checkMode ?? (meta.readsOnly ? false : env.options.check);
  const target = meta.delegateTo ?? env.host;
  const end = (status: TaskStatus, extra: Partial<TaskEnd>): TaskEnd => {
    const e: TaskEnd = {
      type: "task-end",
      play: env.play,
      host: env.host,
      task,
      module: name,
      status,
      startedAt: started,
      durationMs: Date.now() - started,
      ...(meta.delegateTo ? { delegatedTo: meta.delegateTo } : {}),
      ...(env.handler ? { handler: true } : {}),
      ...(meta.noLog ? { noLog: true } : {}),
      ...extra,
      // noLog hides everything a task could say about its arguments or output, errors included.
      ...(meta.noLog ? { summary: undefined, msg: extra.msg === undefined ? undefined : "(details hidden: noLog)" } : {}),
    };
    if (e.summary === undefined) delete e.summary;
    if (e.msg === undefined) delete e.msg;
    count(env.stats, status);
    env.emit(e);
    return e;
  };

  const badEnv = Object.keys(meta.environment ?? {}).filter((k) => !ENV_NAME.test(k));
  if (badEnv.length > 0) {
    const msg = `environment: ${badEnv.map((k) => JSON.stringify(k)).join(", ")} ${badEnv.length > 1 ? "are not names" : "is not a name"} a shell can export`;
    const e = end("failed", { msg });
    throw new TaskFailedError(env.host, task, msg, e);
  }
  const parsed = mod.args.safeParse(rawArgs);
  if (!parsed.success) {
    const msg = `invalid arguments: ${parsed.error.issues.map((i: z.core.$ZodIssue) => `${i.path.join(".") || "(args)"}: ${i.message}`).join("; ")}`;
    const e = end("failed", { msg });
    throw new TaskFailedError(env.host, task, msg, e);
  }

  let outcome: Attempt;
  let lease: ShellLease | undefined;
  try {
    const fastPath = env.fastPath;
    // A task delegated elsewhere reads another host, whose snapshot this play does not hold.
    const ownReads = fastPath !== undefined && target === env.host;
    if (ownReads) await fastPath.ready();
    lease = await env.shellFor(target, becomeUser(meta.become, env.become));
    const sh = lease.sh;
    // -vvv must not show the commands of a noLog task: they may carry what it hides.
    sh.traced = !meta.noLog;
    sh.env = meta.environment;
    const ctx: ModuleContext = {
      host: target,
      check,
      wantDiff: meta.diff ?? env.options.diff,
      sh,
      renderTemplate: (src, extra, options) => env.renderTemplate(src, extra, options),
      readControlFile: (src) => env.readControlFile(src),
      // The host's own state directory; a delegate keeps its user's default.
      ...(target === env.host && env.stateDir !== undefined ? { stateDir: env.stateDir } : {}),
    };
    const until = meta.until as ((r: unknown) => boolean) | undefined;
    const tries = 1 + (meta.retries ?? (until ? 3 : 0));
    const scope = probeScopeOf(mod, parsed.data);
    for (let n = 1; ; n++) {
      try {
        // A live probe (a wait, a request) and a retry let time pass, or look at what is moving:
        // what the snapshot says of the host no longer holds for the tasks after them either.
        if (fastPath && (scope === "live" || n > 1)) fastPath.applying(target);
        const fast = fastPath && {
          reads: ownReads && n === 1 ? fastPath.forProbe(scope, !meta.noLog) : undefined,
          // A command its task says only reads (readsOnly) leaves the snapshot as it was.
          applying: () => {
            if (!meta.readsOnly) fastPath.applying(target);
          },
        };
        outcome = await attempt(mod, ctx, parsed.data, meta.failedWhen as TaskMeta<unknown>["failedWhen"], fast);
      } catch (err) {
        // A module that failed outright (a download refused, a lock held) is retried like a
        // failed result; a lost host is not.
        if (isUnreachable(err) || n >= tries) throw err;
        await sleep((meta.delay ?? 5) * 1000);
        continue;
      }
      const done = until ? !outcome.failure && until(outcome.result) : !outcome.failure;
      if (done || n >= tries) {
        if (until && !done && !outcome.failure) outcome.failure = `until did not hold after ${tries} attempts`;
        break;
      }
      await sleep((meta.delay ?? 5) * 1000);
    }
  } catch (err) {
    if (isUnreachable(err)) {
      const msg = err instanceof HostUnreachableError ? err.message : `connection lost: ${err.message}`;
      end("unreachable", { msg });
      throw err instanceof HostUnreachableError ? err : new HostUnreachableError(env.host, msg);
    }
    const msg = describe(err);
    const e = end(meta.ignoreErrors ? "ignored" : "failed", { msg });
    if (meta.ignoreErrors) return { changed: false, failed: true, skipped: false, msg } as TaskResult<R>;
    throw new TaskFailedError(env.host, task, msg, e);
  } finally {
    if (lease) {
      lease.sh.traced = true;
      lease.sh.env = undefined;
    }
    lease?.release();
  }

  const { result, change, failure } = outcome;
  const unpredictable = check && change?.unpredictable === true;
  const changedRule = judge((meta.changedWhen ?? (meta.readsOnly ? false : undefined)) as TaskMeta<unknown>["changedWhen"], result);
  const changed = !unpredictable && (changedRule ?? change !== undefined);
  const status: TaskStatus = failure ? (meta.ignoreErrors ? "ignored" : "failed") : unpredictable ? "skipped" : changed ? "changed" : "ok";
  const msg = failure ?? (unpredictable ? "skipped in check mode: the command's effect cannot be predicted" : undefined);
  const e = end(status, {
    ...(change && changed ? { summary: change.summary } : {}),
    ...(msg ? { msg } : {}),
    ...(change?.diffs && changed && !meta.noLog ? { diffs: change.diffs } : {}),
    ...(meta.noLog ? {} : { result }),
  });
  const facts = (result as { ansible_facts?: unknown } | undefined)?.ansible_facts;
  if (failure === undefined && typeof facts === "object" && facts !== null && !Array.isArray(facts)) env.addFacts(facts as Record<string, unknown>);
  if (changed && meta.notify) await env.notify(typeof meta.notify === "string" ? [meta.notify] : meta.notify, task);
  const registered = { ...(result as object), changed, failed: failure !== undefined, skipped: status === "skipped", ...(msg ? { msg } : {}) };
  if (failure && !meta.ignoreErrors) throw new TaskFailedError(env.host, task, failure, e);
  return registered as TaskResult<R>;
}
