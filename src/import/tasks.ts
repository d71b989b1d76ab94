import { isMap, isSeq, type Node, type YAMLMap } from "yaml";
import type { ModuleName } from "../modules/registry.js";
import { isPossiblyTemplate } from "../vars/template-text.js";
import { isIdentifier, isPlainObject, lineComment, literal, member, propKey, str } from "./code.js";
import { parseFreeForm } from "./free-form.js";
import { argName, argProblem, argSchema, argsProblem, ourModule, shortName } from "./module-map.js";
import { decideForTarget, exactCondition, namesIn } from "./when.js";
import type { YamlFile } from "./yaml-file.js";

/** A task the importer could not convert: where, what, why. */
export interface NotConvertedPlace {
  at: string;
  what: string;
  why: string;
}

/** What converting the task files of one role shares. */
export interface RoleContext {
  /** Boolean role variables (a bare `when: x` on one is exact TypeScript). */
  booleans: ReadonlySet<string>;
  notConverted: NotConvertedPlace[];
  /** Tasks seen, converted, and dropped as branches for another OS family. */
  stats: { tasks: number; converted: number; dropped: number };
  /** A task file (tasks/x.yml) → the function that runs it; files are converted on first include. */
  include(rel: string, at: string): string | undefined;
  /** Whether a registered name is read outside the file that registers it (then it is also set as a fact). */
  readElsewhere(name: string, rel: string): boolean;
}

/** Ansible's task keywords that are not the module. */
const KEYWORDS = new Set([
  "name", "when", "notify", "become", "become_user", "tags", "register", "loop", "with_items", "with_list", "loop_control",
  "changed_when", "failed_when", "ignore_errors", "no_log", "check_mode", "delegate_to", "run_once", "retries", "delay",
  "until", "args", "listen", "block", "rescue", "always", "vars", "environment", "become_method", "diff", "local_action",
  "with_dict", "with_fileglob", "with_first_found", "with_together", "with_subelements", "with_nested", "with_sequence",
  "with_indexed_items", "with_flattened", "with_random_choice", "with_lines", "with_inventory_hostnames", "any_errors_fatal",
  "throttle", "debugger", "action", "collections", "module_defaults", "timeout", "async", "poll", "connection",
]);
/** Keywords we convert; any other present keyword stops the task's conversion. */
const HANDLED = new Set(["name", "when", "notify", "become", "become_user", "tags", "register", "loop", "with_items", "with_list", "loop_control", "changed_when", "failed_when", "ignore_errors", "no_log", "check_mode", "delegate_to", "run_once", "args", "listen", "block", "rescue", "always"]);

/** Inherited from enclosing blocks. */
interface Inherited {
  become: boolean | string | undefined;
  tags: string[];
}

class Skip extends Error {}

/** Converts task lists of one file into code lines. */
export class TaskConverter {
  private readonly lines: string[] = [];
  /** Registered results and loop variables in scope: Ansible name → TypeScript identifier. */
  private readonly locals = new Map<string, string>();

  constructor(
    private readonly file: YamlFile,
    private readonly role: RoleContext,
    /** The function's own locals parameter (included files get their includer's loop variables). */
    private readonly localsParam: string | undefined,
  ) {}

  convertList(node: Node | null | undefined, indent: string, inherited: Inherited = { become: undefined, tags: [] }): string[] {
    const saved = this.lines.length;
    if (node === null || node === undefined) return [];
    if (!isSeq(node)) {
      this.notConverted(node, indent, "tasks", "a task list must be a YAML list");
      return this.lines.splice(saved);
    }
    return this.convertItems(node.items as Node[], indent, inherited);
  }

  convertItems(items: readonly Node[], indent: string, inherited: Inherited = { become: undefined, tags: [] }): string[] {
    const saved = this.lines.length;
    // Registered in a nested list (a block's tasks), a const ends with its braces: what later tasks read then comes from the host's facts.
    const scope = new Map(this.locals);
    this.depth++;
    for (const item of items) {
      if (isMap(item)) this.task(item as YAMLMap, indent, inherited);
      else this.notConverted(item as Node, indent, "task", "a task must be a mapping");
    }
    this.depth--;
    if (this.depth > 0) {
      this.locals.clear();
      for (const [k, v] of scope) this.locals.set(k, v);
    }
    return this.lines.splice(saved);
  }

