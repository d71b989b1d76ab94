import { isMap, isSeq, type Node, type YAMLMap } from "yaml";
import type { ModuleName } from "../modules/registry.js";
import { isPossiblyTemplate } from "../vars/template-text.js";
import { isIdentifier, isPlainObject, lineComment, literal, member, propKey, str } from "./code.js";
import { ansibleBoolean } from "../inventory/booleans.js";
import { parseFreeForm } from "./free-form.js";
import { absoluteSymbolicMode } from "./symbolic-mode.js";
import { argName, argProblem, argSchema, argsProblem, ourModule, shortName } from "./module-map.js";
import { decideForTarget, exactCondition, namesIn, namesInValue } from "./when.js";
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
const HANDLED = new Set(["name", "when", "notify", "become", "become_user", "tags", "register", "loop", "with_items", "with_list", "with_dict", "with_subelements", "loop_control", "changed_when", "failed_when", "ignore_errors", "no_log", "check_mode", "delegate_to", "run_once", "args", "listen", "block", "rescue", "always", "with_first_found", "until", "retries", "delay", "run_once", "vars", "environment", "throttle", "with_fileglob", "with_nested", "with_together"]);

/** Inherited from enclosing blocks. */
interface Inherited {
  /** true/false, a user, or a template naming the user (evaluated per host as the task runs). */
  become: boolean | string | { template: string } | undefined;
  tags: string[];
  /** `environment:` of enclosing blocks then the task, merged in that order as Ansible merges them. */
  environment: unknown[];
  /** run_once, throttle and delegate_to: a block's hold for each of its tasks, which may say otherwise. */
  runOnce: boolean;
  throttle: number | undefined;
  delegateTo: string | { template: string } | undefined;
}

