import { setTimeout as sleep } from "node:timers/promises";
import { factsAsVars } from "../facts/as-vars.js";
import type { Facts } from "../facts/gather.js";
import { loadModule, moduleNames } from "../modules/loaders.js";
import type { AnyModule } from "../modules/registry.js";
import type { BlockOptions, Host, ModuleMethods, Vars } from "../site/host.js";
import type { SiteModule } from "../site/site-modules.js";
import { type Jinja, type JinjaMethods, isJinja } from "../site/jinja.js";
import type { TaskMeta } from "../site/task-meta.js";
import { RemoteCommandError } from "../remote/errors.js";
import { PlayAbortedError, TaskFailedError } from "./errors.js";
import { fileglob } from "./fileglob.js";
import { selectedByTags } from "./tags.js";
import { pyStr } from "../template/values/repr.js";
import { type TaskEnv, becomeUser, runTask } from "./task.js";

/** What a host context needs from the play run beyond the task environment. */
export interface HostScope {
  readonly env: TaskEnv;
  readonly vars: Vars;
  /** The host's facts as they are now (undefined: not gathered yet in this run). */
  readonly facts: Facts | undefined;
  /** Gathers the host's facts as `user`: they replace the earlier ones for the rest of the run. */
  gatherFacts(user: string | undefined): Promise<Facts>;
  readonly groups: Readonly<Record<string, readonly string[]>>;
  hostvars(name: string): Vars & { facts?: Facts };
  flushHandlers(): Promise<void>;
  runOnce<T>(key: string, fn: () => Promise<T>): Promise<T>;
  throttle<T>(key: string, limit: number, fn: () => Promise<T>): Promise<T>;
  /** Closes the host's connection and shells: the next task opens new ones. */
  resetConnection(): Promise<void>;
  setFact(vars: Vars): void;
  /**
   * Loads the first of `files` (names as templates gave them) found in the role's then the site's
   * `vars/`, its variables under `name` when given; returns the path loaded. Throws an Error that
   * says why (none found, a bad file).
   */
  includeVars(files: readonly string[], name: string | undefined): Promise<string>;
  /** Whether includeVars would find one of `files`. */
  hasVarsFile(files: readonly string[]): boolean;
  /** Templates a value as Ansible templates a task argument, in the host's variables with `locals` on top. */
  templateValue(raw: unknown, locals: Vars): unknown;
  /** The site's own modules this code may call: its play's or role's list, and every one of the site's. */
  readonly modules: ScopeModules;
}

/** The site's own modules as one play's or role's code sees them. */
export interface ScopeModules {
  /** Who runs the code ("role firewall", "play \"web\""), for the error of a module it does not list. */
  readonly owner: string;
  /** The modules its `modules` list names: h's methods beside the built-in ones. */
  readonly own: readonly AnyModule[];
  /** Every module of the site, by name. */
  readonly site: ReadonlyMap<string, SiteModule>;
}