  private depth = 0;

  private at(node: Node | null | undefined): string {
    return `${this.file.rel}:${this.file.line(node)}`;
  }

  private notConverted(node: Node | null | undefined, indent: string, what: string, why: string): void {
    const at = this.at(node);
    this.role.notConverted.push({ at, what, why });
    this.lines.push(`${indent}notConverted(${str(`${at}: ${what}: ${why}`)});`);
  }

  private task(map: YAMLMap, indent: string, inherited: Inherited): void {
    const t = map.toJSON() as Record<string, unknown>;
    const isBlock = "block" in t;
    if (!isBlock) this.role.stats.tasks++;
    const name = typeof t.name === "string" ? t.name : undefined;
    const keywords = Object.keys(t).filter((k) => KEYWORDS.has(k));
    const moduleKeys = Object.keys(t).filter((k) => !KEYWORDS.has(k));
    const unhandled = keywords.filter((k) => !HANDLED.has(k));

    // when: conditions for another OS drop the task (or block) here, with a comment naming it.
    const conditions = (Array.isArray(t.when) ? t.when : t.when === undefined ? [] : [t.when]).map((c) => (typeof c === "string" ? c : String(c)));
    const runtime: string[] = [];
    for (const c of conditions) {
      const decided = decideForTarget(c);
      if (decided === false) {
        const what = isBlock ? "block" : moduleKeys[0] ?? "task";
        this.lines.push(...lineComment(`${this.at(map)}: ${name ? `"${name}" ` : ""}(${what}) dropped: only for ${c.trim()}, which a Debian/Ubuntu host is not`, indent));
        if (!isBlock) this.role.stats.dropped++;
        return;
      }
      if (decided === undefined) runtime.push(c);
    }
    if (name !== undefined) this.lines.push(...lineComment(name, indent));
    let body = indent;
    const close: string[] = [];
    const open = (head: string) => {
      this.lines.push(`${body}${head} {`);
      close.unshift(`${body}}`);
      body += "  ";
    };
    try {
      if (unhandled.length > 0) throw new Skip(`task keyword${unhandled.length > 1 ? "s" : ""} ${unhandled.join(", ")} not converted yet`);
      const inner: Inherited = {
        become: t.become_user !== undefined && t.become !== false ? this.literalText(t.become_user, "become_user") : t.become !== undefined ? this.becomeOf(t.become) : inherited.become,
        tags: [...inherited.tags, ...this.tagsOf(t.tags)],
      };
      const loop = this.loopOf(t);
      const register = typeof t.register === "string" ? t.register : undefined;
      const regId = register === undefined ? undefined : this.identifierFor(register);
      const conditional = runtime.length > 0 || loop !== undefined;
      if (regId !== undefined && loop !== undefined) this.lines.push(`${indent}const ${regId} = { results: [] as unknown[] };`);
      else if (regId !== undefined && conditional) this.lines.push(`${indent}let ${regId}: unknown = { changed: false, skipped: true };`);
      if (loop !== undefined) {
        const id = this.identifierFor(loop.var);
        const locals = this.localsArg(namesIn(loop.source));
        open(`for (const ${id} of h.jinja.list(${loop.expr}${loop.flatten ? `${locals || ", {}"}, true` : locals}))`);
        this.locals.set(loop.var, id);
      }
      if (runtime.length > 0) open(`if (${runtime.map((c) => this.condition(c)).join(" && ")})`);
      if (isBlock) this.block(map, t, body, inner);
      else {
        const call = this.call(t, moduleKeys, inner, body);
        if (call.startsWith("if (") && regId !== undefined) throw new Skip("register of an assert");
        if (regId !== undefined && loop !== undefined) this.lines.push(`${body}${regId}.results.push(${call});`);
        else if (regId !== undefined && conditional) this.lines.push(`${body}${regId} = ${call};`);
        else if (regId !== undefined) this.lines.push(`${body}const ${regId} = ${call};`);
        else this.lines.push(`${body}${call}${call.startsWith("if (") ? "" : ";"}`);
        this.role.stats.converted++;
      }
      if (loop !== undefined) this.locals.delete(loop.var);
      this.lines.push(...close);
      if (register !== undefined && regId !== undefined) {
        this.locals.set(register, regId);
        // Ansible's registered variables are the host's for the rest of the play: another file or a template reads it.
        if (this.depth > 1 || this.role.readElsewhere(register, this.file.rel)) this.lines.push(`${indent}h.setFact({ ${propKey(register)}: ${regId} });`);
      }
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      // Nothing half-written stays: the lines since this task's comment are replaced by the call.
      while (close.length > 0) close.shift();
      this.trimTo(indent, name);
      this.notConverted(map, indent, moduleKeys[0] ?? (isBlock ? "block" : "task"), err.message);
    }
  }

