import type { Facts } from "../facts/gather.js";
import { type ModuleName, modules } from "../modules/registry.js";
import type { BlockOptions, Host, ModuleMethods, Vars } from "../site/host.js";
import type { TaskMeta } from "../site/task-meta.js";
import { PlayAbortedError, TaskFailedError } from "./errors.js";
import { selectedByTags } from "./tags.js";
import { type TaskEnv, runTask } from "./task.js";

/** What a host context needs from the play run beyond the task environment. */
export interface HostScope {
  readonly env: TaskEnv;
  readonly vars: Vars;
  readonly facts: Facts | undefined;
  readonly groups: Readonly<Record<string, readonly string[]>>;
  hostvars(name: string): Vars & { facts?: Facts };
  flushHandlers(): Promise<void>;
  runOnce<T>(key: string, fn: () => Promise<T>): Promise<T>;
  setFact(vars: Vars): void;
}

/** Builds the `h` that role and play code receive. */
export function createHost(scope: HostScope): Host {
  const env = scope.env;
  // One method per registered module; the mapped type ModuleMethods gives each its own types.
  const methods = Object.fromEntries(
    (Object.keys(modules) as ModuleName[]).map((name) => [
      name,
      (args: unknown, meta?: TaskMeta<unknown>) => runTask(env, name, args, meta),
    ]),
  ) as unknown as ModuleMethods;

  const emitSimple = (task: string, status: "ok" | "failed", msg: string) => {
    env.emit({ type: "task-end", play: env.play, host: env.host, task, module: task, status, msg, durationMs: 0 });
  };

  return {
    ...methods,
    name: env.host,
    vars: scope.vars,
    get facts(): Facts {
      if (!scope.facts) throw new TaskFailedError(env.host, "facts", "facts were not gathered (the play has gatherFacts: false)");
      return scope.facts;
    },
    groups: scope.groups,
    hostvars: (name) => scope.hostvars(name),
    check: env.options.check,
    flushHandlers: () => scope.flushHandlers(),
    runOnce: (key, fn) => scope.runOnce(key, fn),
    async block(fn: () => Promise<void>, opts: BlockOptions = {}) {
      try {
        await fn();
      } catch (err) {
        if (!opts.rescue || !(err instanceof TaskFailedError) || err instanceof PlayAbortedError) throw err;
        // Rescued: the failure stays on the task line, but the recap counts it as rescued.
        env.stats.failed--;
        env.stats.rescued++;
        await opts.rescue(err);
      } finally {
        await opts.always?.();
      }
    },
    async fail(msg: string, meta: { tags?: string[] } = {}): Promise<void> {
      env.checkAborted();
      if (!selectedByTags([...env.tags, ...(meta.tags ?? [])], env.options.tags, env.options.skipTags)) {
        env.onNotSelected?.();
        return;
      }
      env.stats.failed++;
      emitSimple("fail", "failed", msg);
      throw new TaskFailedError(env.host, "fail", msg);
    },
    async debug(msg: unknown, meta: { tags?: string[] } = {}) {
      env.checkAborted();
      if (!selectedByTags([...env.tags, ...(meta.tags ?? [])], env.options.tags, env.options.skipTags)) {
        env.onNotSelected?.();
        return;
      }
      env.stats.ok++;
      env.emit({ type: "debug", host: env.host, msg: typeof msg === "string" ? msg : JSON.stringify(msg, null, 2) });
    },
    setFact: (vars) => scope.setFact(vars),
  };
}
