import { VarDeferred, findCause } from "../vars/errors.js";
import { CONNECTION_VARIABLES, type ConnectionSpec, connectionSpec } from "../inventory/connection.js";
import { hostsOfGroup } from "../inventory/graph.js";
import type { Inventory } from "../inventory/model.js";
import { splitHostPattern } from "../inventory/pattern-syntax.js";
import { selectHosts } from "../inventory/patterns.js";
import { formatProvenance, trackVars, type Provenance, type TrackedValue, type TrackedVars } from "../inventory/provenance.js";
import type { Role, Site } from "../site/dsl.js";
import type { Vars } from "../site/host.js";
import { codeVars } from "../vars/code-view.js";
import { roleInput } from "../vars/role-input.js";
import type { VarScope } from "../vars/scope.js";
import { isPossiblyTemplate } from "../vars/template-text.js";
import { ConfigError } from "./errors.js";
import { RunScopes } from "./host-scopes.js";
import type { RunOptions } from "./options.js";
import type { PreparedPlay } from "./play.js";
import { playKeys } from "./handler-record.js";
import { isRunProvided } from "./run-provided-vars.js";
import { collectRunSecrets } from "./run-secrets.js";
import { STATE_DIR_VAR, checkStateDir } from "./state-dir.js";
import type { SecretMasker } from "../secrets/masker.js";

export interface PreparedRun {
  plays: PreparedPlay[];
  allSpecs: Map<string, ConnectionSpec>;
  /** Every inventory host's variables as code reads them (evaluated when read). */
  allVars: Map<string, Vars>;
  /** Every inventory host's variable scope (inventory and extra vars, magic variables). */
  allScopes: Map<string, VarScope>;
  /** `--extra-vars`, which outrank even facts and set facts, as in Ansible. */
  extraVars: TrackedVars;
  warnings: string[];
}

/**
 * An empty limit (`--limit "$HOSTS"` with the variable unset) is refused: dropped as if absent, it
 * would select every host of every play.
 */
export function checkLimit(limit: string | undefined): void {
  if (limit !== undefined && splitHostPattern(limit).length === 0) {
    throw new ConfigError(`--limit ${JSON.stringify(limit)}: an empty pattern (an unset variable?) would select every host; name the hosts or groups, or 'all'`);
  }
}

/** What prepareRun may know about the site beyond the site object. */
export interface PrepareContext {
  /** Names the site's code gives at run time (setFact keys, template vars): a value using one is deferred, not undefined. */
  readonly codeNames?: ReadonlySet<string>;
  /** Per play (by its place in the site), the variables of its varsFiles, read before (they may be encrypted). */
  readonly varsFiles?: ReadonlyMap<number, TrackedVars>;
}

/**
 * A role's variables for one host: evaluated (values that are templates), validated by the
 * role's schema. Values that need the host's facts are left out (`deferred`) and validated once
 * the host has them; every other problem is thrown as the role's error.
 */
