import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { Facts } from "./facts.js";

// The real-role differential test's cases: every template of every role vendored under
// test/fixtures/roles/, with the variables Ansible would give it in that role on a Debian 12 host.
// What the role's tasks decide at run time is in test/templates/roles/<role>/:
//   role.yml      which vars files the role's tasks include on Debian 12 (include_vars), and
//                 optionally an inventory (groups and peers its templates read), the host and
//                 the facts of other hosts its templates read;
//   runtime.yml   variables the role's tasks set (set_fact, register) that its templates read;
//   templates/<path under the role's templates/>.yml   the same, for one template (loop items).
// Every vendored role must have a role.yml: which OS vars apply is decided per role, not guessed.

const RoleOptions = z
  .object({
    /** Files under the role's vars/, in the order its tasks include them on Debian 12. */
    include_vars: z.array(z.string().regex(/^[^/]+\.ya?ml$/)).default([]),
    /** An inventory relative to the role's config directory (groups, peers). */
    inventory: z.string().optional(),
    /** The inventory host the templates render for; its facts are the Debian 12 fixture's. */
    host: z.string().default("node1"),
    /** Facts of other hosts that the templates read (hostvars[peer]), as `setup` names them. */
    peer_facts: z.record(z.string(), Facts).default({}),
  })
  .strict();

export interface RoleTemplateCase {
  /** `<role>/<path under templates/>` */
  name: string;
  role: string;
  /** The vendored role's directory. */
  roleDir: string;
  /** The template's path under the role's templates/. */
  path: string;
  /** The include_vars files, as the role's tasks name them (relative to its vars/). */
  includeVars: string[];
  /** Variables the role's tasks set at run time: for all its templates, and for this one. */
  runtime?: string;
  templateVars?: string;
  inventory?: string;
  host: string;
  peerFacts: Record<string, Facts>;
}

/** Every template of every vendored role, sorted by name. */
export function loadRoleCases(fixtures: string, configs: string): RoleTemplateCase[] {
  const roles = readdirSync(fixtures, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const stray = readdirSync(configs).filter((n) => !roles.includes(n));
  if (stray.length > 0) throw new Error(`${configs}: no vendored role for ${stray.join(", ")}`);
  return roles.flatMap((role) => roleCases(role, join(fixtures, role), join(configs, role)));
}

function roleCases(role: string, roleDir: string, configDir: string): RoleTemplateCase[] {
  const optionsFile = join(configDir, "role.yml");
  if (!existsSync(optionsFile)) throw new Error(`${optionsFile}: missing (which vars files does ${role} include on Debian 12?)`);
  const options = RoleOptions.parse(parse(readFileSync(optionsFile, "utf8")) ?? {});
  for (const f of options.include_vars) {
    if (!existsSync(join(roleDir, "vars", f))) throw new Error(`${optionsFile}: include_vars ${f}: no such file in ${role}/vars/`);
  }
  const templates = files(join(roleDir, "templates"));
  const perTemplate = join(configDir, "templates");
  const unknown = files(perTemplate).filter((f) => !templates.includes(f.replace(/\.yml$/, "")));
  if (unknown.length > 0) throw new Error(`${perTemplate}: no template of ${role} for ${unknown.join(", ")}`);
  const runtime = join(configDir, "runtime.yml");
  const inventory = options.inventory === undefined ? undefined : join(configDir, options.inventory);
  return templates.map((path) => {
    const templateVars = join(perTemplate, `${path}.yml`);
    return {
      name: `${role}/${path}`,
      role,
      roleDir,
      path,
      includeVars: options.include_vars,
      host: options.host,
      peerFacts: options.peer_facts,
      ...(existsSync(runtime) && { runtime }),
      ...(existsSync(templateVars) && { templateVars }),
      ...(inventory !== undefined && { inventory }),
    };
  });
}

/** The vars files do-converge is given, in Ansible's precedence order (each later one wins). */
export function varsFilesOf(c: RoleTemplateCase): string[] {
  return [
    ...["defaults/main.yml", "vars/main.yml"].map((f) => join(c.roleDir, f)).filter((f) => existsSync(f)),
    ...c.includeVars.map((f) => join(c.roleDir, "vars", f)),
    ...(c.runtime ? [c.runtime] : []),
    ...(c.templateVars ? [c.templateVars] : []),
  ];
}

/** Files under dir, relative to it, sorted; none when dir does not exist. */
function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
