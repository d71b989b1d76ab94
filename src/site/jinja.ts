import type { z } from "zod";
import type { ModuleDef } from "../modules/contract.js";
import type { ModuleName, Modules } from "../modules/registry.js";
import type { Vars } from "./host.js";

/**
 * A Jinja2 expression or template text kept as Ansible wrote it, evaluated when its task runs in
 * the host's variables. Roles imported from Ansible use it where a value is only known then.
 */
export class Jinja {
  readonly kind = "jinja";
  constructor(readonly source: string) {}
}

/**
 * Whether a value is a Jinja marker. By shape, not `instanceof`: a site may run another copy of
 * do-converge than the engine's (its own install, a site compiled to CommonJS, a site loaded again
 * in one process), whose `jinja()` builds instances of another copy of the class.
 */
export function isJinja(value: unknown): value is Jinja {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "jinja" && typeof (value as { source?: unknown }).source === "string";
}

/** Marks text as a template to evaluate at run time (`jinja("{{ nginx_user }}")`). */
export function jinja(source: string): Jinja {
  return new Jinja(source);
}

/** A value in which any part may be a template evaluated at run time (its result is validated then). */
export type WithJinja<T> = Jinja | (T extends readonly (infer E)[] ? WithJinja<E>[] : T extends Record<string, unknown> ? { [K in keyof T]: WithJinja<T[K]> } : T);

type ArgsOf<M> = M extends ModuleDef<infer S, infer _State, infer _R> ? z.input<S> : never;

/** Ansible's templating, for roles imported from Ansible: evaluated in the host's variables (the role's on top) and `locals`. */
export interface JinjaMethods {
  /**
   * A module's arguments with their templates evaluated, as Ansible templates a task's arguments;
   * the module's schema validates the result when the task runs.
   */
  args<M extends ModuleName>(module: M, args: WithJinja<ArgsOf<Modules[M]>>, locals?: Vars): ArgsOf<Modules[M]>;
  /** A `when` condition (a bare Jinja2 expression), true or false as Ansible judges it. */
  when(condition: string, locals?: Vars): boolean;
  /** Any value with its templates evaluated (a lone `{{ x }}` gives x's value, lists and dicts too). */
  value(value: unknown, locals?: Vars): unknown;
  /**
   * A task's `environment`: a mapping, or a list of them merged in order (a block's then the
   * task's), its templates evaluated and each value made text as Python's str() makes it.
   */
  env(value: unknown, locals?: Vars): Record<string, string>;
  /**
   * with_fileglob's files: the patterns (a list, or one) found on the control node in the role's
   * files/ and directory, then the site's, as absolute paths (Ansible's fileglob lookup).
   */
  fileglob(patterns: unknown, locals?: Vars): string[];
  /**
   * with_nested's items (every combination, in order) or with_together's (the lists side by side,
   * padded with null): each item a list, as Ansible's nested and together lookups give them.
   */
  combine(how: "nested" | "together", terms: unknown, locals?: Vars): unknown[][];
  /** `ansible_loop` of loop_control `extended`, for the item at `index` of `items`. */
  loopInfo(items: readonly unknown[], index: number): Vars;
  /** What `loop:` or `with_items:` iterates: a list, or the task fails. */
  list(value: unknown, locals?: Vars, flatten?: boolean): unknown[];
}
