import { z } from "zod";
import type { AnyModule } from "../modules/registry.js";
import { SiteError, VarsValidationError } from "./errors.js";
import type { Host, Vars } from "./host.js";
import { type ModuleOwner, checkModules, isModuleDef, siteModules } from "./site-modules.js";

type Shape = z.ZodRawShape;
/** The type of a `modules` list: the site's own modules a play's or role's code calls. */
type ModuleList = readonly AnyModule[];
type Handler<V extends Vars, L extends ModuleList = []> = (h: Host<V, L>) => Promise<unknown>;

export interface RoleDef<S extends Shape, L extends ModuleList = []> {
  name: string;
  /** The role's variables: types, defaults (the lowest precedence) and validation. */
  vars?: z.ZodObject<S>;
  /**
   * The site's own modules the role's tasks and handlers call, made with defineModule() from
   * "do-converge/module": each is `h.<its name>()`, typed from its argument schema.
   */
  modules?: L;
  /** Handlers by name, run once at the end of the play when a task notified them. */
  handlers?: Record<string, Handler<z.output<z.ZodObject<S>> & Vars, L>>;
  tasks(h: Host<z.output<z.ZodObject<S>> & Vars, L>, v: z.output<z.ZodObject<S>>): Promise<void>;
  /** The role's directory (templates/, files/); default: roles/<name> beside the site file. */
  dir?: string;
  tags?: string[];
  /**
   * Roles that run before this one in every play that has it (Ansible's meta/main.yml
   * `dependencies`), theirs first, each with its parameters (`{ role, vars }`); a role already
   * run in the play with the same parameters is not run again.
   */
  dependencies?: (Role | { role: Role; vars: Vars })[];
}

/** A role as plays hold it: its vars type is checked inside, where role() was called. */
export interface Role {
  readonly kind: "role";
  readonly name: string;
  readonly dir: string | undefined;
  readonly tags: readonly string[];
  readonly handlerNames: readonly string[];
  readonly dependencies: readonly Role[];
  /** The site's own modules the role's code calls (`h.<name>()` in its tasks and handlers). */
  readonly modules: readonly AnyModule[];
  /**
   * Parameters given where a play lists the role (`{ role, vars }`, Ansible's role params): they
   * override the role's variables for this role only, and their templates are evaluated as the
   * host's variables are.
   */
  readonly params: Readonly<Vars>;
  /** The role's vars schema: what `secrets generate` reads its secret() variables from. */
  readonly varsSchema: z.ZodObject;
  /**
   * Applies defaults and validates; `source(key)` names where a variable was set. `skip`: keys not
   * validated now (their values need the host's facts; they are validated once it has them).
   */
  parseVars(host: string, vars: Vars, source?: (key: string) => string | undefined, skip?: readonly string[]): Vars;
  runTasks(h: Host): Promise<void>;
  runHandler(name: string, h: Host): Promise<unknown>;
}

export function role<S extends Shape = Record<never, never>, const L extends ModuleList = []>(def: RoleDef<S, L>): Role {
  const schema = def.vars ?? z.object({});
  type V = z.output<z.ZodObject<S>> & Vars;
  const modules = checkModules(`role ${def.name}`, def.modules);
  return {
    kind: "role",
    name: def.name,
    dir: def.dir,
    tags: def.tags ?? [],
    handlerNames: Object.keys(def.handlers ?? {}),
    dependencies: (def.dependencies ?? []).map((d) => ("kind" in d ? d : withParams(d.role, d.vars))),
    modules,
    params: {},
    varsSchema: schema,
    parseVars(host, vars, source, skip) {
      // Only the role's own keys are validated; every other variable passes through untouched.
      const keys = skip?.filter((k) => Object.hasOwn(schema.shape, k)) ?? [];
      const parsed = (keys.length === 0 ? schema : z.object(Object.fromEntries(Object.entries(schema.shape).filter(([k]) => !keys.includes(k))))).safeParse(vars);
      if (!parsed.success) {
        throw new VarsValidationError(
          def.name,
          host,
          parsed.error.issues.map((i) => {
            const key = i.path.map(String).join(".") || "(vars)";
            const src = source?.(String(i.path[0] ?? ""));
            return { key, message: i.message, ...(src ? { source: src } : {}) };
          }),
        );
      }
      return { ...vars, ...parsed.data };
    },
    // parseVars produced h.vars from this role's schema, which is what makes these views sound.
    // The run gives the role's h a method for each module of its list (host-context.ts).
    runTasks: (h) => def.tasks(h as Host<V, L>, h.vars as V),
    runHandler(name, h) {
      const handler = def.handlers?.[name];
      if (!handler) throw new SiteError(`role ${def.name} has no handler ${JSON.stringify(name)}`);
      return handler(h as Host<V, L>);
    },
  };
}