  /** Drops lines written for a task that turned out not to convert (back to its comment). */
  private trimTo(indent: string, name: string | undefined): void {
    const marker = name === undefined ? undefined : lineComment(name, indent).at(-1);
    for (let i = this.lines.length - 1; i >= 0; i--) {
      if (this.lines[i] === marker) {
        this.lines.length = i + 1;
        return;
      }
    }
  }

  private identifierFor(name: string): string {
    if (!isIdentifier(name)) throw new Skip(`${JSON.stringify(name)} is no identifier`);
    return ["h", "v", "l", "z", "jinja", "role", "notConverted"].includes(name) ? `${name}_` : name;
  }

  private literalText(value: unknown, what: string): string {
    if (typeof value !== "string" || isPossiblyTemplate(value)) throw new Skip(`${what} that is not a literal name`);
    return value;
  }

  private becomeOf(value: unknown): boolean {
    if (typeof value !== "boolean") throw new Skip("become that is not true or false");
    return value;
  }

  private tagsOf(value: unknown): string[] {
    if (value === undefined) return [];
    const list = typeof value === "string" ? value.split(",").map((s) => s.trim()) : value;
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string" || isPossiblyTemplate(x))) throw new Skip("tags that are not literal names");
    return list as string[];
  }

  private loopOf(t: Record<string, unknown>): { var: string; expr: string; source: string; flatten: boolean } | undefined {
    const key = "loop" in t ? "loop" : "with_items" in t ? "with_items" : "with_list" in t ? "with_list" : undefined;
    if (key === undefined) return undefined;
    const value = t[key];
    const control = isPlainObject(t.loop_control) ? t.loop_control : {};
    const extra = Object.keys(control).filter((k) => k !== "loop_var" && k !== "label");
    if (extra.length > 0) throw new Skip(`loop_control ${extra.join(", ")} not converted yet`);
    const loopVar = typeof control.loop_var === "string" ? control.loop_var : "item";
    return { var: loopVar, expr: literal(value, { templates: true }), source: JSON.stringify(value), flatten: key === "with_items" };
  }

  /** The locals argument for names an expression reads: registered results, loop variables, the includer's. */
  private localsArg(names: ReadonlySet<string>): string {
    const entries = [...this.locals].filter(([n]) => names.has(n)).map(([n, id]) => (n === id ? n : `${propKey(n)}: ${id}`));
    if (this.localsParam !== undefined && entries.length === 0) return `, ${this.localsParam}`;
    if (this.localsParam !== undefined) entries.unshift(`...${this.localsParam}`);
    return entries.length === 0 ? "" : `, { ${entries.join(", ")} }`;
  }

  private condition(c: string): string {
    const exact = exactCondition(c, this.role.booleans, (n) => member("v", n));
    if (exact !== undefined && !this.locals.has(c.trim())) return exact;
    return `h.jinja.when(${str(c.trim())}${this.localsArg(namesIn(c))})`;
  }

