import { existsSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import pLimit, { type LimitFunction } from "p-limit";
import { factsAsVars } from "../facts/as-vars.js";
import { withModuleFacts } from "../facts/module-facts.js";
import type { Facts } from "../facts/gather.js";
import type { ConnectionSpec } from "../inventory/connection.js";
import { RemoteShellError } from "../remote/errors.js";
import type { Play, Role } from "../site/dsl.js";
import type { Host, Vars } from "../site/host.js";
import type { ConnectionPool } from "./connections.js";
import { HostUnreachableError, PlayAbortedError, TaskFailedError } from "./errors.js";
import type { Emit } from "./events.js";
import { createHost } from "./host-context.js";
import { factsHold, gatherInto } from "./host-facts.js";
import type { RunOptions, TemplateRenderer } from "./options.js";
import { serialBatches } from "./serial.js";
import type { HandlerCatalogue } from "./handler-record.js";
import { PendingHandlers, pendingNotice } from "./pending-handlers.js";
import { type HostStats, count } from "./stats.js";
import { stateDirOf } from "./state-dir.js";
import type { TaskEnv } from "./task.js";
import { samePlain } from "../template/values/exact-vars.js";
import { dataVars, hostvarsMapping, scopeVars } from "../vars/build.js";
import type { TrackedVars } from "../inventory/provenance.js";
import type { Decrypt } from "../inventory/vault-values.js";
import { readVarsFile } from "../inventory/vars-file.js";
import { plainOf } from "../template/index.js";
import { codeVars } from "../vars/code-view.js";
import type { ScopeVar, VarScope } from "../vars/scope.js";
import { parseRoleVars } from "./prepare.js";
import { runMagicVars } from "./magic-vars.js";
import type { FastPath } from "../fast-path/host-play.js";
import type { SiteModule } from "../site/site-modules.js";
import type { ShellLease } from "./connections.js";

/** What the run keeps about a host across plays. */
export interface HostRecord {
  readonly name: string;
  readonly stats: HostStats;
  /** Gathered once in the run and kept for later plays (host-facts.ts says when they are gathered again). */
  facts?: Facts;
  /** Whom `facts` were gathered as (the become user; undefined: the login user) while they stand; unset: a play that gathers facts gathers them again. */
  gatheredAs?: { user: string | undefined };
  /** Variables set with h.setFact(), visible to later plays and through hostvars(). */
  setFacts: Vars;
  /** Facts modules returned under ansible_facts (service_facts' services), with the gathered facts' rank. */
  moduleFacts: Vars;
  /** Variables of the files h.includeVars() loaded (templates, evaluated when used), below set facts. */
  includedVars: TrackedVars;
  /** The host's variables as hostvars show them now (facts and set facts on top); dropped when those change. */
  hostvarsScope?: VarScope;
  /** Once failed or unreachable, a host takes no part in later plays. */
  dead?: "failed" | "unreachable";
  /** The index of the play in which the host became unreachable (where a retry starts). */
  lostIn?: number;
}

/** Everything about a play decided before any host is touched (see prepare.ts). */
export interface PreparedPlay {
  readonly play: Play;
  /** Names the play in records kept on hosts: its name, `name#2` for a second play of that name. */
  readonly key: string;
  /** Its place in the site's plays. */
  readonly index: number;
  readonly hosts: readonly string[];
  /** Per host: inventory, play and extra vars with the magic variables, as code reads them (evaluated when read). */
  readonly vars: ReadonlyMap<string, Vars>;
  /** Per host: the same variables as a scope, where values that are templates are evaluated. */
  readonly scopes: ReadonlyMap<string, VarScope>;
  /** Per host and role: vars after the role's schema (defaults applied, validated), with the host's other vars. */
  readonly roleVars: ReadonlyMap<string, ReadonlyMap<string, Vars>>;
  /** Per host and role: the role's own variables as its schema gave them. */
  readonly roleParsed: ReadonlyMap<string, ReadonlyMap<string, Vars>>;
  /** Per host and role: variables whose values need the host's facts, validated once it has them. */
  readonly deferred: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
  readonly specs: ReadonlyMap<string, ConnectionSpec>;
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

export interface RunState {
  readonly options: RunOptions;
  readonly siteDir: string;
  readonly pool: ConnectionPool;
  readonly emit: Emit;
  readonly templates: TemplateRenderer;
  readonly hosts: Map<string, HostRecord>;
  /** Connection specs of every inventory host, for delegation and hostvars. */
  readonly allSpecs: ReadonlyMap<string, ConnectionSpec>;
  /** Inventory variables of every host (for hostvars of hosts outside the play). */
  readonly allVars: ReadonlyMap<string, Vars>;
  /** As PreparedPlay.scopes, for every host of the inventory. */
  readonly allScopes: ReadonlyMap<string, VarScope>;
  /** `--extra-vars`: laid again on top of facts, included vars and set facts, which they outrank. */
  readonly extraVars: TrackedVars;
  /** Opens encrypted vars files that h.includeVars() loads (the run's keyrings). */
  readonly decrypt?: Decrypt;
  /** Masks the run's secret values (identity when the run has none). */
  readonly mask: (text: string) => string;
  /** The site's name: whose pending handlers a host's record holds. */
  readonly siteName: string;
  /** Every play's handlers, to tell which recorded pending handlers still exist. */
  readonly catalogue: HandlerCatalogue;
  /** The run's fast path (docs/fast-path.md); undefined with --no-fast-path. */
  readonly fastPath?: FastPath;
  /** The site's own modules, by name (plays and roles list them). */
  readonly modules: ReadonlyMap<string, SiteModule>;
  /**
   * With --retry-unreachable: retries the unreachable hosts lost in plays up to `upTo`, before a
   * batch that only lost hosts (none failed) would end the run. False: a retried host failed.
   */
  readonly retryBeforeAbort?: (upTo: number) => Promise<boolean>;
}

interface HandlerEntry {
  name: string;
  role: Role | undefined;
  run: (h: Host) => Promise<unknown>;
}

/** The site's handlers by play, as the record names them. */
export function playHandlers(play: Play): { name: string; role: string | null }[] {
  return [...play.roles.flatMap((r) => r.handlerNames.map((name) => ({ name, role: r.name }))), ...Object.keys(play.handlers).map((name) => ({ name, role: null }))];
}

function roleDir(state: RunState, role: Role): string {
  return role.dir ?? join(state.siteDir, "roles", role.name);
}

/** Where a file named by a task may be: as it is when absolute, else in each of `dirs`. */
function candidates(dirs: readonly string[], name: string): string[] {
  return isAbsolute(name) ? [name] : dirs.map((d) => join(d, name));
}

/** The first of `names` that exists in `dirs` (an absolute name as it is), as include_vars with first_found looks; undefined when none. */
function firstVarsFile(dirs: readonly string[], names: readonly string[]): string | undefined {
  for (const name of names) for (const c of candidates(dirs, name)) if (existsSync(c) && statSync(c).isFile()) return c;
  return undefined;
}

function findVarsFile(dirs: readonly string[], names: readonly string[]): string {
  const found = firstVarsFile(dirs, names);
  if (found === undefined) throw new Error(`no vars file found: looked for ${names.flatMap((n) => candidates(dirs, n)).join(", ") || "(no names)"}`);
  return found;
}

function readControlFile(dirs: readonly string[], src: string): Buffer {
  const places = candidates(dirs, src);
  for (const c of places) {
    try {
      return readFileSync(c);
    } catch {
      // try the next directory
    }
  }
  throw new Error(`file not found: ${src} (looked in ${places.join(", ")})`);
}

/**
 * Runs one play: its hosts in `serial` batches, the hosts of a batch in parallel up to
 * `forks`, each host's tasks in order (roles, then the play's own), then its notified handlers.
 * Hosts do not wait for each other between tasks (unlike Ansible's linear strategy): a slow host
 * slows only itself. Returns false when the play was aborted (maxFailPercentage, all hosts of a
 * batch failed), which ends the run as in Ansible.
 *
 * A batch that would end the run only because hosts became unreachable (none failed) first gets
 * them retried, when the run allows retries (`retrying`: this is a retry already, which does not).
 */
export async function runPlay(state: RunState, p: PreparedPlay, o: { retrying?: boolean } = {}): Promise<boolean> {
  const { play } = p;
  const live = p.hosts.filter((h) => !state.hosts.get(h)?.dead);
  state.emit({ type: "play-start", play: play.name, hosts: live, check: state.options.check });
  if (live.length === 0) {
    state.emit({ type: "warning", msg: `play ${JSON.stringify(play.name)}: no hosts left to run on` });
    state.emit({ type: "play-end", play: play.name });
    return true;
  }

  const handlers: HandlerEntry[] = [];
  for (const role of play.roles) {
    for (const name of role.handlerNames) handlers.push({ name, role, run: (h) => role.runHandler(name, h) });
  }
  for (const [name, fn] of Object.entries(play.handlers)) handlers.push({ name, role: undefined, run: fn });

  // throttle's slots are the play's: a task's limit holds across its hosts (and serial batches).
  const throttles = new Map<string, LimitFunction>();
  const batches = serialBatches(live, play.serial);
  let aborted = false;
  for (const [index, batch] of batches.entries()) {
    if (batches.length > 1) state.emit({ type: "batch-start", play: play.name, hosts: batch, index: index + 1, of: batches.length });
    const runOnce = new Map<string, Promise<unknown>>();
    const abort = { fatal: false };
    const limit = pLimit(state.options.forks);
    await Promise.all(batch.map((host) => limit(() => runHost(state, p, host, batch, handlers, { runOnce, throttles }, abort))));
    // As Ansible: a batch whose every host failed, too many failures, or anyErrorsFatal ends the run.
    const verdict = () => {
      const failed = batch.filter((h) => state.hosts.get(h)?.dead).length;
      const overMax = play.maxFailPercentage !== undefined && (failed / batch.length) * 100 > play.maxFailPercentage;
      return { failed, overMax, ends: failed === batch.length || overMax || abort.fatal };
    };
    let { failed, overMax, ends } = verdict();
    const onlyLost = batch.every((h) => state.hosts.get(h)?.dead !== "failed");
    if (ends && onlyLost && !abort.fatal && !o.retrying && state.retryBeforeAbort && (await state.retryBeforeAbort(p.index))) {
      ({ failed, overMax, ends } = verdict());
    }
    if (ends) {
      const why = abort.fatal ? "anyErrorsFatal" : overMax ? `maxFailPercentage ${play.maxFailPercentage}` : "every host of the batch failed";
      // A retry that only lost its hosts again ends its round, not the run: the recap says the rest.
      if (!(o.retrying && onlyLost)) state.emit({ type: "warning", msg: `play ${JSON.stringify(play.name)} aborted: ${failed} of ${batch.length} hosts failed (${why})` });
      aborted = true;
      break;
    }
  }
  state.emit({ type: "play-end", play: play.name });
  return !aborted;
}

async function runHost(
  state: RunState,
  p: PreparedPlay,
  host: string,
  batch: readonly string[],
  handlers: readonly HandlerEntry[],
  shared: { runOnce: Map<string, Promise<unknown>>; throttles: Map<string, LimitFunction> },
  abort: { fatal: boolean },
): Promise<void> {
  const { play } = p;
  const { runOnce, throttles } = shared;
  const rec = state.hosts.get(host);
  if (!rec) return;
  const spec = p.specs.get(host);
  if (!spec) return;
  const notified = new Set<string>();
  const vars = p.vars.get(host) ?? {};
  const playBecome = play.become === false ? undefined : play.become === true ? spec.becomeUser : play.become;
  const inheritedBecome = playBecome ?? (spec.become ? spec.becomeUser : undefined);
  const fastPath = state.fastPath?.hostPlay(p.key, host, (user) => state.pool.get(spec).acquire(user));
  /** A shell for reads the runner itself makes (facts, the pending-handlers record): answered from the play's snapshot like a probe's. */
  const readingShell = async (user: string | undefined): Promise<ShellLease> => {
    await fastPath?.ready();
    const lease = await state.pool.get(spec).acquire(user);
    lease.sh.reads = fastPath?.forProbe("host", true);
    return {
      sh: lease.sh,
      release: () => {
        lease.sh.reads = undefined;
        lease.release();
      },
    };
  };
  // Only a play with handlers reads the record: a play without any costs nothing.
  const pending =
    handlers.length === 0
      ? undefined
      : new PendingHandlers(
          {
            shell: () => {
              // Only the record's writes take this shell: a change to the host like every other.
              fastPath?.applying(host);
              return state.pool.get(spec).acquire(inheritedBecome);
            },
            readShell: () => readingShell(inheritedBecome),
            warn: (msg) => state.emit({ type: "warning", msg }),
          },
          { site: state.siteName, host, play: p.key, check: state.options.check, stateDir: stateDirOf(vars), catalogue: state.catalogue },
        );

  // The host's variables as the run has them: facts (once gathered) and what the site's code set
  // are data on top; a value that is a template is evaluated in them when used. Replaced (every
  // evaluation redone) whenever facts or set facts change.
  // Ansible's order above the play's variables: facts, include_vars, set facts, then extra vars.
  // The extra vars are in the base scope already: laid again only over the names these shadow
  // (a run may carry 200k of them, and this is redone whenever facts or set facts change).
  const factVars = (r: HostRecord): [string, ScopeVar][] => {
    const facts = withModuleFacts(r.facts ? factsAsVars(r.facts) : {}, r.moduleFacts);
    const above: [string, ScopeVar][] = [...dataVars(facts), ...scopeVars(r.includedVars), ...dataVars(r.setFacts)];
    const again: TrackedVars = {};
    for (const [k] of above) {
      const t = Object.hasOwn(state.extraVars, k) ? state.extraVars[k] : undefined;
      if (t !== undefined) again[k] = t;
    }
    return [...above, ...scopeVars(again)];
  };
  const baseScope = p.scopes.get(host);
  if (!baseScope) return;
  const hostvarsMap: Vars = hostvarsMapping([...state.allScopes.keys()], (name) => hostvarsScopeOf(name));
  // Taken as the host starts the play (docs/variables.md, the run's own variables).
  const magic = dataVars(runMagicVars({ options: state.options, play: { name: play.name, hostsAll: p.hosts, batch, dead: (h) => state.hosts.get(h)?.dead !== undefined } }));
  const runVars = (r: HostRecord): [string, ScopeVar][] => [...factVars(r), ...magic, ["hostvars", { raw: hostvarsMap, data: true }]];
  let runScope = baseScope.forRun(runVars(rec));
  const roleScopes = new Map<string, { of: VarScope; scope: VarScope }>();
  const hostvarsScopeOf = (name: string): VarScope => {
    const other = state.hosts.get(name);
    if (other?.hostvarsScope) return other.hostvarsScope;
    const base = p.scopes.get(name) ?? state.allScopes.get(name);
    if (!base) throw new TaskFailedError(host, "hostvars", `no host named ${name} in the inventory`);
    const scope = base.forRun([...(other ? factVars(other) : []), ...magic, ["hostvars", { raw: hostvarsMap, data: true }]]);
    if (other) other.hostvarsScope = scope;
    return scope;
  };
  const refresh = (): void => {
    runScope = baseScope.forRun(runVars(rec));
    rec.hostvarsScope = undefined;
    roleScopes.clear();
  };

  // Role code and modules see plain values; templates see them as Python has them (`3.0` a float).
  const hostvars = (name: string): Vars & { facts?: Facts } => {
    const other = state.hosts.get(name);
    const scope = hostvarsScopeOf(name);
    return { ...codeVars(scope), ...(other?.facts ? { facts: other.facts } : {}) };
  };

  /** The scope a role's templates render in: the role's parsed variables on top where its schema changed them. */
  const roleScope = (parsed: Vars | undefined, key: string): VarScope => {
    if (parsed === undefined) return runScope;
    const cached = roleScopes.get(key);
    if (cached && cached.of === runScope) return cached.scope;
    const over: [string, ScopeVar][] = [];
    for (const [k, v] of Object.entries(parsed)) {
      // Role variables rank below what the run sets later: included vars, set facts, extra vars.
      if (Object.hasOwn(rec.includedVars, k) || Object.hasOwn(rec.setFacts, k) || Object.hasOwn(state.extraVars, k)) continue;
      let same = false;
      try {
        same = runScope.has(k) && samePlain(v, runScope.plainValue(k));
      } catch {
        same = false;
      }
      if (!same) over.push([k, { raw: v, data: true }]);
    }
    const scope = over.length === 0 ? runScope : runScope.extend(over);
    roleScopes.set(key, { of: runScope, scope });
    return scope;
  };

  const templateVars = (scope: VarScope, extra?: Vars): Vars => {
    const withExtra = extra && Object.keys(extra).length > 0 ? scope.extend(dataVars(extra)) : scope;
    return withExtra.templateContext();
  };

  const makeEnv = (tags: readonly string[], role: Role | undefined, handler: boolean, parsed: Vars | undefined, onNotSelected?: () => void): TaskEnv => {
    const dirs = role ? [roleDir(state, role), state.siteDir] : [state.siteDir];
    return {
      play: play.name,
      host,
      options: state.options,
      emit: state.emit,
      stats: rec.stats,
      tags,
      become: inheritedBecome,
      handler,
      mask: state.mask,
      shellFor: (target, user) => {
        const targetSpec = target === "localhost" ? { ...spec, name: "localhost", connection: "local" as const } : state.allSpecs.get(target);
        if (!targetSpec) throw new TaskFailedError(host, "delegateTo", `no host named ${target} to delegate to`);
        return state.pool.get(targetSpec).acquire(user);
      },
      renderTemplate: (src, extra, options) => state.templates.render(dirs.map((d) => join(d, "templates")), src, templateVars(roleScope(parsed, role?.name ?? ""), extra), options),
      readControlFile: (src) => readControlFile(dirs.map((d) => join(d, "files")), src),
      searchDirs: dirs,
      varsDirs: dirs.map((d) => join(d, "vars")),
      addFacts: (facts) => {
        Object.assign(rec.moduleFacts, facts);
        refresh();
      },
      stateDir: stateDirOf(vars),
      notify: async (names, task) => {
        for (const n of names) {
          const h = handlers.find((x) => x.name === n);
          if (!h) throw new TaskFailedError(host, task, `notifies ${JSON.stringify(n)}, which no role of this play nor the play defines as a handler`);
          notified.add(n);
          await pending?.notified(n, h.role?.name ?? null);
        }
      },
      ...(onNotSelected ? { onNotSelected } : {}),
      ...(fastPath ? { fastPath } : {}),
      checkAborted: () => {
        if (abort.fatal) throw new PlayAbortedError(`${host}: stopped: another host failed and the play has anyErrorsFatal`);
      },
    };
  };

  /** Gathers the host's facts as `user` (the play's become user for the play's own gather, as Ansible's setup task runs). */
  const gather = async (user: string | undefined): Promise<Facts> => {
    const lease = await readingShell(user);
    let facts: Facts;
    try {
      facts = await gatherInto(rec, lease.sh, user, state.fastPath?.python(host));
    } finally {
      lease.release();
    }
    refresh();
    return facts;
  };

  const scope = (env: TaskEnv, scopeVars: Vars, parsed: Vars | undefined, role: Role | undefined) => {
    const roleName = role?.name ?? "";
    return createHost({
      env,
      vars: scopeVars,
      modules: {
        owner: role ? `role ${role.name}` : `play ${JSON.stringify(play.name)}`,
        own: (role ? role.modules : play.modules) ?? [],
        site: state.modules,
      },
      // Read when used: a setup task (h.gatherFacts()) replaces them while the play runs.
      get facts() {
        return rec.facts;
      },
      gatherFacts: gather,
      groups: p.groups,
      hostvars,
      flushHandlers: () => flush(),
      // Keys name a task by file:line: two roles may each have a tasks/main.yml:8, so the role's name is part of it.
      runOnce: <T>(key: string, fn: () => Promise<T>): Promise<T> => {
        const k = `${roleName}\0${key}`;
        let r = runOnce.get(k);
        if (!r) {
          r = fn();
          runOnce.set(k, r);
        }
        return r as Promise<T>;
      },
      throttle: <T>(key: string, n: number, fn: () => Promise<T>): Promise<T> => {
        const k = `${roleName}\0${key}`;
        let limit = throttles.get(k);
        if (!limit) {
          limit = pLimit(n);
          throttles.set(k, limit);
        }
        return limit(fn);
      },
      resetConnection: () => state.pool.forget(spec.name),
      setFact: (v) => {
        Object.assign(rec.setFacts, v);
        refresh();
      },
      hasVarsFile: (files) => firstVarsFile(env.varsDirs, files) !== undefined,
      includeVars: async (files, name) => {
        const path = findVarsFile(env.varsDirs, files);
        const read = await readVarsFile(path, state.decrypt);
        if (name === undefined) Object.assign(rec.includedVars, read);
        else {
          // include_vars' `name:`: the file's variables as one mapping under that key.
          const entries = Object.entries(read);
          rec.includedVars[name] = { value: Object.fromEntries(entries.map(([k, t]) => [k, t.value])), exact: Object.fromEntries(entries.map(([k, t]) => [k, t.exact ?? t.value])), provenance: { file: path } };
        }
        refresh();
        return path;
      },
      templateValue: (raw, locals) => {
        const base = roleScope(parsed, roleName);
        const withLocals = Object.keys(locals).length > 0 ? base.extend(dataVars(locals)) : base;
        return plainOf(withLocals.templateValue(raw, { name: "<task argument>", provenance: { file: env.play } }));
      },
    });
  };

  /**
   * A role's parsed variables. Those whose values need facts were left out before the run: the
   * whole schema is validated now, in the host's variables with its facts, and a failure fails the
   * host before the role's tasks run.
   */
  const validated = new Map<string, Vars>();
  const roleParsedOf = (role: Role): Vars => {
    const late = p.deferred.get(host)?.get(role.name);
    if (late === undefined) return p.roleParsed.get(host)?.get(role.name) ?? {};
    const known = validated.get(role.name);
    if (known) return known;
    let result: ReturnType<typeof parseRoleVars>;
    try {
      result = parseRoleVars(role, host, runScope);
    } catch (err) {
      result = { vars: {}, deferred: [], problems: [err instanceof Error ? err.message : String(err)] };
    }
    const problems = [...result.problems, ...result.deferred.map((k) => `role ${role.name}, host ${host}: ${k}: its value still needs names the host does not have`)];
    if (problems.length > 0) {
      const msg = `variables of role ${role.name} (evaluated with the host's facts): ${problems.join("; ")}`;
      count(rec.stats, "failed");
      state.emit({ type: "task-end", play: play.name, host, task: `role ${role.name} variables`, module: "vars", status: "failed", msg, startedAt: Date.now(), durationMs: 0 });
      throw new TaskFailedError(host, `role ${role.name} variables`, msg);
    }
    validated.set(role.name, result.vars);
    return result.vars;
  };

  const flush = async (): Promise<void> => {
    // Definition order, each notified handler once; a handler may notify later ones.
    for (const h of handlers) {
      if (!notified.has(h.name)) continue;
      notified.delete(h.name);
      const parsed = h.role ? roleParsedOf(h.role) : undefined;
      const hv = codeVars(runScope, parsed ?? {});
      const tags = [...play.tags, ...(h.role?.tags ?? [])];
      let unselected = 0;
      await h.run(scope(makeEnv(tags, h.role, true, parsed, () => unselected++), hv, parsed, h.role));
      // A handler whose tasks --tags left out has not done its job: it stays pending.
      if (unselected === 0) await pending?.ran(h.name, h.role?.name ?? null);
    }
  };

  // Handlers an earlier run notified but never ran: notified again when their play (or role) starts.
  const notifyEarlier = (role: string | null): void => {
    for (const e of pending?.takeEarlier(role) ?? []) {
      notified.add(e.handler);
      count(rec.stats, "ok");
      state.emit(pendingNotice(e, { play: play.name, host, check: state.options.check }));
    }
  };

  try {
    // Facts an earlier play gathered as the same user are taken as they are: no task, nothing
    // counted, as Ansible's smart gathering skips its setup task for a host it has facts of.
    if (play.gatherFacts && !factsHold(rec, inheritedBecome)) {
      const started = Date.now();
      // As Ansible's setup task, facts are gathered with the play's become: user, env, chroot and
      // capability facts then describe the user the tasks run as.
      await gather(inheritedBecome);
      count(rec.stats, "ok");
      state.emit({ type: "task-end", play: play.name, host, task: "Gathering Facts", module: "facts", status: "ok", startedAt: started, durationMs: Date.now() - started });
    }
    await pending?.load();
    notifyEarlier(null);
    const playEnv = () => scope(makeEnv(play.tags, undefined, false, undefined), codeVars(runScope), undefined, undefined);
    // Ansible's sections: pre_tasks, roles and tasks, post_tasks, each followed by the handlers it notified.
    if (play.preTasks) {
      await play.preTasks(playEnv());
      await flush();
    }
    for (const role of play.roles) {
      notifyEarlier(role.name);
      const parsed = roleParsedOf(role);
      const rv = codeVars(runScope, parsed);
      await role.runTasks(scope(makeEnv([...play.tags, ...role.tags], role, false, parsed), rv, parsed, role));
    }
    if (play.tasks) await play.tasks(playEnv());
    await flush();
    if (play.postTasks) {
      await play.postTasks(playEnv());
      await flush();
    }
    if (state.options.tags.length > 0 || state.options.skipTags.length > 0) fastPath?.ranInPart();
  } catch (err) {
    fastPath?.ranInPart();
    if (err instanceof PlayAbortedError) {
      state.emit({ type: "host-failed", play: play.name, host, msg: err.message });
      rec.dead = "failed";
      return;
    }
    if (err instanceof HostUnreachableError || (err instanceof RemoteShellError && err.name === "RemoteShellError")) {
      if (rec.stats.unreachable === 0) {
        count(rec.stats, "unreachable");
        state.emit({ type: "task-end", play: play.name, host, task: "connect", module: "connection", status: "unreachable", msg: err.message, startedAt: Date.now(), durationMs: 0 });
      }
      rec.dead = "unreachable";
      rec.lostIn = p.index;
      state.emit({ type: "host-unreachable", play: play.name, host, msg: err.message });
    } else {
      if (!(err instanceof TaskFailedError)) {
        // An exception from the site's own code (a bug, a thrown Error): the host fails with it.
        count(rec.stats, "failed");
        state.emit({ type: "task-end", play: play.name, host, task: "(site code)", module: "code", status: "failed", msg: err instanceof Error ? err.message : String(err), startedAt: Date.now(), durationMs: 0 });
      }
      rec.dead = "failed";
      state.emit({ type: "host-failed", play: play.name, host, msg: err instanceof Error ? err.message : String(err) });
    }
    if (play.anyErrorsFatal) abort.fatal = true;
  } finally {
    state.emit({ type: "host-end", play: play.name, host });
  }
}