const NOTHING_INHERITED: Inherited = { become: undefined, tags: [], environment: [], runOnce: false, throttle: undefined, delegateTo: undefined };

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

  convertList(node: Node | null | undefined, indent: string, inherited: Inherited = NOTHING_INHERITED): string[] {
    const saved = this.lines.length;
    if (node === null || node === undefined) return [];
    if (!isSeq(node)) {
      this.notConverted(node, indent, "tasks", "a task list must be a YAML list");
      return this.lines.splice(saved);
    }
    return this.convertItems(node.items as Node[], indent, inherited);
  }

  convertItems(items: readonly Node[], indent: string, inherited: Inherited = NOTHING_INHERITED): string[] {
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
    // A task that turns out not to convert leaves no loop variable or task vars behind.
    const localsBefore = new Map(this.locals);
    try {
      if (unhandled.length > 0) throw new Skip(`task keyword${unhandled.length > 1 ? "s" : ""} ${unhandled.join(", ")} not converted yet`);
      const inner: Inherited = {
        become: t.become_user !== undefined && t.become !== false ? userName(t.become_user, "become_user") : t.become !== undefined ? this.becomeOf(t.become) : inherited.become,
        tags: [...inherited.tags, ...this.tagsOf(t.tags)],
        environment: [...inherited.environment, ...environmentOf(t.environment)],
        runOnce: t.run_once !== undefined ? this.once(t.run_once) : inherited.runOnce,
        throttle: t.throttle !== undefined ? this.throttleOf(t.throttle) : inherited.throttle,
        delegateTo: t.delegate_to !== undefined ? userName(t.delegate_to, "delegate_to") : inherited.delegateTo,
      };
      const loop = this.loopOf(t);
      const register = typeof t.register === "string" ? t.register : undefined;
      const regId = register === undefined ? undefined : this.freshId(this.identifierFor(register));
      const conditional = runtime.length > 0 || loop !== undefined;
      // A block's run_once and throttle are its tasks' (inner), not the block's as a whole.
      const once = !isBlock && inner.runOnce;
      const throttle = isBlock ? undefined : inner.throttle;
      const at = this.at(map);
      // A loop with run_once runs whole on the first host, and every host gets its results (as
      // Ansible's run_once gives them); a throttled loop holds its slot for all its items.
      let results = regId === undefined ? undefined : `${regId}.results`;
      if (loop !== undefined && once) {
        if (regId !== undefined) {
          this.lines.push(`${indent}const ${regId} = await h.runOnce(${str(at)}, async () => {`, `${indent}  const results: unknown[] = [];`);
          close.unshift(`${indent}  return { results };`, `${indent}});`);
          results = "results";
        } else {
          this.lines.push(`${indent}await h.runOnce(${str(at)}, async () => {`);
          close.unshift(`${indent}});`);
        }
        body += "  ";
      } else if (regId !== undefined && loop !== undefined) this.lines.push(`${indent}const ${regId} = { results: [] as unknown[] };`);
      else if (regId !== undefined && conditional) this.lines.push(`${indent}let ${regId}: unknown = { changed: false, skipped: true };`);
      if (loop !== undefined && throttle !== undefined) {
        this.lines.push(`${body}await h.throttle(${str(at)}, ${throttle}, async () => {`);
        close.unshift(`${body}});`);
        body += "  ";
      }
      if (loop !== undefined) {
        const id = this.identifierFor(loop.var);
        if (loop.index === undefined && !loop.extended && loop.pause === 0) open(`for (const ${id} of ${loop.iter})`);
        else {
          // index_var, ansible_loop and pause need the items and each one's place.
          const items = this.freshId("items");
          const i = loop.index === undefined ? this.freshId("index") : this.identifierFor(loop.index);
          this.lines.push(`${body}const ${items} = ${loop.iter};`);
          open(`for (const [${i}, ${id}] of ${items}.entries())`);
          if (loop.index !== undefined) this.locals.set(loop.index, i);
          if (loop.extended) {
            this.lines.push(`${body}const ansible_loop = h.jinja.loopInfo(${items}, ${i});`);
            this.locals.set("ansible_loop", "ansible_loop");
          }
          // loop_control's pause: between items, not before the first.
          if (loop.pause > 0) this.lines.push(`${body}if (${i} > 0) await h.sleep(${loop.pause});`);
        }
        this.locals.set(loop.var, id);
      }
      const shadowed = this.taskVars(t.vars, body);
      if (runtime.length > 0) open(`if (${runtime.map((c) => this.condition(c)).join(" && ")})`);
      if (isBlock) this.block(map, t, body, inner);
      else {
        const made = this.call(t, moduleKeys, inner, body);
        if (loop !== undefined && (once || throttle !== undefined) && !made.startsWith("await h.")) throw new Skip("run_once or throttle on a loop of this task not converted yet");
        const call = loop !== undefined ? made : this.runOnce(once, this.throttled(made, throttle, at), at);
        if (call.startsWith("if (") && regId !== undefined) throw new Skip("register of an assert");
        if (regId !== undefined && loop !== undefined) this.lines.push(`${body}${results}.push(${call});`);
        else if (regId !== undefined && conditional) this.lines.push(`${body}${regId} = ${call};`);
        else if (regId !== undefined) this.lines.push(`${body}const ${regId} = ${call};`);
        else this.lines.push(`${body}${call}${call.startsWith("if (") ? "" : ";"}`);
        this.role.stats.converted++;
      }
      for (const [k, before] of shadowed) {
        if (before === undefined) this.locals.delete(k);
        else this.locals.set(k, before);
      }
      if (loop !== undefined) for (const name of [loop.var, ...(loop.index === undefined ? [] : [loop.index]), ...(loop.extended ? ["ansible_loop"] : [])]) this.locals.delete(name);
      this.lines.push(...close);
      if (register !== undefined && regId !== undefined) {
        this.locals.set(register, regId);
        // Ansible's registered variables are the host's for the rest of the play: another file or a template reads it.
        if (this.depth > 1 || this.role.readElsewhere(register, this.file.rel)) this.lines.push(`${indent}h.setFact({ ${propKey(register)}: ${regId} });`);
      }
    } catch (err) {
      if (!(err instanceof Skip)) throw err;
      this.locals.clear();
      for (const [k, v] of localsBefore) this.locals.set(k, v);
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

  /** Identifiers declared in this function: a name registered again gets a new one (reads go through locals). */
  private readonly declared = new Set<string>();

  private freshId(id: string): string {
    let out = id;
    for (let n = 2; this.declared.has(out); n++) out = `${id}_${n}`;
    this.declared.add(out);
    return out;
  }

  private identifierFor(name: string): string {
    if (!isIdentifier(name)) throw new Skip(`${JSON.stringify(name)} is no identifier`);
    return ["h", "v", "l", "z", "jinja", "role", "notConverted"].includes(name) ? `${name}_` : name;
  }

  private literalText(value: unknown, what: string): string {
    if (typeof value !== "string" || isPossiblyTemplate(value)) throw new Skip(`${what} that is not a literal name`);
    return value;
  }

  /** A user or host name that is a template, as text evaluated for the host when the task runs. */
  private userCode(name: { template: string }): string {
    return `String(h.jinja.value(jinja(${str(name.template)})${this.localsArg(namesInValue(name.template))}))`;
  }

  /**
   * `environment:` as h.jinja.env(...): a mapping when there is one, else the list merged in
   * order; plain text values stay a literal object.
   */
  private environmentCode(parts: readonly unknown[]): string {
    const one = parts.length === 1 ? parts[0] : undefined;
    if (isPlainObject(one) && Object.values(one).every((x) => typeof x === "string" && !isPossiblyTemplate(x))) return literal(one, { templates: false });
    const value = parts.length === 1 ? one : parts;
    return `h.jinja.env(${literal(value, { templates: true })}${this.localsArg(namesInValue(value))})`;
  }

  /** A task's become as TaskMeta's `become`: true/false, a user's name, or code that templates one. */
  private becomeCode(become: NonNullable<Inherited["become"]>): string {
    return typeof become === "object" ? this.userCode(become) : typeof become === "string" ? str(become) : String(become);
  }

  private becomeOf(value: unknown): boolean {
    if (typeof value !== "boolean") throw new Skip("become that is not true or false");
    return value;
  }

  /**
   * A boolean task keyword (ignore_errors, no_log, check_mode): the literal, or a template judged
   * as the task runs (`ignore_errors: "{{ ansible_check_mode }}"`), as Ansible templates it.
   * undefined: the keyword says nothing (a YAML null).
   */
  private flag(value: unknown, key: string): string | undefined {
    if (value === null) return undefined;
    const literal = ansibleBoolean(value);
    if (literal !== undefined) return String(literal);
    const bare = loneExpression(value);
    if (bare !== undefined) return `h.jinja.when(${str(bare)}${this.localsArg(namesIn(bare))})`;
    throw new Skip(`${key} that is neither true, false nor one {{ expression }}`);
  }

  private taskVarsCount = 0;

  /**
   * A task's `vars:` as a const beside the call (inside its loop: they may read the loop
   * variable), read by the task's templates, `when` and included files as locals. Evaluated when
   * the task runs, all at once (Ansible evaluates each where it is read: only a variable that
   * nothing reads and that cannot be evaluated differs). Returns the locals it shadowed.
   */
  private taskVars(vars: unknown, indent: string): Map<string, string | undefined> {
    const shadowed = new Map<string, string | undefined>();
    if (vars === undefined || vars === null) return shadowed;
    if (!isPlainObject(vars)) throw new Skip("vars that is not a mapping");
    const id = `taskVars${this.taskVarsCount++}`;
    const entries = Object.entries(vars).map(([k, x]) => {
      const code = literal(x, { templates: true }, `${indent}  `);
      return `${propKey(k)}: ${code.includes("jinja(") ? `h.jinja.value(${code}${this.localsArg(namesInValue(x))})` : code}`;
    });
    this.lines.push(`${indent}const ${id} = { ${entries.join(", ")} };`);
    for (const k of Object.keys(vars)) {
      shadowed.set(k, this.locals.get(k));
      this.locals.set(k, `${id}[${str(k)}]`);
    }
    return shadowed;
  }

  /**
   * run_once: the call made by the first host of the batch to get there; the others wait and get
   * its result (h.runOnce), as Ansible gives every host the one run's result.
   */
  private runOnce(once: boolean, call: string, at: string): string {
    if (!once) return call;
    // set_fact with run_once: the first host computes the values, every host of the batch gets them.
    const fact = /^h\.setFact\((\{[\s\S]*\})\)$/.exec(call);
    if (fact !== null) return `h.setFact(await h.runOnce(${str(at)}, async () => (${fact[1]})))`;
    if (!call.startsWith("await h.")) throw new Skip("run_once on this task not converted yet");
    return `await h.runOnce(${str(at)}, () => ${call.slice("await ".length)})`;
  }

  private once(v: unknown): boolean {
    if (v === undefined || v === false || v === null) return false;
    if (v !== true) throw new Skip("run_once that is not true or false");
    return true;
  }

  /** `throttle:`: a positive number, or undefined (0, Ansible's default, is no limit). */
  private throttleOf(v: unknown): number | undefined {
    if (v === undefined || v === null) return undefined;
    const n = this.count(v, "throttle");
    return n === 0 ? undefined : n;
  }

  /** A module call that at most `n` hosts run at once (h.throttle), as Ansible's throttle allows. */
  private throttled(call: string, n: number | undefined, at: string): string {
    if (n === undefined) return call;
    if (!call.startsWith("await h.")) throw new Skip("throttle on this task not converted yet");
    return `await h.throttle(${str(at)}, ${n}, () => ${call.slice("await ".length)})`;
  }

  /** retries/delay: a number, or text of one. */
  private count(value: unknown, key: string): number {
    const n = typeof value === "number" ? value : typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
    if (n === undefined || !Number.isInteger(n) || n < 0) throw new Skip(`${key} that is not a literal number`);
    return n;
  }

  private tagsOf(value: unknown): string[] {
    if (value === undefined) return [];
    const list = typeof value === "string" ? value.split(",").map((s) => s.trim()) : value;
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string" || isPossiblyTemplate(x))) throw new Skip("tags that are not literal names");
    return list as string[];
  }

  /**
   * A task's loop: its variable, the items as code (`iter`), and loop_control's index_var and
   * extended (ansible_loop); label only changes Ansible's output.
   */
  private loopOf(t: Record<string, unknown>): { var: string; iter: string; value: unknown; index: string | undefined; extended: boolean; pause: number } | undefined {
    const key = ["loop", "with_items", "with_list", "with_dict", "with_subelements", "with_fileglob", "with_nested", "with_together"].find((k) => k in t);
    if (key === undefined) return undefined;
    const control = isPlainObject(t.loop_control) ? t.loop_control : {};
    const extra = Object.keys(control).filter((k) => !["loop_var", "label", "index_var", "extended", "pause"].includes(k));
    if (extra.length > 0) throw new Skip(`loop_control ${extra.join(", ")} not converted yet`);
    const loopVar = typeof control.loop_var === "string" ? control.loop_var : "item";
    if (control.index_var !== undefined && typeof control.index_var !== "string") throw new Skip("loop_control index_var that is not a name");
    const extended = control.extended === undefined ? false : ansibleBoolean(control.extended);
    if (extended === undefined) throw new Skip("loop_control extended that is not true or false");
    const value = key === "with_dict" ? dictItems(t[key]) : key === "with_subelements" ? subelements(t[key]) : t[key];
    const expr = literal(value, { templates: true });
    const locals = this.localsArg(namesInValue(value));
    const iter =
      key === "with_fileglob"
        ? `h.jinja.fileglob(${expr}${locals})`
        : key === "with_nested" || key === "with_together"
          ? `h.jinja.combine(${str(key.slice("with_".length))}, ${expr}${locals})`
          : `h.jinja.list(${expr}${key === "with_items" ? `${locals || ", {}"}, true` : locals})`;
    const pause = typeof control.pause === "number" && control.pause >= 0 ? control.pause : control.pause === undefined ? 0 : undefined;
    if (pause === undefined) throw new Skip("loop_control pause that is not a literal number of seconds");
    return { var: loopVar, iter, value, index: control.index_var as string | undefined, extended, pause };
  }

  /**
   * A task option that judges the task's result (changed_when, failed_when, until): its Jinja
   * conditions joined by `join`, each reading the result under the task's register name.
   */
  private resultTest(value: unknown, register: unknown, join: " || " | " && "): string {
    const conds = (Array.isArray(value) ? value : [value]).map(String);
    const reg = typeof register === "string" ? register : undefined;
    const names = new Set(conds.flatMap((c) => [...namesIn(c)]));
    const locals =
      reg === undefined
        ? this.localsArg(names)
        : `, { ${[this.localsParam ? `...${this.localsParam}` : "", ...[...this.locals].filter(([n]) => n !== reg && names.has(n)).map(localEntry), `${propKey(reg)}: r`].filter(Boolean).join(", ")} }`;
    return `${reg === undefined ? "()" : "(r)"} => ${conds.map((c) => `h.jinja.when(${str(c.trim())}${locals})`).join(join)}`;
  }

  /** The locals argument for names an expression reads: registered results, loop variables, the includer's. */
  private localsArg(names: ReadonlySet<string>): string {
    const entries = [...this.locals].filter(([n]) => names.has(n)).map(localEntry);
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
    if (t.with_first_found !== undefined && short !== "include_vars") throw new Skip(`with_first_found on ${ansible} not converted yet`);
    const builtin = this.builtin(short, raw, t, inherited, indent);
    if (builtin !== undefined) return builtin;
    const mod = ourModule(ansible);
    if (mod === undefined) throw new Skip(`no do-converge module for ${ansible} yet`);
    const args = this.args(mod, raw, t.args);
    const meta = this.meta(t, inherited);
    const templated = JSON.stringify(args).includes("{{") || JSON.stringify(args).includes("{%");
    const lit = literal(args, { templates: true }, indent);
    const argsCode = templated ? `h.jinja.args(${str(mod)}, ${lit}${this.localsArg(namesInValue(args))})` : lit;
    if (mod === "getent") return `await h.getent(${argsCode}${meta})${this.getentFact(args.database)}`;
    // Ansible registers stat's answer under the key stat (x.stat.exists); our stat returns the answer itself.
    if (mod === "stat") return `await h.stat(${argsCode}${meta}).then((stat) => ({ stat }))`;
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
      out[ours] = ours === "mode" && typeof v === "number" ? `0${v.toString(8)}` : ours === "mode" && typeof v === "string" ? (absoluteSymbolicMode(v) ?? v) : ansibleCoerced(mod, ours, v);
    }
    // Ansible's apt installs what the host's apt configuration says, which on Debian and Ubuntu is
    // recommended packages too; do-converge's apt installs none unless told. The imported task
    // says so, so the host ends as Ansible left it (test/lab/import/twins.test.ts).
    if (mod === "apt" && out.install_recommends === undefined && (out.name !== undefined || out.deb !== undefined) && !["absent", "build-dep"].includes(String(out.state ?? "present"))) out.install_recommends = true;
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
    if (inherited.become !== undefined) m.push(`become: ${this.becomeCode(inherited.become)}`);
    if (inherited.environment.length > 0) m.push(`environment: ${this.environmentCode(inherited.environment)}`);
    if (t.notify !== undefined) {
      const list = Array.isArray(t.notify) ? t.notify : [t.notify];
      if (list.some((n) => typeof n !== "string" || isPossiblyTemplate(n))) throw new Skip("notify of a templated handler name");
      m.push(`notify: ${list.length === 1 ? str(String(list[0])) : literal(list, { templates: false })}`);
    }
    for (const [key, ours] of [["changed_when", "changedWhen"], ["failed_when", "failedWhen"]] as const) {
      const v = t[key];
      if (v === undefined) continue;
      if (typeof v === "boolean") m.push(`${ours}: ${v}`);
      else m.push(`${ours}: ${this.resultTest(v, t.register, " || ")}`);
    }
    for (const [key, ours] of [["ignore_errors", "ignoreErrors"], ["no_log", "noLog"], ["check_mode", "checkMode"]] as const) {
      const v = t[key];
      if (v === undefined) continue;
      const flag = this.flag(v, key);
      if (flag !== undefined) m.push(`${ours}: ${flag}`);
    }
    if (t.until !== undefined) {
      m.push(`until: ${this.resultTest(t.until, t.register, " && ")}`);
      // Ansible's defaults when until is given without them: 3 retries, 5 seconds apart.
      m.push(`retries: ${this.count(t.retries ?? 3, "retries")}`, `delay: ${this.count(t.delay ?? 5, "delay")}`);
    }
    const to = inherited.delegateTo;
    if (to !== undefined) m.push(`delegateTo: ${typeof to === "string" ? str(to) : this.userCode(to)}`);
    return m.length === 0 ? "" : `, { ${m.join(", ")} }`;
  }

  /**
   * include_vars → h.includeVars(): a file (free-form or `file:`), or with `with_first_found` the
   * first of its names that exists; `name:` kept. The files stay YAML in the role's vars/.
   */
  private includeVars(raw: unknown, t: Record<string, unknown>, tagsMeta: string): string {
    const a = isPlainObject(raw) ? raw : typeof raw === "string" ? { file: raw } : undefined;
    if (a === undefined) throw new Skip("include_vars without a file name");
    const unknown = Object.keys(a).filter((k) => k !== "file" && k !== "name" && k !== "_raw_params");
    if (unknown.length > 0) throw new Skip(`include_vars ${unknown.join(", ")} not converted yet`);
    const file = a.file ?? a._raw_params;
    if (typeof file !== "string") throw new Skip("include_vars without a file name");
    let names: string[] = [file];
    const meta: string[] = [];
    if (t.with_first_found !== undefined) {
      if (file.replace(/\s+/g, "") !== "{{item}}") throw new Skip("with_first_found on include_vars of another name than {{ item }}");
      const found = firstFoundTerms(t.with_first_found);
      names = found.names;
      if (found.skip) meta.push("skip: true");
    }
    if (a.name !== undefined) meta.push(`name: ${str(this.literalText(a.name, "include_vars name"))}`);
    const tags = tagsMeta === "" ? "" : tagsMeta.replace(/^, \{ | \}$/g, "");
    if (tags !== "") meta.push(tags);
    // As the vars subdirectory is where the lookup searches, a name that starts with it is found there (vars/x.yml is the role's vars/x.yml).
    const ours = names.map((n) => n.replace(/^vars\//, ""));
    const arg = t.with_first_found === undefined ? fileName(ours[0] ?? "") : `[${ours.map(fileName).join(", ")}]`;
    return `await h.includeVars(${arg}${meta.length > 0 ? `, { ${meta.join(", ")} }` : ""})`;
  }

  /**
   * setup (and the gather_facts module) → h.gatherFacts(): the host's facts gathered again,
   * replacing those gathered before for the rest of the run. do-converge gathers every fact in one
   * round trip, so gather_subset (a part of them), gather_timeout (Ansible's bound on slow
   * collectors) and parallel change nothing; filter and fact_path would, and are not converted.
   */
  private setup(short: string, raw: unknown, t: Record<string, unknown>, inherited: Inherited): string {
    const given = typeof raw === "string" ? parseFreeForm(raw) : undefined;
    if (given?.rest !== undefined) throw new Skip(`${short} of free-form text that is not k=v: ${JSON.stringify(given.rest)}`);
    const args = { ...(given?.args ?? (isPlainObject(raw) ? raw : {})), ...(isPlainObject(t.args) ? t.args : {}) };
    if (raw !== null && raw !== undefined && given === undefined && !isPlainObject(raw)) throw new Skip(`${short} arguments that are neither a mapping nor k=v text`);
    const unknown = Object.keys(args).filter((k) => !["gather_subset", "gather_timeout", "parallel"].includes(k));
    if (unknown.length > 0) throw new Skip(`${short} ${unknown.join(", ")} not converted yet`);
    const keywords = ["notify", "changed_when", "failed_when", "ignore_errors", "no_log", "check_mode", "until"].filter((k) => t[k] !== undefined);
    if (inherited.delegateTo !== undefined) keywords.push("delegate_to");
    if (inherited.environment.length > 0) keywords.push("environment");
    if (keywords.length > 0) throw new Skip(`${keywords.join(", ")} on ${short} not converted yet`);
    const m: string[] = [];
    if (typeof t.name === "string") m.push(`name: ${str(t.name)}`);
    if (inherited.tags.length > 0) m.push(`tags: ${literal(inherited.tags, { templates: false })}`);
    if (inherited.become !== undefined) m.push(`become: ${this.becomeCode(inherited.become)}`);
    return `await h.gatherFacts(${m.length > 0 ? `{ ${m.join(", ")} }` : ""})`;
  }

  /** debug, fail, assert, set_fact, meta, include_tasks/import_tasks: the host context's own calls. */
  private builtin(short: string, raw: unknown, t: Record<string, unknown>, inherited: Inherited, indent: string): string | undefined {
    const tagsMeta = inherited.tags.length > 0 ? `, { tags: ${literal(inherited.tags, { templates: false })} }` : "";
    const value = (x: unknown) => {
      const code = literal(x, { templates: true }, indent);
      return code.includes("jinja(") ? `h.jinja.value(${code}${this.localsArg(namesInValue(x))})` : code;
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
        // Free-form `set_fact: a=1 b=x` is parse_kv's: every value a string.
        const free = typeof raw === "string" ? parseFreeForm(raw) : undefined;
        if (free?.rest !== undefined) throw new Skip(`set_fact of free-form text that is not k=v: ${JSON.stringify(free.rest)}`);
        const given = free?.args ?? raw;
        if (!isPlainObject(given)) throw new Skip("set_fact without a mapping");
        const facts = Object.fromEntries(Object.entries(given).filter(([k]) => k !== "cacheable"));
        // As set_fact does (jinja2_native off): a string that is yes/no/true/false becomes a boolean.
        const typed = (x: unknown) => (typeof x === "string" && /^(yes|no|true|false)$/i.test(x) ? /^(yes|true)$/i.test(x) : x);
        const entries = Object.entries(facts).map(([k, x]) => `${propKey(k)}: ${value(typed(x))}`);
        return `h.setFact({ ${entries.join(", ")} })`;
      }
      case "include_vars":
        return this.includeVars(raw, t, tagsMeta);
      case "setup":
      case "gather_facts":
        return this.setup(short, raw, t, inherited);
      case "meta":
        if (raw === "flush_handlers") return "await h.flushHandlers()";
        if (raw === "reset_connection") return "await h.resetConnection()";
        throw new Skip(`meta: ${String(raw)} not converted yet`);
      case "include":
      case "include_tasks":
      case "import_tasks": {
        const file = isPlainObject(raw) ? raw.file : raw;
        if (typeof file !== "string") throw new Skip(`${short} without a file name`);
        if (inherited.environment.length > 0 || inherited.runOnce || inherited.throttle !== undefined || inherited.delegateTo !== undefined) throw new Skip(`environment, run_once, throttle or delegate_to on ${short} not converted yet`);
        const rel = file.replace(/\{\{\s*ansible_os_family\s*\}\}/g, "Debian");
        if (isPossiblyTemplate(rel)) throw new Skip(`${short} of a file named by a template (${file})`);
        const fn = this.role.include(`tasks/${rel}`, `${this.file.rel}`);
        if (fn === undefined) throw new Skip(`${short}: tasks/${rel} not found`);
        const locals = [...this.locals].map(localEntry);
        if (this.localsParam) locals.unshift(`...${this.localsParam}`);
        return `await ${fn}(h, v${locals.length > 0 ? `, { ${locals.join(", ")} }` : ""})`;
      }
      default:
        return undefined;
    }
  }
}

/** A literal user (or host) name, or a template of one evaluated as the task runs. */
function userName(value: unknown, what: string): string | { template: string } {
  if (typeof value !== "string") throw new Skip(`${what} that is not a name`);
  return isPossiblyTemplate(value) ? { template: value } : value;
}

/** A task's or block's `environment:` as a list of parts: mappings, or templates that give one. */
function environmentOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  const parts = Array.isArray(value) ? value : [value];
  for (const p of parts) if (!isPlainObject(p) && loneExpression(p) === undefined) throw new Skip("environment that is neither a mapping nor one {{ expression }}");
  return parts;
}

