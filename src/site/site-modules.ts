import { moduleNames } from "../modules/loaders.js";
import type { AnyModule } from "../modules/registry.js";
import { SiteError } from "./errors.js";
import { HOST_MEMBERS } from "./host.js";

// A site's own modules (defineModule from "do-converge/module"), listed by the plays and roles
// whose code calls them. Each becomes `h.<name>()`, beside the built-in modules: its name must be
// one a method can have, and no built-in's nor a member of h's, and one name is one module in the
// whole site (reports, the recap and --diff name a task's module by its name alone).

const METHOD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const BUILT_IN: ReadonlySet<string> = new Set(moduleNames);

/** Whether a value has the shape of a module (a ModuleDef), whichever copy of do-converge made it. */
export function isModuleDef(v: unknown): v is AnyModule {
  if (typeof v !== "object" || v === null) return false;
  const m = v as Record<string, unknown>;
  const args = m["args"] as { safeParse?: unknown } | undefined;
  return (
    typeof m["name"] === "string" &&
    typeof args === "object" &&
    args !== null &&
    typeof args.safeParse === "function" &&
    ["probe", "diff", "apply", "unchanged"].every((k) => typeof m[k] === "function")
  );
}

/** Why `name` cannot be a site's own module's name, or undefined when it can. */
function nameProblem(name: string): string | undefined {
  if (!METHOD_NAME.test(name)) return "is not a name a method of h can have (letters, digits, _ and $, not first a digit)";
  if (BUILT_IN.has(name)) return `is a built-in module's name (h.${name}): give yours another`;
  if (Object.hasOwn(HOST_MEMBERS, name)) return `is the name of h's own h.${name}: give yours another`;
  // A name such as `constructor` or `toString` would shadow what every object has.
  if (name in Object.prototype) return "is the name of a property every object has: give yours another";
  return undefined;
}

/**
 * A play's or role's `modules` list, checked: each a module, with a name it may have, one module
 * per name. `owner` names the play or role in the error ("role firewall").
 */
export function checkModules(owner: string, list: unknown): AnyModule[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new SiteError(`${owner}: modules: a list of modules (made with defineModule from "do-converge/module"), found ${typeof list}`);
  const byName = new Map<string, AnyModule>();
  list.forEach((m: unknown, i) => {
    if (!isModuleDef(m)) throw new SiteError(`${owner}: modules[${i}]: not a module: make it with defineModule() from "do-converge/module" (a name, an args schema, probe, diff, apply and unchanged)`);
    const problem = nameProblem(m.name);
    if (problem !== undefined) throw new SiteError(`${owner}: modules[${i}]: ${JSON.stringify(m.name)} ${problem}`);
    const other = byName.get(m.name);
    if (other !== undefined && other !== m) throw new SiteError(`${owner}: modules: two different modules are named ${JSON.stringify(m.name)}: one name, one module`);
    byName.set(m.name, m);
  });
  return [...byName.values()];
}

/** A module of the site, and who lists it ("role firewall", "play \"web\""). */
export interface SiteModule {
  readonly module: AnyModule;
  readonly listedBy: readonly string[];
}

/** What lists modules: a play, a role. */
export interface ModuleOwner {
  readonly owner: string;
  readonly modules: readonly AnyModule[];
}

/**
 * Every module the site's plays and roles list, by name. The same module may be listed by many
 * (a shared list of the site's modules); two different modules of one name are refused, naming
 * who lists each.
 */
export function siteModules(owners: readonly ModuleOwner[]): Map<string, SiteModule> {
  const out = new Map<string, { module: AnyModule; listedBy: string[] }>();
  for (const { owner, modules } of owners) {
    for (const m of checkModules(owner, modules)) {
      const known = out.get(m.name);
      if (known === undefined) out.set(m.name, { module: m, listedBy: [owner] });
      else if (known.module !== m) {
        throw new SiteError(`two different modules are named ${JSON.stringify(m.name)}: ${known.listedBy[0]}'s and ${owner}'s (one name, one module in a site)`);
      } else if (!known.listedBy.includes(owner)) known.listedBy.push(owner);
    }
  }
  return out;
}
