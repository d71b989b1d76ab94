import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { isMap, isSeq, type Node, type YAMLMap } from "yaml";
import { isPlainObject, lineComment, literal, str } from "./code.js";
import { ansibleBoolean } from "../inventory/booleans.js";
import { ImportError } from "./errors.js";
import { type ImportedRole, ROLE_ENTRY_KEYWORDS, exportName, handlerLines, importRole } from "./role.js";
import { type NotConvertedPlace, type RoleContext, TaskConverter } from "./tasks.js";
import { type YamlFile, readYamlFile } from "./yaml-file.js";

// `do-converge import playbook`: an Ansible playbook's plays as a site.ts, its roles imported
// beside it. The inventory, group_vars and host_vars stay as they are: do-converge reads them.

export interface ImportPlaybookOptions {
  /** The site's directory (default: the playbook's own directory). */
  out?: string;
}

export interface ImportedPlaybook {
  out: string;
  site: string;
  plays: number;
  roles: ImportedRole[];
  /** Places in the playbook itself (not its roles) left as notConverted(). */
  notConverted: NotConvertedPlace[];
  tasks: number;
  converted: number;
  dropped: number;
}

/** Play keywords converted; any other stops that play's conversion at a notConverted(). */
const PLAY_KEYS = new Set([
  "name", "hosts", "become", "become_user", "gather_facts", "serial", "vars", "roles", "pre_tasks", "tasks", "post_tasks", "handlers",
  "max_fail_percentage", "any_errors_fatal", "tags", "order", "vars_files",
]);

const ROLE_TASKS = new Set(["import_role", "include_role", "ansible.builtin.import_role", "ansible.builtin.include_role", "ansible.legacy.import_role", "ansible.legacy.include_role"]);

/**
 * The role name of a task that only runs a role (`- import_role: { name: x }`, an optional task
 * name beside it), or undefined. Leading ones in a play's tasks run right after its roles, as
 * further roles do: that is what they become.
 */
function plainRoleTask(item: Node): string | undefined {
  if (!isMap(item)) return undefined;
  const t = (item as YAMLMap).toJSON() as Record<string, unknown>;
  const keys = Object.keys(t).filter((k) => k !== "name");
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || !ROLE_TASKS.has(key)) return undefined;
  const spec = t[key];
  if (!isPlainObject(spec) || Object.keys(spec).some((k) => k !== "name") || typeof spec.name !== "string" || /\{\{|\{%/.test(spec.name)) return undefined;
  return spec.name;
}

/** What a site may be named after: the playbook file's name. */
function siteName(file: string): string {
  const n = basename(file).replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9_.-]+/g, "-");
  return n === "" || n === "." || n === ".." ? "site" : n;
}

/** The name a play's code gives an imported role: its export name, marked as a role. */
function identifier(name: string): string {
  return `${exportName(name)}Role`;
}