export function parseRoleVars(role: Role, host: string, playScope: VarScope): { vars: Vars; deferred: readonly string[]; problems: readonly string[] } {
  // The role's parameters over the host's variables: templates among them evaluated as those are.
  const params = Object.entries(role.params);
  const scope = params.length === 0 ? playScope : playScope.extend(params.map(([k, raw]) => [k, { raw, provenance: { file: `role ${role.name} parameters` } }] as const));
  const input = roleInput(role.varsSchema, scope);
  if (input.problems.length > 0) return { vars: {}, deferred: input.deferred, problems: input.problems.map((p) => `role ${role.name}, host ${host}: ${p}`) };
  let parsed = role.parseVars(host, input.input, (k) => input.describe(k), input.deferred);
  // A role default that is itself a template (`z.string().default("{{ domain }}/x")`) is evaluated
  // in the host's variables, as Ansible evaluates role defaults, and validated again.
  const templated = Object.keys(parsed).filter((k) => !Object.hasOwn(input.input, k) && typeof parsed[k] === "string" && isPossiblyTemplate(parsed[k]));
  const deferred = [...input.deferred];
  if (templated.length > 0) {
    const defaults: Vars = {};
    const provenance = { file: `role ${role.name} defaults` };
    // The role's defaults are variables beneath all others, as Ansible's role defaults are: one
    // default may use another (`doc_root: "/var/www/{{ domain }}"` beside `domain: example.com`).
    const withDefaults = scope.extend(
      Object.keys(parsed)
        .filter((k) => !Object.hasOwn(input.input, k) && !scope.has(k))
        .map((k) => [k, { raw: parsed[k], provenance }] as const),
    );
    for (const k of templated) {
      try {
        defaults[k] = withDefaults.templateValue(parsed[k], { name: k, provenance });
      } catch (e) {
        // A default that needs facts (`"{{ ansible_processor_vcpus }}"`) is evaluated once the host has them.
        if (findCause(e, VarDeferred) === undefined) throw e;
        deferred.push(k);
      }
    }
    parsed = role.parseVars(host, { ...input.input, ...defaults }, (k) => input.describe(k), deferred);
  }
  // Parameters the schema does not declare are the role's variables all the same (its templates read them).
  const problems: string[] = [];
  for (const [k] of params) {
    if (Object.hasOwn(role.varsSchema.shape, k)) continue;
    try {
      parsed = { ...parsed, [k]: scope.plainValue(k) };
    } catch (e) {
      if (findCause(e, VarDeferred) !== undefined) deferred.push(k);
      else problems.push(`role ${role.name}, host ${host}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { vars: parsed, deferred, problems };
}

/**
 * `--extra-vars` as a layer of variables, each with its Python form where that differs. Made in
 * one pass: a `-e @file` may hold 200k variables, and every copy of them counts.
 */
function trackExtraVars(options: RunOptions): TrackedVars {
  const provenance = { file: "--extra-vars" };
  const exact = options.extraVarsExact ?? {};
  const out: TrackedVars = {};
  for (const key of Object.keys(options.extraVars)) {
    const value = options.extraVars[key];
    const tracked: TrackedValue = Object.hasOwn(exact, key) ? { value, provenance, exact: exact[key] } : { value, provenance };
    // An own property, so a variable named `__proto__` stays a variable.
    Object.defineProperty(out, key, { value: tracked, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * Everything that can be decided without touching a host: which hosts each play selects, each
 * host's variables through every layer (values that are templates evaluated as far as they can
 * be without facts), its connection settings, and each role's variables validated against the
 * role's schema. All problems are collected and reported together, so an operator fixes a bad
 * inventory in one pass, and no SSH connection is opened on bad input.
 */
export function prepareRun(site: Site, inv: Inventory, options: RunOptions, secrets?: SecretMasker, context: PrepareContext = {}): PreparedRun {
  // Not rounded up to 1 or left to fail in the middle of a play: a caller passing 0 meant something else.
  if (!Number.isInteger(options.forks) || options.forks < 1) throw new ConfigError(`forks must be a positive integer, not ${String(options.forks)}`);
  checkLimit(options.limit);
  // A set: a host's variables and connection settings are resolved once for the run and again
  // for each play that selects it, so the same mistake is met several times; it is said once.
  const problems = new Set<string>();
  const warnings: string[] = [];
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (err) {
      problems.add(err instanceof Error ? err.message : String(err));
      return undefined;
    }
  };
  const extraVars = trackExtraVars(options);
  const codeNames = context.codeNames ?? new Set<string>();
  const scopes = new RunScopes(inv, extraVars, (name) => isRunProvided(name) || codeNames.has(name));
  // `values` is the scope's codeVars, already made by the caller: one more view of every variable
  // (200k of them, from a big vars file) for the few connection variables would be waste.
  const specOf = (host: string, scope: VarScope, values: Vars): ConnectionSpec | undefined =>
    attempt(() => {
      const provenance: Record<string, Provenance> = {};
      for (const name of CONNECTION_VARIABLES) {
        const p = scope.raw(name)?.provenance;
        if (p !== undefined) provenance[name] = p;
      }
      // The values are evaluated already: text still holding `{{` is an !unsafe value, used as it is.
      return connectionSpec(host, { values, provenance, layers: {} }, (text) => text);
    });
  const allSpecs = new Map<string, ConnectionSpec>();
  const allVars = new Map<string, Vars>();
  const allScopes = new Map<string, VarScope>();
  for (const h of inv.hosts) {
    const scope = attempt(() => scopes.baseScope(h.name));
    if (!scope) continue;
    allScopes.set(h.name, scope);
    const values = codeVars(scope);
    allVars.set(h.name, values);
    const spec = specOf(h.name, scope, values);
    if (spec) allSpecs.set(h.name, spec);
  }

  const groups = Object.fromEntries(inv.groups.map((g) => [g.name, [...hostsOfGroup(inv, g.name)]]));
  const plays: PreparedPlay[] = [];
  const keys = playKeys(site.plays.map((p) => p.name));
  for (const [index, play] of site.plays.entries()) {
    const selection = attempt(() => selectHosts(inv, play.hosts, options.limit === undefined ? {} : { limit: options.limit }));
    if (!selection) continue;
    warnings.push(...selection.warnings.map((w) => `play ${JSON.stringify(play.name)}: ${w}`));
    // vars_files rank above the play's vars, as in Ansible.
    const playVars = { ...trackVars(play.vars, { file: `play ${JSON.stringify(play.name)} vars` }), ...context.varsFiles?.get(index) };
    const vars = new Map<string, Vars>();
    const playScopes = new Map<string, VarScope>();
    const roleVars = new Map<string, Map<string, Vars>>();
    const roleParsed = new Map<string, Map<string, Vars>>();
    const deferred = new Map<string, Map<string, readonly string[]>>();
    const specs = new Map<string, ConnectionSpec>();
    for (const host of selection.hosts) {
      const scope = attempt(() => scopes.playScope(host, playVars));
      if (!scope) continue;
      playScopes.set(host, scope);
      const hostVars = codeVars(scope);
      vars.set(host, hostVars);
      const spec = specOf(host, scope, hostVars);
      if (spec) specs.set(host, spec);
      const stateDir = scope.raw(STATE_DIR_VAR)?.provenance;
      const badStateDir = attempt(() => checkStateDir(host, hostVars, stateDir ? formatProvenance(stateDir) : undefined));
      if (badStateDir) problems.add(badStateDir);
      const perRole = new Map<string, Vars>();
      const perRoleParsed = new Map<string, Vars>();
      const perRoleDeferred = new Map<string, readonly string[]>();
      for (const role of play.roles) {
        const parsed = attempt(() => parseRoleVars(role, host, scope));
        if (!parsed) continue;
        for (const p of parsed.problems) problems.add(p);
        if (parsed.problems.length > 0) continue;
        perRole.set(role.name, codeVars(scope, parsed.vars));
        perRoleParsed.set(role.name, parsed.vars);
        if (parsed.deferred.length > 0) perRoleDeferred.set(role.name, parsed.deferred);
      }
      roleVars.set(host, perRole);
      roleParsed.set(host, perRoleParsed);
      if (perRoleDeferred.size > 0) deferred.set(host, perRoleDeferred);
    }
    plays.push({ play, key: keys[index] ?? play.name, index, hosts: selection.hosts, vars, scopes: playScopes, roleVars, roleParsed, deferred, specs, groups });
  }
  // Before the problems are reported: a value that failed its role's schema may be in them.
  if (secrets) {
    collectRunSecrets(secrets, site, { allVars, playVars: plays.map((p) => p.vars), roleVars: plays.map((p) => p.roleVars), specs: [allSpecs, ...plays.map((p) => p.specs)] });
  }
  if (problems.size > 0) {
    throw new ConfigError(`${problems.size} problem${problems.size > 1 ? "s" : ""} before any host was touched:\n  ${[...problems].join("\n  ")}`);
  }
  return { plays, allSpecs, allVars, allScopes, extraVars, warnings };
}