  private block(map: YAMLMap, t: Record<string, unknown>, indent: string, inherited: Inherited): void {
    const part = (k: string) => map.get(k, true) as Node | undefined;
    const opts: string[] = [];
    if (typeof t.name === "string") opts.push(`name: ${str(t.name)}`);
    const inner = `${indent}  `;
    const body = this.convertList(part("block"), `${inner}`, inherited);
    const rescue = "rescue" in t ? this.convertList(part("rescue"), `${inner}  `, inherited) : undefined;
    const always = "always" in t ? this.convertList(part("always"), `${inner}  `, inherited) : undefined;
    if (rescue === undefined && always === undefined) {
      // A block without rescue/always only groups tasks (their when, become, tags): plain code.
      this.lines.push(...body.map((l) => l.slice(2)));
      return;
    }
    this.lines.push(`${indent}await h.block(`);
    this.lines.push(`${inner}async () => {`, ...body.map((l) => `  ${l}`), `${inner}},`);
    this.lines.push(`${inner}{`);
    if (opts.length > 0) this.lines.push(`${inner}  ${opts.join(", ")},`);
    if (rescue !== undefined) this.lines.push(`${inner}  rescue: async () => {`, ...rescue.map((l) => `  ${l}`), `${inner}  },`);
    if (always !== undefined) this.lines.push(`${inner}  always: async () => {`, ...always.map((l) => `  ${l}`), `${inner}  },`);
    this.lines.push(`${inner}},`, `${indent});`);
  }

  /** The module call (or built-in) of one task, as an expression. */
  private call(t: Record<string, unknown>, moduleKeys: string[], inherited: Inherited, indent: string): string {
    if (moduleKeys.length !== 1) throw new Skip(moduleKeys.length === 0 ? "no module named" : `more than one module: ${moduleKeys.join(", ")}`);
    const ansible = moduleKeys[0] ?? "";
    const short = shortName(ansible) ?? ansible;
    const raw = t[ansible];
    const builtin = this.builtin(short, raw, t, inherited, indent);
    if (builtin !== undefined) return builtin;
    const mod = ourModule(ansible);
    if (mod === undefined) throw new Skip(`no do-converge module for ${ansible} yet`);
    const args = this.args(mod, raw, t.args);
    const meta = this.meta(t, inherited);
    const templated = JSON.stringify(args).includes("{{") || JSON.stringify(args).includes("{%");
    const lit = literal(args, { templates: true }, indent);
    const argsCode = templated ? `h.jinja.args(${str(mod)}, ${lit}${this.localsArg(namesIn(JSON.stringify(args)))})` : lit;
    if (mod === "getent") return `await h.getent(${argsCode}${meta})${this.getentFact(args.database)}`;
    return `await h.${mod}(${argsCode}${meta})`;
  }

  /**
   * Ansible's getent sets the fact getent_<database>; the converted task sets it with h.setFact
   * from the result's ansible_facts (not when the task failed and ignore_errors let it pass).
   */
  private getentFact(database: unknown): string {
    if (typeof database !== "string" || isPossiblyTemplate(database)) throw new Skip("getent of a database named by a template: the fact getent_<database> it sets has no known name");
    const fact = `getent_${database}`;
    return `.then((r) => { if (!r.failed) h.setFact({ ${propKey(fact)}: r.ansible_facts[${str(fact)}] }); return r; })`;
  }

