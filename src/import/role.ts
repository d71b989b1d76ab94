import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type Node, type YAMLMap, isMap, isSeq } from "yaml";
import { isPlainObject, lineComment, literal, propKey, str } from "./code.js";
import { ImportError } from "./errors.js";
import { type InferredVar, inferVars, schemaLines } from "./infer-schema.js";
import { type NotConvertedPlace, type RoleContext, TaskConverter } from "./tasks.js";
import { type YamlFile, readYamlFile } from "./yaml-file.js";

export interface ImportRoleOptions {
  /** The role's name (default: the directory's name without its `namespace.` prefix). */
  name?: string;
  /** Where the typed role is written (default: roles/<name>). */
  out?: string;
}

export interface ImportedRole {
  name: string;
  out: string;
  notConverted: NotConvertedPlace[];
  tasks: number;
  converted: number;
  /** Tasks dropped as branches for OS families a Debian/Ubuntu host is not. */
  dropped: number;
}

function yamlOf(dir: string, sub: string): string | undefined {
  for (const f of ["main.yml", "main.yaml"]) if (existsSync(join(dir, sub, f))) return `${sub}/${f}`;
  return undefined;
}

/** Every text file of the role that could read a registered variable, by path relative to the role. */
function readableTexts(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (sub: string) => {
    const abs = join(dir, sub);
    if (!existsSync(abs)) return;
    for (const e of readdirSync(abs)) {
      const rel = `${sub}/${e}`;
      if (statSync(join(dir, rel)).isDirectory()) walk(rel);
      else out.set(rel, readFileSync(join(dir, rel), "utf8"));
    }
  };
  for (const sub of ["tasks", "handlers", "templates"]) walk(sub);
  return out;
}

/** The name a role's module exports it under (the role name in camelCase). */
export function exportName(name: string): string {
  const camel = name.replace(/[^A-Za-z0-9]+(.)/g, (_, c: string) => c.toUpperCase()).replace(/[^A-Za-z0-9]/g, "");
  return /^[A-Za-z_]/.test(camel) ? camel : `role${camel}`;
}

/** Converts an Ansible role directory into a typed role (index.ts, templates/, files/) under `out`. */
export function importRole(dir: string, opts: ImportRoleOptions = {}): ImportedRole {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ImportError(dir, "not a directory");
  const tasksFile = yamlOf(dir, "tasks");
  if (tasksFile === undefined && yamlOf(dir, "handlers") === undefined) throw new ImportError(dir, "not an Ansible role: no tasks/main.yml nor handlers/main.yml");
  const name = opts.name ?? basename(dir).replace(/^.*\./, "");
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new ImportError(dir, `role name ${JSON.stringify(name)}: letters, digits, _ . - only (use --name)`);
  const out = opts.out ?? join("roles", name);

  // defaults, then vars: a name in both is the vars file's (Ansible's role vars win over defaults).
  const vars = new Map<string, InferredVar>();
  for (const sub of ["defaults", "vars"]) {
    const rel = yamlOf(dir, sub);
    if (rel !== undefined) for (const v of inferVars(readYamlFile(join(dir, rel), rel))) vars.set(v.name, v);
  }
  const booleans = new Set([...vars.values()].filter((v) => v.zod.startsWith("z.boolean()")).map((v) => v.name));

  const texts = readableTexts(dir);
  const notConverted: NotConvertedPlace[] = [];
  const stats = { tasks: 0, converted: 0, dropped: 0 };
  const functions: string[][] = [];
  const included = new Map<string, string | undefined>();
  const ctx: RoleContext = {
    booleans,
    notConverted,
    stats,
    readElsewhere: (reg, rel) => [...texts].some(([f, text]) => f !== rel && new RegExp(`\\b${reg}\\b`).test(text)),
    include: (rel) => {
      if (included.has(rel)) return included.get(rel);
      if (!existsSync(join(dir, rel))) return undefined;
      const fn = `tasks${rel.replace(/^tasks\//, "_").replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9]+/g, "_")}`;
      // Named before converting: a file that includes itself (or a cycle) calls the function recursively, as Ansible would.
      included.set(rel, fn);
      const file = readYamlFile(join(dir, rel), rel);
      const body = new TaskConverter(file, ctx, "l").convertList(file.doc.contents, "  ");
      functions.push([`/** ${rel} */`, `async function ${fn}(h: H, v: V, l: Vars = {}): Promise<void> {`, ...body, "}"]);
      return fn;
    },
  };

  const taskLines: string[] = [];
  const dependencies: string[] = [];
  const depImports: string[] = [];
  const meta = yamlOf(dir, "meta");
  if (meta !== undefined) {
    const file = readYamlFile(join(dir, meta), meta);
    const deps = isMap(file.doc.contents) ? (file.doc.contents as YAMLMap).get("dependencies", true) : undefined;
    for (const item of isSeq(deps) ? (deps.items as Node[]) : []) {
      const at = `${meta}:${file.line(item)}`;
      const dep = dependency(item.toJSON() as unknown);
      if ("name" in dep) {
        const id = exportName(dep.name);
        const entry = Object.keys(dep.params).length === 0 ? id : `{ role: ${id}, vars: ${literal(dep.params, { templates: false })} }`;
        if (!dependencies.includes(entry)) dependencies.push(entry);
        const line = `import { ${id} } from ${str(`../${dep.name}/index.js`)};`;
        if (!depImports.includes(line)) depImports.push(line);
      } else {
        notConverted.push({ at, what: "dependencies", why: dep.why });
        taskLines.push(`    notConverted(${str(`${at}: dependencies: ${dep.why}`)});`);
      }
    }
  }
  if (tasksFile !== undefined) {
    const file = readYamlFile(join(dir, tasksFile), tasksFile);
    included.set(tasksFile, "tasks");
    taskLines.push(...new TaskConverter(file, ctx, undefined).convertList(file.doc.contents, "    "));
  }
  const handlerLines = handlers(dir, ctx);

  const code = [
    ...lineComment(`Imported from the Ansible role ${basename(dir)} by \`do-converge import role\`: review it, then converge.`, ""),
    ...lineComment("Values in jinja(...) and h.jinja.when(...) are evaluated as Ansible evaluates them, when the task runs.", ""),
    "",
    "const vars = z.object({",
    ...schemaLines([...vars.values()], "  "),
    "});",
    "type V = z.output<typeof vars>;",
    "type H = Host<V & Vars>;",
    "",
    ...functions.flatMap((f) => [...f, ""]),
    `export const ${exportName(name)} = role({`,
    `  name: ${str(name)},`,
    "  vars,",
    ...(dependencies.length > 0 ? [...lineComment("meta/main.yml's dependencies: each imported beside this role (do-converge import role DIR).", "  "), `  dependencies: [${dependencies.join(", ")}],`] : []),
    ...handlerLines,
    "  async tasks(h, v) {",
    ...taskLines,
    "  },",
    "});",
    "",
  ];
  const body = code.join("\n");
  const used = ["notConverted", "jinja"].filter((n) => new RegExp(`\\b${n}\\(`).test(body));
  const imports = `import { type Host, type Vars, ${[...used, "role", "z"].sort().join(", ")} } from "do-converge";\n${depImports.map((l) => `${l}\n`).join("")}\n`;

  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "index.ts"), imports + body);
  // vars/ as it is: h.includeVars() reads its files at run time, as include_vars does.
  for (const sub of ["templates", "files", "vars"]) if (existsSync(join(dir, sub))) cpSync(join(dir, sub), join(out, sub), { recursive: true });
  return { name, out, notConverted, tasks: stats.tasks, converted: stats.converted, dropped: stats.dropped };
}

