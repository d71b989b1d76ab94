import {
  GroupCycleError,
  InvalidGroupNameError,
  InvalidHostNameError,
  InventoryShapeError,
  InventorySyntaxError,
  type InventoryFileError,
} from "./errors.js";
import { findCycle } from "./graph.js";
import { GROUP_NAME, GROUP_NAME_PROBLEM } from "./group-names.js";
import { parseHostKey } from "./host-names.js";
import { shlexSplit } from "../python/shlex.js";
import { NO_KNOWN_NAMES, type KnownNames } from "./known-names.js";
import { ALL, UNGROUPED, type GroupDecl, type HostDecl, type InventoryFragment } from "./model.js";
import { varsFromEntries, type Provenance, type TrackedValue } from "./provenance.js";

/** A value's Python type as Ansible's INI parser gives it (`ast.literal_eval`, else the text). */
export type IniValueTyper = (text: string) => { value: unknown; exact?: unknown };

// Ansible's section and group-name patterns (plugins/inventory/ini.py): Python's \s and \w match
// Unicode, as these do with the u flag.
const SECTION = /^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$/u;
const CHILD_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/u;
// str.splitlines() breaks lines at all of these, not only at \n.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/u;

type State = "hosts" | "vars" | "children";

interface GroupDraft {
  name: string;
  hosts: string[];
  children: string[];
  vars: Map<string, TrackedValue>;
  priority?: { value: number; provenance: Provenance };
  declaredAt?: Provenance;
  /** child → the line naming it, to point a cycle error at it */
  childAt: Map<string, Provenance>;
}

interface HostDraft {
  name: string;
  vars: Map<string, TrackedValue>;
  declaredAt: Provenance;
}

/** A group named before its own section: `[g:vars]` first, or a child not yet declared. */
interface Pending {
  line: number;
  state: "vars" | "children";
  parents: string[];
}

/**
 * Parses an INI inventory the way ansible-core's `ini` plugin does, line by line: hosts before
 * any section are `ungrouped`; `[g]` lists hosts (with inline `key=value` vars, typed as Python
 * literals), `[g:vars]` one `key=value` per line (typed the same way), `[g:children]` group names,
 * which may be declared further down. Groups, hosts and children keep Ansible's order, including
 * the order in which a pending child joins its parents. Errors carry file:line.
 */
export function parseIniInventory(text: string, file: string, typeValue: IniValueTyper, known: KnownNames = NO_KNOWN_NAMES): InventoryFragment {
  return new IniParser(file, typeValue, known).parse(text);
}

class IniParser {
  private readonly groups = new Map<string, GroupDraft>();
  private readonly hosts = new Map<string, HostDraft>();
  private readonly pending = new Map<string, Pending>();
  private lineno = 0;

  constructor(
    private readonly file: string,
    private readonly typeValue: IniValueTyper,
    private readonly known: KnownNames,
  ) {}