/** Builds the `h` that role and play code receive. */
export function createHost(scope: HostScope): Host {
  const env = scope.env;
  // One method per built-in module; the mapped type ModuleMethods gives each its own types.
  const methods = Object.fromEntries(
    moduleNames.map((name) => [
      name,
      (args: unknown, meta?: TaskMeta<unknown>) => runTask(env, name, () => loadModule(name), args, meta),
    ]),
  ) as unknown as ModuleMethods;

  const emitSimple = (task: string, status: "ok" | "failed", msg: string) => {
    env.emit({ type: "task-end", play: env.play, host: env.host, task, module: task, status, msg, startedAt: Date.now(), durationMs: 0 });
  };

  // The site's own modules: the play's or role's list (Host<V, L> types them from it). A module
  // of the site this code does not list fails its task saying so, rather than "not a function".
  const { owner, own, site } = scope.modules;
  const ownMethods = Object.fromEntries([
    ...[...site.values()].map(({ module: m, listedBy }) => [
      m.name,
      () => {
        const msg = `h.${m.name}(): ${owner} does not list module ${m.name} in its modules (${listedBy.join(", ")} ${listedBy.length > 1 ? "list" : "lists"} it): add it to ${owner}'s modules`;
        env.stats.failed++;
        emitSimple(m.name, "failed", msg);
        return Promise.reject(new TaskFailedError(env.host, m.name, msg));
      },
    ]),
    ...own.map((m) => [m.name, (args: unknown, meta?: TaskMeta<unknown>) => runTask(env, m.name, () => Promise.resolve(m), args, meta)]),
  ]) as Record<string, unknown>;

  const jinja = jinjaMethods(scope, emitSimple);
  return {
    ...methods,
    ...ownMethods,
    name: env.host,
    vars: scope.vars,
    get facts(): Facts {
      const facts = scope.facts;
      if (!facts) throw new TaskFailedError(env.host, "facts", "facts were not gathered: no play so far has gatherFacts for this host, and no h.gatherFacts() ran");
      return facts;
    },
    groups: scope.groups,
    hostvars: (name) => scope.hostvars(name),
    check: env.options.check,
    flushHandlers: () => scope.flushHandlers(),
    runOnce: (key, fn) => scope.runOnce(key, fn),
    throttle: (key, limit, fn) => scope.throttle(key, limit, fn),
    async sleep(seconds) {
      env.checkAborted();
      await sleep(seconds * 1000);
    },
    async resetConnection() {
      env.checkAborted();
      // As Ansible's meta tasks: no task line and nothing counted in the recap.
      await scope.resetConnection();
    },
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
    async gatherFacts(meta = {}) {
      env.checkAborted();
      if (!selectedByTags([...env.tags, ...(meta.tags ?? [])], env.options.tags, env.options.skipTags)) {
        env.onNotSelected?.();
        return { changed: false, failed: false, skipped: true, msg: "not selected by tags" };
      }
      const task = meta.name ?? "setup";
      const started = Date.now();
      let facts: Facts;
      try {
        facts = await scope.gatherFacts(becomeUser(meta.become, env.become));
      } catch (err) {
        // A lost host is the play's to report (unreachable); a probe that failed fails the task.
        if (!(err instanceof RemoteCommandError)) throw err;
        env.stats.failed++;
        env.emit({ type: "task-end", play: env.play, host: env.host, task, module: "facts", status: "failed", msg: err.message, startedAt: started, durationMs: Date.now() - started });
        throw new TaskFailedError(env.host, task, err.message);
      }
      env.stats.ok++;
      env.emit({ type: "task-end", play: env.play, host: env.host, task, module: "facts", status: "ok", startedAt: started, durationMs: Date.now() - started });
      // Registered, the facts are as the setup module returns them: `ansible_hostname`, `module_setup`, ...
      const { ansible_facts: _namespaced, ...returned } = factsAsVars(facts);
      return { changed: false, failed: false, skipped: false, ansible_facts: returned };
    },
    setFact: (vars) => scope.setFact(vars),
    async includeVars(file, meta = {}) {
      env.checkAborted();
      if (!selectedByTags([...env.tags, ...(meta.tags ?? [])], env.options.tags, env.options.skipTags)) {
        env.onNotSelected?.();
        return;
      }
      const firstFound = Array.isArray(file);
      const candidates = (firstFound ? file : [file]) as readonly (string | Jinja)[];
      // The names are templates, evaluated as the task runs: an undefined name fails the task (as
      // it does Ansible's first_found too: an undefined name anywhere in its terms fails it, skip or not).
      const names = candidates.map((c) => (isJinja(c) ? String(jinja.value(c)) : c));
      if (firstFound && meta.skip === true && !scope.hasVarsFile(names)) {
        env.stats.skipped++;
        env.emit({ type: "task-end", play: env.play, host: env.host, task: "include_vars", module: "include_vars", status: "skipped", msg: "no file found (first_found skip)", startedAt: Date.now(), durationMs: 0 });
        return;
      }
      try {
        const loaded = await scope.includeVars(names, meta.name);
        env.stats.ok++;
        emitSimple("include_vars", "ok", loaded);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        env.stats.failed++;
        emitSimple("include_vars", "failed", msg);
        throw new TaskFailedError(env.host, "include_vars", msg);
      }
    },
    jinja,
  };
}

/**
 * Templates evaluated for imported roles. A template that cannot be evaluated (an undefined name,
 * a syntax error) fails the host as the task would in Ansible, naming the expression.
 */