  /** The module's arguments under our names, checked against our schema where they are literal. */
  private args(mod: ModuleName, raw: unknown, extra: unknown): Record<string, unknown> {
    let given: Record<string, unknown>;
    if (typeof raw === "string") {
      const freeForm = mod === "command" || mod === "shell";
      const parsed = parseFreeForm(raw, freeForm ? new Set(["chdir", "creates", "removes", "executable", "stdin"]) : undefined);
      if (!freeForm && parsed.rest !== undefined) throw new Skip(`free-form text ${JSON.stringify(parsed.rest)} ${mod} does not take`);
      given = { ...parsed.args, ...(parsed.rest !== undefined ? { cmd: parsed.rest } : {}) };
    } else if (raw === null || raw === undefined) given = {};
    else if (isPlainObject(raw)) given = { ...raw };
    else throw new Skip("arguments that are neither a mapping nor k=v text");
    if (isPlainObject(extra)) given = { ...given, ...extra };
    else if (extra !== undefined) throw new Skip("args: that is not a mapping");
    if ((mod === "command" || mod === "shell") && typeof given._raw_params === "string") {
      given.cmd = given._raw_params;
      delete given._raw_params;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(given)) {
      const ours = argName(mod, k);
      if (argSchema(mod, ours) === undefined) throw new Skip(`argument ${k} of ${mod} not supported yet`);
      out[ours] = ours === "mode" && typeof v === "number" ? `0${v.toString(8)}` : ansibleCoerced(mod, ours, v);
    }
    // Literal values must meet our schema now: a wrong one would fail the type-check elsewhere than at notConverted.
    for (const [k, v] of Object.entries(out)) {
      if (JSON.stringify(v).includes("{{") || JSON.stringify(v).includes("{%")) continue;
      const problem = argProblem(mod, k, v);
      if (problem !== undefined) throw new Skip(problem);
    }
    if (!JSON.stringify(out).includes("{{") && !JSON.stringify(out).includes("{%")) {
      const problem = argsProblem(mod, out);
      if (problem !== undefined) throw new Skip(problem);
    }
    return out;
  }

  /** The TaskMeta argument (`, { name, notify, ... }`), or "" when there is none. */
  private meta(t: Record<string, unknown>, inherited: Inherited): string {
    const m: string[] = [];
    if (typeof t.name === "string") m.push(`name: ${str(t.name)}`);
    if (inherited.tags.length > 0) m.push(`tags: ${literal(inherited.tags, { templates: false })}`);
    if (inherited.become !== undefined) m.push(`become: ${typeof inherited.become === "string" ? str(inherited.become) : String(inherited.become)}`);
    if (t.notify !== undefined) {
      const list = Array.isArray(t.notify) ? t.notify : [t.notify];
      if (list.some((n) => typeof n !== "string" || isPossiblyTemplate(n))) throw new Skip("notify of a templated handler name");
      m.push(`notify: ${list.length === 1 ? str(String(list[0])) : literal(list, { templates: false })}`);
    }
    for (const [key, ours] of [["changed_when", "changedWhen"], ["failed_when", "failedWhen"]] as const) {
      const v = t[key];
      if (v === undefined) continue;
      if (typeof v === "boolean") m.push(`${ours}: ${v}`);
      else {
        const conds = (Array.isArray(v) ? v : [v]).map(String);
        const reg = typeof t.register === "string" ? t.register : undefined;
        // The expression reads the task's own result under its register name.
        const locals = reg === undefined ? this.localsArg(new Set(conds.flatMap((c) => [...namesIn(c)]))) : `, { ${[this.localsParam ? `...${this.localsParam}` : "", ...[...this.locals].filter(([n]) => conds.some((c) => namesIn(c).has(n))).map(([n, id]) => (n === id ? n : `${propKey(n)}: ${id}`)), `${propKey(reg)}: r`].filter(Boolean).join(", ")} }`;
        m.push(`${ours}: (r) => ${conds.map((c) => `h.jinja.when(${str(c.trim())}${locals})`).join(" || ")}`);
        if (reg === undefined) m[m.length - 1] = m[m.length - 1]?.replace("(r) =>", "() =>") ?? "";
      }
    }
    for (const [key, ours] of [["ignore_errors", "ignoreErrors"], ["no_log", "noLog"], ["check_mode", "checkMode"]] as const) {
      const v = t[key];
      if (v === undefined) continue;
      if (typeof v !== "boolean") throw new Skip(`${key} that is not true or false`);
      m.push(`${ours}: ${v}`);
    }
    if (t.delegate_to !== undefined) m.push(`delegateTo: ${str(this.literalText(t.delegate_to, "delegate_to"))}`);
    if (t.run_once !== undefined) throw new Skip("run_once not converted yet");
    return m.length === 0 ? "" : `, { ${m.join(", ")} }`;
  }