  parse(text: string): InventoryFragment {
    let group = UNGROUPED;
    let state: State = "hosts";
    for (const raw of text.split(LINE_BREAK)) {
      this.lineno++;
      const line = pyStrip(raw);
      if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
      const section = SECTION.exec(line);
      if (section !== null) {
        [group, state] = this.section(section[1] ?? "", section[2]);
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        this.fail(
          InventorySyntaxError,
          `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
        );
      }
      if (state === "hosts") this.hostLine(line, group);
      else if (state === "vars") this.varLine(line, group);
      else this.childLine(line, group);
    }
    this.checkPending();
    this.checkCycles();
    return {
      source: this.file,
      hosts: [...this.hosts.values()].map(finishHost),
      groups: [...this.groups.values()].map(finishGroup),
      warnings: [],
    };
  }

  private at(column?: number): Provenance {
    return column === undefined ? { file: this.file, line: this.lineno } : { file: this.file, line: this.lineno, column };
  }

  private fail(kind: new (at: Provenance, problem: string, key?: string) => InventoryFileError, problem: string, key?: string): never {
    throw new kind(this.at(), problem, key);
  }

  private exists(group: string): boolean {
    return group === ALL || group === UNGROUPED || this.groups.has(group) || this.known.groups.has(group);
  }

  /** The draft of a group this file adds to; a group from an earlier source gets an empty one. */
  private draft(name: string, declaredAt?: Provenance): GroupDraft {
    const known = this.groups.get(name);
    if (known !== undefined) return known;
    const created: GroupDraft = { name, hosts: [], children: [], vars: new Map(), childAt: new Map(), ...(declaredAt && { declaredAt }) };
    this.groups.set(name, created);
    return created;
  }

  private section(name: string, tag: string | undefined): [string, State] {
    const state = tag ?? "hosts";
    if (state !== "hosts" && state !== "children" && state !== "vars") {
      this.fail(InventorySyntaxError, `Section [${name}:${state}] has unknown type: ${state}`);
    }
    if (!GROUP_NAME.test(name)) this.fail(InvalidGroupNameError, GROUP_NAME_PROBLEM, name);
    if (!this.exists(name)) {
      // [g] or [g:children] declares a group; [g:vars] alone does not, which is checked at the end.
      if (state === "vars" && !this.pending.has(name)) this.pending.set(name, { line: this.lineno, state, parents: [] });
      this.draft(name, this.at(2));
    } else if (!this.groups.get(name)?.declaredAt) {
      this.draft(name).declaredAt = this.at(2);
    }
    const waiting = this.pending.get(name);
    if (waiting !== undefined && state !== "vars") {
      if (waiting.state === "children") this.addPendingChildren(name);
      else this.pending.delete(name);
    }
    return [name, state];
  }

  /** Ansible adds a pending child to its parents when the child's own section appears. */
  private addPendingChildren(group: string): void {
    for (const parent of this.pending.get(group)?.parents ?? []) {
      this.addChild(parent, group, this.draft(parent).childAt.get(group) ?? this.at());
      if (this.pending.get(parent)?.state === "children") this.addPendingChildren(parent);
    }
    this.pending.delete(group);
  }

  private addChild(parent: string, child: string, at: Provenance): void {
    const p = this.draft(parent);
    this.draft(child);
    if (!p.children.includes(child)) p.children.push(child);
    if (!p.childAt.has(child)) p.childAt.set(child, at);
  }

  private hostLine(line: string, group: string): void {
    const split = shlexSplit(line, { comments: true });
    if (!split.ok) this.fail(InventorySyntaxError, `Error parsing host definition '${line}': ${split.problem}`);
    const [pattern = "", ...assignments] = split.words;
    if (pattern.trim().endsWith(":")) {
      this.fail(InvalidHostNameError, `Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`);
    }
    if (pattern.trim() === "---") {
      this.fail(InvalidHostNameError, `Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`);
    }
    const parsed = parseHostKey(pattern);
    // The pattern names the error; a whole-file line of garbage is cut short.
    if (!parsed.ok) this.fail(InvalidHostNameError, parsed.problem, pattern.length > 80 ? `${pattern.slice(0, 80)}...` : pattern);
    const vars = new Map<string, TrackedValue>();
    for (const word of assignments) {
      const eq = word.indexOf("=");
      if (eq < 0) this.fail(InventorySyntaxError, `Expected key=value host variable assignment, got: ${word}`);
      vars.set(word.slice(0, eq), this.typed(word.slice(eq + 1), word.slice(0, eq)));
    }
    const g = this.draft(group);
    for (const name of parsed.names) {
      let host = this.hosts.get(name);
      if (host === undefined) {
        host = { name, vars: new Map(), declaredAt: this.at(1) };
        this.hosts.set(name, host);
        // As in Ansible, `name:port` sets ansible_port only where the host is first seen.
        if (parsed.port !== undefined && !this.known.hosts.has(name)) {
          host.vars.set("ansible_port", { value: parsed.port, provenance: this.at() });
        }
      }
      if (!g.hosts.includes(name)) g.hosts.push(name);
      for (const [key, value] of vars) host.vars.set(key, value);
    }
  }

  private varLine(line: string, group: string): void {
    const eq = line.indexOf("=");
    if (eq < 0) this.fail(InventorySyntaxError, `Expected key=value, got: ${line}`);
    const key = pyStrip(line.slice(0, eq));
    const tracked = this.typed(pyStrip(line.slice(eq + 1)), key);
    const g = this.draft(group);
    if (key !== "ansible_group_priority") {
      g.vars.set(key, tracked);
      return;
    }
    const priority = integerOf(tracked.value);
    if (priority === undefined) {
      this.fail(InventoryShapeError, `must be an integer, found ${JSON.stringify(tracked.value) ?? String(tracked.value)}`, key);
    }
    g.priority = { value: priority, provenance: tracked.provenance };
  }

  private childLine(line: string, group: string): void {
    const m = CHILD_NAME.exec(line);
    if (m === null) this.fail(InventorySyntaxError, `Expected group name, got: ${line}`);
    const child = m[1] ?? "";
    if (child === ALL) throw new GroupCycleError([ALL, group, ALL], this.at());
    if (this.exists(child)) {
      this.addChild(group, child, this.at());
      return;
    }
    if (!GROUP_NAME.test(child)) this.fail(InvalidGroupNameError, GROUP_NAME_PROBLEM, child);
    const waiting = this.pending.get(child);
    if (waiting === undefined) this.pending.set(child, { line: this.lineno, state: "children", parents: [group] });
    else waiting.parents.push(group);
    // Remember the line for the error or for the cycle check once the child is declared.
    const parent = this.draft(group);
    if (!parent.childAt.has(child)) parent.childAt.set(child, this.at());
  }

  private typed(text: string, key: string): TrackedValue {
    let typed: { value: unknown; exact?: unknown };
    try {
      typed = this.typeValue(text);
    } catch (err) {
      this.fail(InventorySyntaxError, `cannot read the value: ${err instanceof Error ? err.message : String(err)}`, key);
    }
    return { ...typed, provenance: this.at() };
  }

  /** Ansible reports only the first unresolved name, in the order they were first seen. */
  private checkPending(): void {
    for (const [name, p] of this.pending) {
      const at = { file: this.file, line: p.line };
      if (p.state === "vars") throw new InventoryShapeError(at, `Section [${name}:vars] not valid for undefined group: ${name}`);
      throw new InventoryShapeError(at, `Section [${p.parents[p.parents.length - 1] ?? ""}:children] includes undefined group: ${name}`);
    }
  }

  private checkCycles(): void {
    const cycle = findCycle(new Map([...this.groups].map(([name, g]) => [name, g.children])));
    if (cycle === undefined) return;
    const parent = this.groups.get(cycle[cycle.length - 2] ?? "");
    throw new GroupCycleError(cycle, parent?.childAt.get(cycle[cycle.length - 1] ?? ""));
  }
}

/** Python's `int(value)` as Ansible applies it to ansible_group_priority, for the values that make sense. */
function integerOf(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

// Python's str.strip() with no argument: Unicode whitespace plus the separators \x1c-\x1f.
const PY_SPACE = "[\\s\\x1c-\\x1f]";
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, "gu");

function pyStrip(s: string): string {
  return s.replace(PY_STRIP, "");
}

function finishHost(h: HostDraft): HostDecl {
  return { name: h.name, vars: varsFromEntries(h.vars), declaredAt: h.declaredAt };
}

function finishGroup(g: GroupDraft): GroupDecl {
  return {
    name: g.name,
    hosts: g.hosts,
    children: g.children,
    vars: varsFromEntries(g.vars),
    ...(g.priority === undefined ? {} : { priority: g.priority }),
    ...(g.declaredAt === undefined ? {} : { declaredAt: g.declaredAt }),
  };
}