/** A local as an object literal entry: `item`, or `name: id` where the identifier differs. */
function localEntry([name, id]: readonly [string, string]): string {
  return name === id ? name : `${propKey(name)}: ${id}`;
}

/** The one expression of a `"{{ expr }}"` string, or undefined for anything else. */
function loneExpression(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const m = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(value);
  return m !== null && !(m[1] ?? "").includes("}}") && !(m[1] ?? "").includes("{{") ? (m[1] ?? "").trim() : undefined;
}

/** with_dict's items as a loop value: the dict lookup's {key, value} pairs, which dict2items gives in the same order. */
function dictItems(value: unknown): unknown {
  if (isPlainObject(value)) return Object.entries(value).map(([key, v]) => ({ key, value: v }));
  const expr = loneExpression(value);
  if (expr === undefined) throw new Skip("with_dict of something else than a mapping or one {{ expression }}");
  return `{{ (${expr}) | dict2items }}`;
}

/** with_subelements' [list, "subkey", {skip_missing}] as the subelements filter, which Ansible's lookup and filter share. */
function subelements(value: unknown): unknown {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3 || typeof value[1] !== "string") throw new Skip("with_subelements that is not [list, subkey] or [list, subkey, flags]");
  const [list, subkey, flags] = value as [unknown, string, unknown];
  const expr = loneExpression(list);
  if (expr === undefined) throw new Skip("with_subelements of something else than one {{ expression }}");
  if (flags !== undefined && !(isPlainObject(flags) && Object.keys(flags).every((k) => k === "skip_missing") && typeof flags.skip_missing === "boolean")) throw new Skip("with_subelements flags other than skip_missing");
  const skip = isPlainObject(flags) && flags.skip_missing === true ? ", skip_missing=True" : "";
  if (/['\\]/.test(subkey)) throw new Skip("with_subelements of a subkey with quotes or backslashes");
  return `{{ (${expr}) | subelements('${subkey}'${skip}) }}`;
}

/**
 * with_first_found's terms as Ansible's first_found lookup reads them: names; mappings of `files`
 * (split on , and ;) under each of `paths` (split on , : and ;), path by path; nested lists. A
 * mapping without paths replaces the names gathered so far, and the last `skip` holds, as there.
 */
function firstFoundTerms(terms: unknown): { names: string[]; skip: boolean } {
  const split = (v: unknown, seps: RegExp, what: string): string[] => {
    const list = v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
    if (list.some((x) => typeof x !== "string")) throw new Skip(`with_first_found ${what} that are not names`);
    return (list as string[]).flatMap((x) => x.split(seps)).filter((x) => x !== "");
  };
  let names: string[] = [];
  let skip = false;
  for (const term of Array.isArray(terms) ? terms : [terms]) {
    if (typeof term === "string") names.push(term);
    else if (Array.isArray(term)) {
      const inner = firstFoundTerms(term);
      names.push(...inner.names);
      skip = inner.skip;
    } else if (isPlainObject(term)) {
      const extra = Object.keys(term).filter((k) => !["files", "paths", "skip"].includes(k));
      if (extra.length > 0) throw new Skip(`with_first_found ${extra.join(", ")} not converted yet`);
      const files = split(term.files, /[,;]/, "files");
      const paths = split(term.paths, /[,:;]/, "paths");
      const s = term.skip === undefined ? false : ansibleBoolean(term.skip);
      if (s === undefined) throw new Skip("with_first_found skip that is not true or false");
      skip = s;
      if (paths.length > 0) names.push(...paths.flatMap((p) => files.map((f) => posixJoin(p, f))));
      else names = files;
    } else throw new Skip("with_first_found of something else than names and mappings of files and paths");
  }
  return { names, skip };
}

/** os.path.join for two parts, as first_found joins a path and a name (an absolute name wins). */
function posixJoin(dir: string, name: string): string {
  if (name.startsWith("/")) return name;
  return dir === "" || dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`;
}

/** A file name as code: text, or jinja(...) when the name is a template (evaluated as the task runs). */
function fileName(name: string): string {
  return isPossiblyTemplate(name) ? `jinja(${str(name)})` : str(name);
}

/**
 * A literal string as Ansible's argument spec reads it for the argument's type (`update_cache=yes`
 * is true, `port=22` a number): the value our schema takes, when the text alone fails it.
 */
function ansibleCoerced(mod: ModuleName, arg: string, value: unknown): unknown {
  if (typeof value !== "string" || isPossiblyTemplate(value) || argProblem(mod, arg, value) === undefined) return value;
  const candidates: unknown[] = [ansibleBoolean(value), /^-?\d+$/.test(value) ? Number(value) : undefined];
  return candidates.find((c) => c !== undefined && argProblem(mod, arg, c) === undefined) ?? value;
}
