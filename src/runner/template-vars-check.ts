import { existsSync } from "node:fs";
import { join, relative, sep } from "node:path";
import type { Site } from "../site/dsl.js";
import type { Vars } from "../site/host.js";
import { type FreeVariable, type TemplateEngine, TemplateError, createTemplateEngine } from "../template/index.js";
import { siteCode } from "./code-provided-vars.js";
import { VarDeferred, findCause } from "../vars/errors.js";
import { ConfigError } from "./errors.js";
import type { PreparedPlay } from "./play.js";
import { isRunProvided } from "./run-provided-vars.js";
import { type TemplateScope, filesUnder, templateScopes } from "./template-dirs.js";

/** Per host, the variable sets a template of one directory may be rendered with. */
type Contexts = Map<string, Vars[]>;

function add(contexts: Contexts, host: string, vars: Vars | undefined): void {
  if (vars === undefined) return;
  const list = contexts.get(host) ?? [];
  list.push(vars);
  contexts.set(host, list);
}

/** A role's templates render with that role's variables, for each host of each play using it. */
function roleContexts(scope: TemplateScope, plays: readonly PreparedPlay[]): Contexts {
  const contexts: Contexts = new Map();
  for (const p of plays) {
    for (const role of p.play.roles) {
      if (!scope.roles.includes(role)) continue;
      for (const host of p.hosts) {
        add(contexts, host, p.roleVars.get(host)?.get(role.name) ?? p.vars.get(host));
        // Role variables whose values wait for facts are the role's all the same: defined, judged later.
        const later = p.deferred.get(host)?.get(role.name) ?? [];
        if (later.length > 0) add(contexts, host, Object.fromEntries(later.map((k) => [k, undefined])));
      }
    }
  }
  return contexts;
}

/** The site's templates may render from any play's tasks or any role (they are every role's fallback). */
function siteContexts(plays: readonly PreparedPlay[]): Contexts {
  const contexts: Contexts = new Map();
  for (const p of plays) {
    for (const host of p.hosts) {
      add(contexts, host, p.vars.get(host));
      for (const vars of p.roleVars.get(host)?.values() ?? []) add(contexts, host, vars);
    }
  }
  return contexts;
}

/**
 * The hosts for which `name` is certainly missing. A role template: the hosts whose every role
 * context lacks it. A site template, whose users we cannot tell: every host, but only when no
 * host has it anywhere — a name some host defines may belong to a play the others never run.
 */
function missingFor(name: string, scope: TemplateScope, contexts: Contexts): string[] {
  const lacking = [...contexts].filter(([, list]) => !list.some((vars) => Object.hasOwn(vars, name))).map(([host]) => host);
  if (scope.roles.length > 0 || lacking.length === contexts.size) return lacking;
  return [];
}

/**
 * The hosts whose value of `name` cannot be evaluated (a value that is a template and names an
 * undefined variable, a cycle, a syntax error), with the variable's own error. A value that
 * waits for facts is not judged here.
 */
function brokenFor(name: string, contexts: Contexts): Map<string, string> {
  const broken = new Map<string, string>();
  for (const [host, list] of contexts) {
    for (const vars of list) {
      if (!Object.hasOwn(vars, name)) continue;
      try {
        void vars[name];
      } catch (e) {
        if (e instanceof TemplateError) broken.set(host, e.message);
        else if (!(findCause(e, VarDeferred) !== undefined)) throw e;
      }
    }
  }
  return broken;
}

/** A template name as found on the search paths, relative to the site directory. */
function located(scope: TemplateScope, file: string, siteDir: string): string {
  const dir = scope.searchPaths.find((d) => existsSync(join(d, file)));
  return dir === undefined ? file : relative(siteDir, join(dir, file));
}

/** What the engine says, or nothing: syntax errors and missing templates are checkTemplates' to report. */
function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TemplateError) return fallback;
    throw e;
  }
}

/**
 * Before any host is touched: every variable a template certainly needs (see
 * TemplateEngine.freeVariables; guarded uses are not judged) must be defined for each host that
 * renders it — by the host's role variables (inventory, group/host vars, play and extra vars,
 * role defaults, magic variables), by the run (hostvars, facts), or by the site's code (literal
 * template vars and setFact keys). Every problem is reported at once as a ConfigError. When the
 * code provides names we cannot list, nothing is judged and `skipped` says why.
 */
export async function checkTemplateVars(site: Site, siteDir: string, plays: readonly PreparedPlay[]): Promise<{ skipped?: string }> {
  const scopes = templateScopes(site, siteDir);
  const code = await siteCode(site, siteDir);
  if (code.opaque !== undefined) return { skipped: code.opaque };

  const engines = new Map<TemplateScope, { engine: TemplateEngine; names: string[] }>();
  const referenced = new Set<string>();
  for (const scope of scopes) {
    const engine = createTemplateEngine({ searchPaths: [...scope.searchPaths] });
    const names = filesUnder(scope.dir).map((f) => relative(scope.dir, f).split(sep).join("/"));
    engines.set(scope, { engine, names });
    for (const name of names) for (const r of attempt(() => engine.references(name), [])) referenced.add(r);
  }

  const problems = new Map<string, { v: FreeVariable; path: string; hosts: string[]; label: string }>();
  const broken = new Set<string>();
  for (const [scope, { engine, names }] of engines) {
    const contexts = scope.roles.length > 0 ? roleContexts(scope, plays) : siteContexts(plays);
    const label = scope.roles.length > 0 ? `role ${scope.roles.map((r) => r.name).join(", ")}` : "site templates";
    for (const name of names) {
      // A partial is judged through the templates that include it, where its loop variables are bound.
      if (referenced.has(name) && !code.sources.has(name)) continue;
      const needed = attempt(() => engine.freeVariables(name), []).filter((v) => !v.guarded && !isRunProvided(v.name) && !code.names.has(v.name));
      for (const v of needed) {
        // The template pre-flight follows a variable into its value: one that cannot be evaluated fails here too.
        for (const [host, why] of brokenFor(v.name, contexts)) {
          const path = located(scope, v.file, siteDir);
          broken.add(`${path}:${v.line}:${v.column}: '${v.name}' for host ${host}: ${why}`);
        }
        const hosts = missingFor(v.name, scope, contexts);
        if (hosts.length === 0) continue;
        const path = located(scope, v.file, siteDir);
        const key = `${path}\0${v.name}`;
        const seen = problems.get(key);
        if (seen === undefined) problems.set(key, { v, path, hosts, label });
        else for (const h of hosts) if (!seen.hosts.includes(h)) seen.hosts.push(h);
      }
    }
  }
  if (problems.size === 0 && broken.size === 0) return {};
  if (problems.size === 0) throw new ConfigError(`template variable${broken.size > 1 ? "s" : ""} that cannot be evaluated (nothing was run):\n  ${[...broken].join("\n  ")}`);
  const lines = [...problems.values()].map(
    ({ v, path, hosts, label }) => `${path}:${v.line}:${v.column}: undefined variable '${v.name}' for host${hosts.length > 1 ? "s" : ""} ${hosts.join(", ")} (${label})`,
  );
  throw new ConfigError(`undefined template variable${lines.length + broken.size > 1 ? "s" : ""} (nothing was run):\n  ${[...lines, ...broken].join("\n  ")}`);
}
