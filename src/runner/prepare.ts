import { type ConnectionSpec, connectionSpec } from "../inventory/connection.js";
import { hostsOfGroup } from "../inventory/graph.js";
import { magicVars } from "../inventory/magic.js";
import type { Inventory } from "../inventory/model.js";
import { splitHostPattern } from "../inventory/pattern-syntax.js";
import { selectHosts } from "../inventory/patterns.js";
import { resolveHostVars } from "../inventory/precedence.js";
import { formatProvenance, trackVars } from "../inventory/provenance.js";
import type { Site } from "../site/dsl.js";
import type { Vars } from "../site/host.js";
import { ConfigError } from "./errors.js";
import type { RunOptions } from "./options.js";
import type { PreparedPlay } from "./play.js";
import { playKeys } from "./handler-record.js";
import { collectRunSecrets } from "./run-secrets.js";
import { STATE_DIR_VAR, checkStateDir } from "./state-dir.js";
import type { SecretMasker } from "../secrets/masker.js";

export interface PreparedRun {
  plays: PreparedPlay[];
  allSpecs: Map<string, ConnectionSpec>;
  allVars: Map<string, Vars>;
  /** Per host, the vars whose Python form differs from the plain one, in that form (templates only). */
  allExact: Map<string, Vars>;
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

/**
 * Everything that can be decided without touching a host: which hosts each play selects, each
 * host's variables through every layer, its connection settings, and each role's variables
 * validated against the role's schema. All problems are collected and reported together, so an
 * operator fixes a bad inventory in one pass, and no SSH connection is opened on bad input.
 */
export function prepareRun(site: Site, inv: Inventory, options: RunOptions, secrets?: SecretMasker): PreparedRun {
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
  const extraVars = trackVars(options.extraVars, { file: "--extra-vars" });
  for (const [k, exact] of Object.entries(options.extraVarsExact ?? {})) {
    const tracked = extraVars[k];
    if (tracked !== undefined) extraVars[k] = { ...tracked, exact };
  }
  const allSpecs = new Map<string, ConnectionSpec>();
  const allVars = new Map<string, Vars>();
  const allExact = new Map<string, Vars>();
  for (const h of inv.hosts) {
    const resolved = attempt(() => resolveHostVars(inv, h.name, { extraVars }));
    if (!resolved) continue;
    allVars.set(h.name, { ...resolved.values, ...magicVars(inv, h.name) });
    if (resolved.exact) allExact.set(h.name, resolved.exact);
    const spec = attempt(() => connectionSpec(h.name, resolved));
    if (spec) allSpecs.set(h.name, spec);
  }

  const groups = Object.fromEntries(inv.groups.map((g) => [g.name, [...hostsOfGroup(inv, g.name)]]));
  const plays: PreparedPlay[] = [];
  const keys = playKeys(site.plays.map((p) => p.name));
  for (const [index, play] of site.plays.entries()) {
    const selection = attempt(() => selectHosts(inv, play.hosts, options.limit === undefined ? {} : { limit: options.limit }));
    if (!selection) continue;
    warnings.push(...selection.warnings.map((w) => `play ${JSON.stringify(play.name)}: ${w}`));
    const playVars = trackVars(play.vars, { file: `play ${JSON.stringify(play.name)} vars` });
    const vars = new Map<string, Vars>();
    const roleVars = new Map<string, Map<string, Vars>>();
    const exact = new Map<string, Vars>();
    const specs = new Map<string, ConnectionSpec>();
    for (const host of selection.hosts) {
      const resolved = attempt(() => resolveHostVars(inv, host, { playVars, extraVars }));
      if (!resolved) continue;
      const hostVars: Vars = { ...resolved.values, ...magicVars(inv, host) };
      vars.set(host, hostVars);
      if (resolved.exact) exact.set(host, resolved.exact);
      const spec = attempt(() => connectionSpec(host, resolved));
      if (spec) specs.set(host, spec);
      const source = (key: string) => {
        const p = resolved.provenance[key];
        return p ? formatProvenance(p) : undefined;
      };
      const badStateDir = checkStateDir(host, hostVars, source(STATE_DIR_VAR));
      if (badStateDir) problems.add(badStateDir);
      const perRole = new Map<string, Vars>();
      for (const role of play.roles) {
        const rv = attempt(() => role.parseVars(host, hostVars, source));
        if (rv) perRole.set(role.name, rv);
      }
      roleVars.set(host, perRole);
    }
    plays.push({ play, key: keys[index] ?? play.name, index, hosts: selection.hosts, vars, roleVars, exact, specs, groups });
  }
  // Before the problems are reported: a value that failed its role's schema may be in them.
  if (secrets) {
    collectRunSecrets(secrets, site, { allVars, playVars: plays.map((p) => p.vars), roleVars: plays.map((p) => p.roleVars), specs: [allSpecs, ...plays.map((p) => p.specs)] });
  }
  if (problems.size > 0) {
    throw new ConfigError(`${problems.size} problem${problems.size > 1 ? "s" : ""} before any host was touched:\n  ${[...problems].join("\n  ")}`);
  }
  return { plays, allSpecs, allVars, allExact, warnings };
}