/** Keywords of a role entry, in a play or a dependency (Ansible's role attributes: `port` is the connection's); its other keys are the role's parameters. */
export const ROLE_ENTRY_KEYWORDS: ReadonlySet<string> = new Set(["when", "tags", "become", "become_user", "become_method", "become_flags", "become_exe", "delegate_to", "delegate_facts", "port", "remote_user", "ignore_unreachable", "environment", "ignore_errors", "no_log", "any_errors_fatal", "collections", "connection", "debugger", "module_defaults", "run_once", "throttle", "timeout", "check_mode", "diff", "public", "allow_duplicates"]);

/**
 * A meta/main.yml dependency: the name of the role it imports (as `import role` names a role:
 * without its `namespace.`) and its parameters (its other keys, and `vars:`), or why it is not
 * converted (keywords such as when and tags).
 */
function dependency(entry: unknown): { name: string; params: Record<string, unknown> } | { why: string } {
  const spec = typeof entry === "string" ? { role: entry } : isPlainObject(entry) ? entry : undefined;
  const named = spec?.role ?? spec?.name;
  if (spec === undefined || typeof named !== "string" || named === "") return { why: "a dependency that names no role" };
  const keywords = Object.keys(spec).filter((k) => ROLE_ENTRY_KEYWORDS.has(k));
  if (keywords.length > 0) return { why: `a dependency with ${keywords.join(", ")} not converted yet` };
  if (spec.vars !== undefined && !isPlainObject(spec.vars)) return { why: "a dependency's vars that is not a mapping" };
  if (named.includes("/") || named.includes("{{")) return { why: `a dependency on ${named} (a path or a template) not converted yet` };
  const params = { ...Object.fromEntries(Object.entries(spec).filter(([k]) => k !== "role" && k !== "name" && k !== "vars")), ...(isPlainObject(spec.vars) ? spec.vars : {}) };
  return { name: named.replace(/^.*\./, ""), params };
}

/** handlers/main.yml → the role's handlers: each by its name, and each `listen` topic running its listeners in order. */
function handlers(dir: string, ctx: RoleContext): string[] {
  const rel = yamlOf(dir, "handlers");
  if (rel === undefined) return [];
  const file = readYamlFile(join(dir, rel), rel);
  return handlerLines(file, file.doc.contents, ctx, "  ");
}

/** A list of handler tasks (a role's handlers file, a play's `handlers:`) as a `handlers: { ... }` property at `indent`. */
export function handlerLines(file: YamlFile, root: unknown, ctx: RoleContext, indent: string): string[] {
  if (!isSeq(root)) return [];
  const entries = new Map<string, string[][]>();
  for (const item of root.items as Node[]) {
    if (!isMap(item)) continue;
    const t = (item as YAMLMap).toJSON() as Record<string, unknown>;
    const body = new TaskConverter(file, ctx, undefined).convertItems([item], `${indent}    `);
    const names = [typeof t.name === "string" ? t.name : undefined, ...(Array.isArray(t.listen) ? t.listen : t.listen === undefined ? [] : [t.listen])].filter((n): n is string => typeof n === "string");
    for (const n of names) entries.set(n, [...(entries.get(n) ?? []), body]);
  }
  const lines = [`${indent}handlers: {`];
  for (const [n, bodies] of entries) {
    const body = bodies.flat();
    const usesV = body.some((l) => /\bv\./.test(l));
    lines.push(`${indent}  ${propKey(n)}: async (h) => {`, ...(usesV ? [`${indent}    const v = h.vars;`] : []), ...body, `${indent}  },`);
  }
  lines.push(`${indent}},`);
  return lines;
}