/** `serial`: a batch size, a percentage of the play's hosts, or a list of them (the last repeats). */
export const Serial = z.union([
  z.number().int().positive(),
  z.string().regex(/^\d+(\.\d+)?%$/, "a percentage such as \"30%\""),
  z.array(z.union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?%$/)])).min(1),
]);

const PlaySchema = z.strictObject({
  name: z.string().min(1),
  /** A host pattern: group names, `all`, globs, `a:b`, `a:&b`, `a:!b`, `group[0]`. */
  hosts: z.string().min(1),
  /** Roles, or `{ role, vars }`: a role with parameters for this play. */
  roles: z
    .array(
      z.union([
        z.custom<Role>((r) => typeof r === "object" && r !== null && (r as Role).kind === "role", "a role()"),
        z.strictObject({ role: z.custom<Role>((r) => typeof r === "object" && r !== null && (r as Role).kind === "role", "a role()"), vars: z.record(z.string(), z.unknown()) }),
      ]),
    )
    .default([]),
  /**
   * The site's own modules the play's tasks and handlers call, made with defineModule() from
   * "do-converge/module" (checked by play(): names, one module per name).
   */
  modules: z.array(z.custom<AnyModule>(isModuleDef, 'a module made with defineModule() from "do-converge/module"')).default([]),
  /** Before the roles, their notified handlers run right after (Ansible's pre_tasks). */
  preTasks: z.custom<(h: Host) => Promise<void>>((f) => typeof f === "function", "an async function (h) => ...").optional(),
  tasks: z.custom<(h: Host) => Promise<void>>((f) => typeof f === "function", "an async function (h) => ...").optional(),
  /** After the tasks and the handlers they notified, with their own handlers after (Ansible's post_tasks). */
  postTasks: z.custom<(h: Host) => Promise<void>>((f) => typeof f === "function", "an async function (h) => ...").optional(),
  handlers: z.record(z.string(), z.custom<Handler<Vars>>((f) => typeof f === "function", "an async function (h) => ...")).default({}),
  vars: z.record(z.string(), z.unknown()).default({}),
  /**
   * YAML vars files (Ansible's play vars_files), relative to the site file, read before the run
   * (ansible-vault and encrypted ones opened with the run's keys); their variables rank above the
   * play's `vars`, a later file's above an earlier one's.
   */
  varsFiles: z.array(z.string().min(1)).default([]),
  serial: Serial.optional(),
  /** Abort the play when more than this percentage of a batch's hosts failed. */
  maxFailPercentage: z.number().min(0).max(100).optional(),
  /** Any host failing stops every host of the play at its next task. */
  anyErrorsFatal: z.boolean().default(false),
  gatherFacts: z.boolean().default(true),
  become: z.union([z.boolean(), z.string().min(1)]).default(false),
  tags: z.array(z.string()).default([]),
});
type PlayCode = "modules" | "preTasks" | "tasks" | "postTasks" | "handlers";
/**
 * A play as a site writes it. Its code's `h` has a method for each module of its `modules` list
 * (`L`), which the schema cannot say: those keys are typed here, the rest come from the schema.
 */
export type PlayDef<L extends ModuleList = []> = Omit<z.input<typeof PlaySchema>, PlayCode> & {
  modules?: L;
  preTasks?: (h: Host<Vars, L>) => Promise<void>;
  tasks?: (h: Host<Vars, L>) => Promise<void>;
  postTasks?: (h: Host<Vars, L>) => Promise<void>;
  handlers?: Record<string, Handler<Vars, L>>;
};
export type Play = Omit<z.output<typeof PlaySchema>, "roles"> & { readonly roles: Role[]; readonly kind: "play" };