function jinjaMethods(scope: HostScope, emitFailed: (task: string, status: "failed", msg: string) => void): JinjaMethods {
  const evaluate = (what: string, source: string, locals: Vars): unknown => {
    try {
      return scope.templateValue(source, locals);
    } catch (err) {
      const msg = `${what} ${JSON.stringify(source)}: ${err instanceof Error ? err.message : String(err)}`;
      scope.env.stats.failed++;
      emitFailed(what, "failed", msg);
      throw new TaskFailedError(scope.env.host, what, msg);
    }
  };
  const walk = (value: unknown, locals: Vars): unknown => {
    if (isJinja(value)) return evaluate("template", value.source, locals);
    if (Array.isArray(value)) return value.map((x) => walk(x, locals));
    if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, walk(x, locals)]));
    return value;
  };
  return {
    // The schema of the module validates what the templates gave when the task runs.
    args: (module, args, locals = {}) => {
      const out = walk(args, locals);
      // Ansible's template module renders with the task's variables: its loop item, registered
      // results and task vars are the template's too, beside any vars the task gives.
      if (module !== "template" || Object.keys(locals).length === 0 || typeof out !== "object" || out === null) return out as never;
      const given = (out as { vars?: Record<string, unknown> }).vars;
      return { ...out, vars: { ...locals, ...given } } as never;
    },
    when(condition, locals = {}) {
      // As Ansible's Conditional: the expression inside an if, its outcome read back as a boolean.
      return evaluate("when", `{% if ${condition} %}True{% else %}False{% endif %}`, locals) === true;
    },
    value: (value, locals = {}) => walk(value, locals),
    fileglob: (patterns, locals = {}) => fileglob([walk(patterns, locals)].flat().map(pyStr), scope.env.searchDirs),
    combine(how, terms, locals = {}) {
      // listify_lookup_plugin_terms: a term that is text (a template's result too) is a list of one.
      const listify = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
      const lists = listify(walk(terms, locals)).map(listify);
      // The lookups' _flatten: a list inside an item is spread into it.
      const flat = (xs: readonly unknown[]) => xs.flatMap((x) => (Array.isArray(x) ? x : [x]));
      if (lists.length === 0) {
        const msg = `with_${how} requires at least one element in ${how === "nested" ? "the nested list" : "each list"}`;
        scope.env.stats.failed++;
        emitFailed("loop", "failed", msg);
        throw new TaskFailedError(scope.env.host, "loop", msg);
      }
      if (how === "together") {
        const n = Math.max(...lists.map((l) => l.length));
        return Array.from({ length: n }, (_, i) => flat(lists.map((l) => (i < l.length ? l[i] : null))));
      }
      let result: unknown[] = lists[0] ?? [];
      for (const next of lists.slice(1)) result = result.flatMap((x) => next.map((y) => flat([x, y])));
      return result.map((x) => flat(Array.isArray(x) ? x : [x]));
    },
    loopInfo(items, index) {
      const n = items.length;
      return {
        allitems: items,
        index: index + 1,
        index0: index,
        revindex: n - index,
        revindex0: n - index - 1,
        first: index === 0,
        last: index === n - 1,
        length: n,
        ...(index > 0 ? { previtem: items[index - 1] } : {}),
        ...(index < n - 1 ? { nextitem: items[index + 1] } : {}),
      };
    },
    env(value, locals = {}) {
      const out: Record<string, string> = {};
      for (const part of [walk(value, locals)].flat()) {
        if (typeof part !== "object" || part === null || Array.isArray(part)) {
          const msg = `environment must be a mapping, got ${JSON.stringify(part)}`;
          scope.env.stats.failed++;
          emitFailed("environment", "failed", msg);
          throw new TaskFailedError(scope.env.host, "environment", msg);
        }
        for (const [k, v] of Object.entries(part)) out[k] = pyStr(v);
      }
      return out;
    },
    list(value, locals = {}, flatten = false) {
      const out = walk(value, locals);
      if (!Array.isArray(out)) {
        const msg = `loop needs a list, got ${JSON.stringify(out)}`;
        scope.env.stats.failed++;
        emitFailed("loop", "failed", msg);
        throw new TaskFailedError(scope.env.host, "loop", msg);
      }
      // with_items flattens one level, as Ansible's items lookup does.
      return flatten ? out.flatMap((x: unknown) => (Array.isArray(x) ? x : [x])) : out;
    },
  };
}
