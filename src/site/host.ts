import type { z } from "zod";
import type { Facts } from "../facts/gather.js";
import type { ModuleDef } from "../modules/contract.js";
import type { AnyModule, ModuleName, Modules } from "../modules/registry.js";
import type { Jinja, JinjaMethods } from "./jinja.js";
import type { TaskMeta, TaskResult } from "./task-meta.js";

/** Variables as the inventory and plays give them: plain data keyed by name. */
export type Vars = Record<string, unknown>;

type ArgsOf<M> = M extends ModuleDef<infer S, infer _State, infer _R> ? z.input<S> : never;
type ResultOf<M> = M extends ModuleDef<infer _S, infer _State, infer R> ? R : never;

/** One typed method per module of `T` (method name → module): arguments as its schema takes them, its result. */
type MethodsOf<T> = {
  [K in keyof T]: (args: ArgsOf<T[K]>, meta?: TaskMeta<ResultOf<T[K]>>) => Promise<TaskResult<ResultOf<T[K]>>>;
};

/** `h.file(...)`, `h.template(...)`, ...: one typed method per built-in module. */
export type ModuleMethods = MethodsOf<Modules>;

/**
 * A site's own modules (a play's or role's `modules` list) by the name `h` offers each under. A
 * name a built-in module or `h` itself has is left out (the run refuses such a module), and so is
 * a module whose name is not a literal: it could not be told apart from the other properties.
 */
export type ModulesByName<L extends readonly AnyModule[]> = {
  [D in L[number] as D["name"] extends ModuleName | keyof HostContext ? never : string extends D["name"] ? never : D["name"]]: D;
};

export interface BlockOptions {
  name?: string;
  /** Runs when a task in the block fails; the host carries on if it returns normally. */
  rescue?: (error: Error) => Promise<void>;
  /** Runs after the block (and rescue) whatever happened. */
  always?: () => Promise<void>;
}

/**
 * The host context of a role's or play's tasks: `when` is `if`, loops are `for`, `register` is
 * the value a module call returns. One method per built-in module, and one per module of the site
 * the play or role lists in its `modules` (`L`: that list's type).
 */
export type Host<V extends Vars = Vars, L extends readonly AnyModule[] = []> = HostContext<V> & ModuleMethods & MethodsOf<ModulesByName<L>>;

/** What `h` offers besides the modules' methods. */
export interface HostContext<V extends Vars = Vars> {
  readonly name: string;
  /** The host's variables (inventory, play, extra vars) with the role's parsed vars on top. */
  readonly vars: V & Vars;
  /**
   * The host's facts: gathered once in the run, by the first play with gatherFacts (later plays
   * take them as they are) or by gatherFacts(). Throws when none has gathered them yet.
   */
  readonly facts: Facts;
  /** Group name → host names, as the inventory has them (`all` included). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Another host's variables, and its facts once gathered in this run. */
  hostvars(name: string): Vars & { facts?: Facts };
  /** True in check mode (`--check`). */
  readonly check: boolean;
  /** Runs the handlers notified so far, now instead of at the end of the play. */
  flushHandlers(): Promise<void>;
  /** Runs fn on the first host that gets here; the others wait and get its result. */
  runOnce<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs fn with at most `limit` hosts of the play inside fn for the same `key` at once (Ansible's
   * `throttle`); the others wait for a slot.
   */
  throttle<T>(key: string, limit: number, fn: () => Promise<T>): Promise<T>;
  /**
   * Closes this host's connection (Ansible's `meta: reset_connection`): the next task connects
   * again, so a login session sees what changed since (a user's new groups).
   */
  resetConnection(): Promise<void>;
  /** Waits `seconds` (loop_control's pause between a loop's items). */
  sleep(seconds: number): Promise<void>;
  /** block/rescue/always with failures reported as Ansible does (rescued, not failed). */
  block(fn: () => Promise<void>, opts?: BlockOptions): Promise<void>;
  /** Fails the host with a message (Ansible's `fail`); a task, so tags select it like any other. */
  fail(msg: string, meta?: { tags?: string[] }): Promise<void>;
  /** Prints a message for this host (Ansible's `debug`). */
  debug(msg: unknown, meta?: { tags?: string[] }): Promise<void>;
  /**
   * Gathers the host's facts again (Ansible's `setup` task): they replace the earlier ones for the
   * rest of the run, in h.facts, templates and hostvars — after a task that changed what they
   * report (the hostname, an address, a local fact in /etc/ansible/facts.d). A task: tags select
   * it; it gathers as the play's become user unless `become` says otherwise; it only reads, so it
   * gathers in check mode too. The result holds the facts as the setup module returns them (`ansible_facts.ansible_hostname`; none when skipped).
   */
  gatherFacts(meta?: Pick<TaskMeta<unknown>, "name" | "tags" | "become">): Promise<TaskResult<{ ansible_facts?: Record<string, unknown> }>>;
  /** Sets variables for this host for the rest of the run, visible through hostvars(). */
  setFact(vars: Vars): void;
  /**
   * Ansible's `include_vars`: reads a YAML vars file of the role's `vars/` (then the site's) — the
   * first of several that exists, as `with_first_found` picks it — and sets its variables for
   * this host for the rest of the run: above inventory and play vars, below set facts and extra
   * vars. Names are templates (`"{{ ansible_facts.os_family }}.yml"`); values that are templates
   * are evaluated when used, as Ansible's are (docs/variables.md). `name` puts them under one key.
   * `skip`: none of a list found skips the task instead of failing it (first_found's `skip: true`).
   */
  includeVars(file: string | Jinja | readonly (string | Jinja)[], meta?: { name?: string; tags?: string[]; skip?: boolean }): Promise<void>;
  /** Ansible's templating at run time: what roles imported from Ansible use for `{{ }}` and `when`. */
  readonly jinja: JinjaMethods;
}

/**
 * The names of `h`'s own members, which no module may take (a module named `debug` would hide
 * h.debug). `satisfies` keeps the list whole: a member added to HostContext must be added here.
 */
export const HOST_MEMBERS = {
  name: true,
  vars: true,
  facts: true,
  groups: true,
  hostvars: true,
  check: true,
  flushHandlers: true,
  runOnce: true,
  throttle: true,
  resetConnection: true,
  sleep: true,
  block: true,
  fail: true,
  debug: true,
  gatherFacts: true,
  setFact: true,
  includeVars: true,
  jinja: true,
} as const satisfies Record<keyof HostContext, true>;