export function play<const L extends ModuleList = []>(def: PlayDef<L>): Play {
  const parsed = PlaySchema.safeParse(def);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new SiteError(`play ${JSON.stringify(def.name ?? "?")}: ${i?.path.join(".") || "(play)"}: ${i?.message ?? "invalid"}`);
  }
  const roles = withDependencies(parsed.data.roles.map((r) => ("kind" in r ? r : withParams(r.role, r.vars))), def.name);
  const modules = checkModules(`play ${JSON.stringify(def.name)}`, parsed.data.modules);
  // Records of a role's variables are kept by its name: one role with two sets of parameters in a play would mix them.
  for (const r of roles) {
    const other = roles.find((o) => o.name === r.name && JSON.stringify(o.params) !== JSON.stringify(r.params));
    if (other) throw new SiteError(`play ${JSON.stringify(def.name)}: role ${r.name} is listed with different parameters (as a dependency too): give it one set per play`);
  }
  const done: Play = { ...parsed.data, modules, roles, kind: "play" };
  siteModules(moduleOwners([done]));
  return done;
}

/** Who lists modules in these plays: each play, and each of its roles (dependencies included). */
export function moduleOwners(plays: readonly Play[]): ModuleOwner[] {
  return plays.flatMap((p) => [{ owner: `play ${JSON.stringify(p.name)}`, modules: p.modules }, ...p.roles.map((r) => ({ owner: `role ${r.name}`, modules: r.modules }))]);
}

/** A role with parameters: the same role, its variables given these values on top. */
function withParams(role: Role, params: Vars): Role {
  return { ...role, params };
}

/**
 * A play's roles with their dependencies before them, depth first, as Ansible orders them. A
 * dependency a role of that name has already run in the play is left out, and so is a listed role
 * that already ran as a dependency (Ansible runs a role once per play); a dependency cycle is an error.
 */
function withDependencies(roles: readonly Role[], play: string): Role[] {
  const out: Role[] = [];
  const ran = new Set<string>();
  const visit = (r: Role, path: readonly string[], dependency: boolean): void => {
    if (path.includes(r.name)) throw new SiteError(`play ${JSON.stringify(play)}: role dependencies form a cycle: ${[...path, r.name].join(" -> ")}`);
    for (const d of r.dependencies) visit(d, [...path, r.name], true);
    const key = `${r.name}\0${JSON.stringify(r.params)}`;
    if (dependency && ran.has(key)) return;
    out.push(r);
    ran.add(key);
  };
  const viaDependency = new Set<string>();
  for (const r of roles) {
    if (viaDependency.has(`${r.name}\0${JSON.stringify(r.params)}`)) continue;
    const before = out.length;
    visit(r, [], false);
    for (const added of out.slice(before, -1)) viaDependency.add(`${added.name}\0${JSON.stringify(added.params)}`);
  }
  return out;
}

const SiteSchema = z.strictObject({
  /**
   * Names the site's state on its hosts (handlers still pending after a run that ended early):
   * two sites that converge the same host keep it apart by having different names.
   */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only (it names a directory on the hosts)")
    .refine((n) => n !== "." && n !== "..", "not . or ..")
    .default("default"),
  /** Inventory sources relative to the site file; `-i` on the command line replaces them. */
  inventory: z.array(z.string().min(1)).default([]),
  plays: z.array(z.custom<Play>((p) => typeof p === "object" && p !== null && (p as Play).kind === "play", "a play()")).min(1),
});
export type SiteDef = z.input<typeof SiteSchema>;
export type Site = z.output<typeof SiteSchema> & { readonly kind: "site" };

export function site(def: SiteDef): Site {
  const parsed = SiteSchema.safeParse(def);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new SiteError(`site: ${i?.path.join(".") || "(site)"}: ${i?.message ?? "invalid"}`);
  }
  siteModules(moduleOwners(parsed.data.plays));
  return { ...parsed.data, kind: "site" };
}