  /** debug, fail, assert, set_fact, meta, include_tasks/import_tasks: the host context's own calls. */
  private builtin(short: string, raw: unknown, t: Record<string, unknown>, inherited: Inherited, indent: string): string | undefined {
    const tagsMeta = inherited.tags.length > 0 ? `, { tags: ${literal(inherited.tags, { templates: false })} }` : "";
    const value = (x: unknown) => {
      const code = literal(x, { templates: true }, indent);
      return code.includes("jinja(") ? `h.jinja.value(${code}${this.localsArg(namesIn(JSON.stringify(x)))})` : code;
    };
    switch (short) {
      case "debug": {
        const a = isPlainObject(raw) ? raw : typeof raw === "string" ? parseFreeForm(raw).args : {};
        if (typeof a.var === "string") return `await h.debug({ ${propKey(a.var)}: ${value(`{{ ${a.var} }}`)} }${tagsMeta})`;
        return `await h.debug(${value(a.msg ?? "Hello world!")}${tagsMeta})`;
      }
      case "fail": {
        const a = isPlainObject(raw) ? raw : typeof raw === "string" ? parseFreeForm(raw).args : {};
        return `await h.fail(String(${value(a.msg ?? "Failed as requested from task")})${tagsMeta})`;
      }
      case "assert": {
        if (!isPlainObject(raw)) throw new Skip("assert without a mapping of arguments");
        const that = (Array.isArray(raw.that) ? raw.that : [raw.that]).map(String);
        const msg = raw.fail_msg ?? raw.msg ?? "Assertion failed";
        const conds = that.map((c) => this.condition(c)).join(" && ");
        return `if (!(${conds})) await h.fail(String(${value(msg)})${tagsMeta})`;
      }
      case "set_fact": {
        if (!isPlainObject(raw)) throw new Skip("set_fact without a mapping");
        const facts = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "cacheable"));
        const entries = Object.entries(facts).map(([k, x]) => `${propKey(k)}: ${value(x)}`);
        return `h.setFact({ ${entries.join(", ")} })`;
      }
      case "meta":
        if (raw === "flush_handlers") return "await h.flushHandlers()";
        throw new Skip(`meta: ${String(raw)} not converted yet`);
      case "include_tasks":
      case "import_tasks": {
        const file = isPlainObject(raw) ? raw.file : raw;
        if (typeof file !== "string") throw new Skip(`${short} without a file name`);
        const rel = file.replace(/\{\{\s*ansible_os_family\s*\}\}/g, "Debian");
        if (isPossiblyTemplate(rel)) throw new Skip(`${short} of a file named by a template (${file})`);
        const fn = this.role.include(`tasks/${rel}`, `${this.file.rel}`);
        if (fn === undefined) throw new Skip(`${short}: tasks/${rel} not found`);
        const locals = [...this.locals].map(([n, id]) => (n === id ? n : `${propKey(n)}: ${id}`));
        if (this.localsParam) locals.unshift(`...${this.localsParam}`);
        return `await ${fn}(h, v${locals.length > 0 ? `, { ${locals.join(", ")} }` : ""})`;
      }
      default:
        return undefined;
    }
  }
}

const TRUE = new Set(["yes", "on", "1", "true", "y", "t"]);
const FALSE = new Set(["no", "off", "0", "false", "n", "f"]);

/**
 * A literal string as Ansible's argument spec reads it for the argument's type (`update_cache=yes`
 * is true, `port=22` a number): the value our schema takes, when the text alone fails it.
 */
function ansibleCoerced(mod: ModuleName, arg: string, value: unknown): unknown {
  if (typeof value !== "string" || isPossiblyTemplate(value) || argProblem(mod, arg, value) === undefined) return value;
  const lower = value.toLowerCase();
  const candidates: unknown[] = [TRUE.has(lower) ? true : FALSE.has(lower) ? false : undefined, /^-?\d+$/.test(value) ? Number(value) : undefined];
  return candidates.find((c) => c !== undefined && argProblem(mod, arg, c) === undefined) ?? value;
}