/** Converts a playbook (with the plays of the playbooks it imports) into `<out>/site.ts` and `<out>/roles/`. */
export function importPlaybook(path: string, opts: ImportPlaybookOptions = {}): ImportedPlaybook {
  if (!existsSync(path) || !statSync(path).isFile()) throw new ImportError(path, "not a file");
  const base = dirname(resolve(path));
  const out = resolve(opts.out ?? base);
  const notConverted: NotConvertedPlace[] = [];
  const stats = { tasks: 0, converted: 0, dropped: 0 };
  const roles = new Map<string, ImportedRole & { id: string }>();
  const functions: string[][] = [];
  const included = new Map<string, string | undefined>();
  const topLevel: string[] = [];

  const ctx: RoleContext = {
    booleans: new Set(),
    notConverted,
    stats,
    // A play's registered result may be read by a later play's template: always set it as a fact too.
    readElsewhere: () => true,
    // The task converter names included files as a role's (tasks/x.yml); a playbook's are relative to it.
    include: (rel) => {
      const file = rel.replace(/^tasks\//, "");
      if (included.has(file)) return included.get(file);
      if (!existsSync(join(base, file))) return undefined;
      const fn = `tasks_${file.replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9]+/g, "_")}`;
      included.set(file, fn);
      const yaml = readYamlFile(join(base, file), file);
      const body = new TaskConverter(yaml, ctx, "l").convertList(yaml.doc.contents, "  ");
      functions.push([`/** ${file} */`, `async function ${fn}(h: H, v: V, l: Vars = {}): Promise<void> {`, ...body, "}"]);
      return fn;
    },
  };

  const place = (file: YamlFile, node: Node | null | undefined, what: string, why: string): string => {
    const at = `${file.rel}:${file.line(node)}`;
    notConverted.push({ at, what, why });
    return `notConverted(${str(`${at}: ${what}: ${why}`)});`;
  };

  const roleRef = (file: YamlFile, node: Node, entry: unknown): string | undefined => {
    const spec = typeof entry === "string" ? { role: entry } : isPlainObject(entry) ? entry : undefined;
    const name = spec?.role ?? spec?.name;
    if (spec === undefined || typeof name !== "string") {
      topLevel.push(place(file, node, "roles", "a role entry without a role name"));
      return undefined;
    }
    // Per-role keywords (when, tags, become, ...) have no place in a typed site's play yet; other keys, and vars:, are the role's parameters.
    const keywords = Object.keys(spec).filter((k) => ROLE_ENTRY_KEYWORDS.has(k));
    if (keywords.length > 0) {
      topLevel.push(place(file, node, `role ${name}`, `${keywords.join(", ")} on a role entry not converted yet`));
      return undefined;
    }
    const given = Object.entries(spec).filter(([k]) => k !== "role" && k !== "name" && k !== "vars");
    if (spec.vars !== undefined && !isPlainObject(spec.vars)) {
      topLevel.push(place(file, node, `role ${name}`, "vars that is not a mapping"));
      return undefined;
    }
    const params = { ...Object.fromEntries(given), ...(isPlainObject(spec.vars) ? spec.vars : {}) };
    const withParams = (id: string) => (Object.keys(params).length === 0 ? id : `{ role: ${id}, vars: ${literal(params, { templates: false })} }`);
    const short = name.replace(/^.*\./, "");
    const known = roles.get(name);
    if (known) return withParams(known.id);
    const dir = [join(base, "roles", name), join(base, "roles", short), join(base, name)].find((d) => existsSync(join(d, "tasks")) || existsSync(join(d, "handlers")));
    if (dir === undefined) {
      topLevel.push(place(file, node, `role ${name}`, `no role directory found (looked in ${relative(out, join(base, "roles", name)) || "."})`));
      return undefined;
    }
    const r = importRole(dir, { name: short, out: join(out, "roles", short) });
    const id = identifier(short);
    roles.set(name, { ...r, id });
    return withParams(id);
  };

  const section = (file: YamlFile, play: YAMLMap, key: string, indent: string, skip = 0): string[] | undefined => {
    const node = play.get(key, true) as Node | undefined;
    if (node === undefined) return undefined;
    const converter = new TaskConverter(file, ctx, undefined);
    if (isSeq(node) && skip >= node.items.length) return undefined;
    const body = isSeq(node) ? converter.convertItems((node.items as Node[]).slice(skip), `${indent}  `) : converter.convertList(node, `${indent}  `);
    const usesV = body.some((l) => /\bv\b/.test(l.replace(/"(?:\\.|[^"\\])*"/g, '""')));
    return [`${indent}${key === "pre_tasks" ? "preTasks" : key === "post_tasks" ? "postTasks" : "tasks"}: async (h) => {`, ...(usesV ? [`${indent}  const v = h.vars;`] : []), ...body, `${indent}},`];
  };

  const playLines = (file: YamlFile, node: YAMLMap, index: number): string[] => {
    const p = node.toJSON() as Record<string, unknown>;
    const at = `${file.rel}:${file.line(node)}`;
    // `order: inventory` is Ansible's default and how do-converge orders hosts; other orders are not.
    const unknown = Object.keys(p).filter((k) => !PLAY_KEYS.has(k) || (k === "order" && p.order !== "inventory"));
    if (unknown.length > 0) {
      topLevel.push(place(file, node, `play ${index + 1}`, `play keyword${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} not converted yet`));
      return [];
    }
    // vars_files of names known now; a templated name (read per host) or a first-found list is not.
    const varsFiles = p.vars_files === undefined || p.vars_files === null ? [] : Array.isArray(p.vars_files) ? p.vars_files : [p.vars_files];
    if (varsFiles.some((f) => typeof f !== "string" || /\{\{|\{%/.test(f))) {
      topLevel.push(place(file, node, `play ${index + 1}`, "vars_files of a templated name or a first-found list not converted yet"));
      return [];
    }
    const hosts = Array.isArray(p.hosts) ? p.hosts.map(String).join(":") : typeof p.hosts === "string" ? p.hosts : undefined;
    if (hosts === undefined) {
      topLevel.push(place(file, node, `play ${index + 1}`, "no hosts"));
      return [];
    }
    const lines = [...lineComment(`${at}`, "    "), "    play({"];
    // Ansible names a play without a name after its hosts.
    lines.push(`      name: ${str(typeof p.name === "string" ? p.name : hosts)},`, `      hosts: ${str(hosts)},`);
    const become = ansibleBoolean(p.become);
    if (p.become_user !== undefined && become !== false) lines.push(`      become: ${str(String(p.become_user))},`);
    else if (become !== undefined) lines.push(`      become: ${become},`);
    const facts = ansibleBoolean(p.gather_facts);
    lines.push(`      gatherFacts: ${facts ?? true},`);
    if (p.serial !== undefined) lines.push(`      serial: ${literal(p.serial, { templates: false })},`);
    if (p.max_fail_percentage !== undefined) lines.push(`      maxFailPercentage: ${literal(p.max_fail_percentage, { templates: false })},`);
    if (ansibleBoolean(p.any_errors_fatal) === true) lines.push("      anyErrorsFatal: true,");
    if (p.tags !== undefined) lines.push(`      tags: ${literal(Array.isArray(p.tags) ? p.tags : [p.tags], { templates: false })},`);
    // Play vars stay as written: the engine evaluates the templates among them where they are used.
    if (isPlainObject(p.vars)) lines.push(`      vars: ${literal(p.vars, { templates: false }, "      ")},`);
    // Relative to the playbook that names them, as Ansible reads them; the site's are relative to site.ts.
    if (varsFiles.length > 0) lines.push(`      varsFiles: ${literal((varsFiles as string[]).map((f) => relative(out, resolve(dirname(join(base, file.rel)), f))), { templates: false })},`);
    const roleNode = node.get("roles", true) as Node | undefined;
    const ids = isSeq(roleNode) ? roleNode.items.map((item) => roleRef(file, item as Node, (item as Node & { toJSON(): unknown }).toJSON())) : [];
    const taskNode = node.get("tasks", true) as Node | undefined;
    let hoisted = 0;
    if (isSeq(taskNode)) {
      for (const item of taskNode.items as Node[]) {
        const name = plainRoleTask(item);
        if (name === undefined) break;
        ids.push(roleRef(file, item, name));
        hoisted++;
      }
    }
    const roleIds = ids.filter((x): x is string => x !== undefined);
    if (roleIds.length > 0) lines.push(`      roles: [${roleIds.join(", ")}],`);
    for (const key of ["pre_tasks", "tasks", "post_tasks"]) lines.push(...(section(file, node, key, "      ", key === "tasks" ? hoisted : 0) ?? []));
    lines.push(...handlerLines(file, node.get("handlers", true), ctx, "      "));
    lines.push("    }),");
    return lines;
  };

  const plays: string[] = [];
  let count = 0;
  const read = (file: string, rel: string, seen: Set<string>): void => {
    const yaml = readYamlFile(file, rel);
    const root = yaml.doc.contents;
    if (!isSeq(root)) throw new ImportError(rel, "a playbook must be a YAML list of plays");
    for (const item of root.items as Node[]) {
      if (!isMap(item)) {
        topLevel.push(place(yaml, item, "playbook", "an entry that is not a play"));
        continue;
      }
      const map = item as YAMLMap;
      const imported = map.get("import_playbook") ?? map.get("ansible.builtin.import_playbook");
      if (imported !== undefined) {
        const target = typeof imported === "string" ? resolve(dirname(file), imported) : undefined;
        if (target === undefined || /\{\{|\{%/.test(String(imported)) || !existsSync(target) || seen.has(target)) {
          topLevel.push(place(yaml, item, "import_playbook", target === undefined || !existsSync(target ?? "") ? `${String(imported)}: not a playbook file found here` : `${String(imported)}: imported again (a cycle)`));
          continue;
        }
        read(target, relative(base, target), new Set([...seen, target]));
        continue;
      }
      plays.push(...playLines(yaml, map, count++));
    }
  };
  read(resolve(path), basename(path), new Set([resolve(path)]));

  const roleImports = [...roles.values()].map((r) => `import { ${exportName(r.name)} as ${r.id} } from "./roles/${r.name}/index.js";`);
  const body = [
    ...lineComment(`Imported from the Ansible playbook ${basename(path)} by \`do-converge import playbook\`: review it, then converge.`, ""),
    ...lineComment("The inventory, group_vars and host_vars are read as they are (-i).", ""),
    "",
    ...(functions.length > 0 ? ["type V = Vars;", "type H = Host<V>;", ""] : []),
    ...functions.flatMap((f) => [...f, ""]),
    ...topLevel,
    ...(topLevel.length > 0 ? [""] : []),
    "export default site({",
    `  name: ${str(siteName(path))},`,
    "  plays: [",
    ...plays,
    "  ],",
    "});",
    "",
  ].join("\n");
  const used = ["jinja", "notConverted"].filter((n) => new RegExp(`\\b${n}\\(`).test(body));
  const types = functions.length > 0 ? "type Host, type Vars, " : "";
  const header = `import { ${types}${[...used, "play", "site"].sort().join(", ")} } from "do-converge";\n${roleImports.join("\n")}${roleImports.length > 0 ? "\n" : ""}\n`;
  mkdirSync(out, { recursive: true });
  const site = join(out, "site.ts");
  writeFileSync(site, header + body);
  return { out, site, plays: count, roles: [...roles.values()], notConverted, ...stats };
}
