import { readInventoryText } from "./read-text.js";
import { dirname } from "node:path";
import { isMap, isScalar, type Node } from "yaml";
import {
  GroupCycleError,
  InvalidGroupNameError,
  InvalidHostNameError,
  InventoryShapeError,
} from "./errors.js";
import { findCycle } from "./graph.js";
import { GROUP_NAME, GROUP_NAME_PROBLEM } from "./group-names.js";
import { parseHostKey } from "./host-names.js";
import { ALL, type GroupDecl, type HostDecl, type InventoryFragment, type InventorySource } from "./model.js";
import type { Provenance, TrackedValue } from "./provenance.js";
import { varsFromEntries } from "./provenance.js";
import { NO_KNOWN_NAMES, type KnownNames } from "./known-names.js";
import { describe, isNull, locate, mappingEntries, parseYamlFile, toTrackedValue, type MappingEntry, type YamlFile } from "./yaml-document.js";

/** The static YAML inventory (Ansible's `yaml` inventory plugin format) read from one file. */
export class YamlInventorySource implements InventorySource {
  readonly name: string;
  constructor(readonly path: string) {
    this.name = path;
  }

  async load(): Promise<InventoryFragment> {
    const text = await readInventoryText(this.path);
    return { ...parseYamlInventory(text, this.path), varsDir: dirname(this.path) };
  }
}

const GROUP_KEYS = ["hosts", "vars", "children"] as const;


interface GroupDraft {
  name: string;
  hosts: string[];
  children: string[];
  vars: Map<string, TrackedValue>;
  priority?: { value: number; provenance: Provenance };
  declaredAt: Provenance;
  /** child → where this group names it, to point a cycle error at the exact key */
  childAt: Map<string, Provenance>;
}

interface HostDraft {
  name: string;
  vars: Map<string, TrackedValue>;
  declaredAt: Provenance;
}

/**
 * Parses Ansible's YAML inventory shape: top-level keys are groups (usually just `all`), each a
 * mapping of `hosts`, `vars` and `children` (any may be null). A group may be mentioned several
 * times; the mentions merge. Errors carry file:line:col and the key path.
 */
export function parseYamlInventory(text: string, file: string, known: KnownNames = NO_KNOWN_NAMES): InventoryFragment {
  return parseYamlInventoryDocument(parseYamlFile(text, file), known);
}

/** The same, from a file already parsed (the source factory parses once to tell YAML from INI). */
export function parseYamlInventoryDocument(y: YamlFile, known: KnownNames = NO_KNOWN_NAMES): InventoryFragment {
  return new YamlInventoryParser(y, known).parse();
}

class YamlInventoryParser {
  private readonly groups = new Map<string, GroupDraft>();
  private readonly hosts = new Map<string, HostDraft>();
  /** group bodies being parsed: an alias to one of them (`&g {children: {x: *g}}`) would recurse forever */
  private readonly open = new Set<Node>();

  constructor(
    private readonly y: YamlFile,
    private readonly known: KnownNames,
  ) {}

  parse(): InventoryFragment {
    const root = this.y.doc.contents;
    if (root === null || isNull(root)) {
      throw new InventoryShapeError(locate(this.y, root), "the inventory is empty; expected a mapping such as 'all: {hosts: ...}'");
    }
    for (const entry of mappingEntries(this.y, root, "(top level)")) {
      if (!isNull(entry.value) && !isGroupShaped(entry.value)) {
        const hint = entry.key === "plugin" ? " (inventory plugin configs are not static inventories)" : "";
        const problem =
          "unknown top-level key: top-level keys are group names whose values are mappings of " +
          `hosts/vars/children, but this is ${describe(entry.value)}${hint}`;
        throw new InventoryShapeError(entry.at, problem, entry.key);
      }
      this.group(entry.key, entry.at, entry.value, entry.key);
    }
    this.checkCycles();
    return {
      source: this.y.file,
      hosts: [...this.hosts.values()].map(finishHost),
      groups: [...this.groups.values()].map(finishGroup),
      warnings: [],
    };
  }

  private group(name: string, at: Provenance, body: Node | null, path: string): void {
    if (!GROUP_NAME.test(name)) {
      throw new InvalidGroupNameError(at, GROUP_NAME_PROBLEM, path);
    }
    const draft = this.groups.get(name) ?? this.newGroup(name, at);
    if (body === null || isNull(body)) return;
    if (!isGroupShaped(body)) {
      const problem = `a group must be a mapping of hosts/vars/children, found ${describe(body)}`;
      throw new InventoryShapeError(locate(this.y, body), problem, path);
    }
    if (this.open.has(body)) {
      throw new InventoryShapeError(at, "this alias names a group that contains it, so the group would be its own descendant", path);
    }
    this.open.add(body);
    this.groupBody(draft, body, path);
    this.open.delete(body);
  }

  private groupBody(draft: GroupDraft, body: Node, path: string): void {
    const name = draft.name;
    for (const section of mappingEntries(this.y, body, path)) {
      const sectionPath = `${path}.${section.key}`;
      if (!isSection(section.key)) {
        const problem = `unknown key in group '${name}'; expected one of ${GROUP_KEYS.join(", ")}`;
        throw new InventoryShapeError(section.at, problem, sectionPath);
      }
      if (section.value === null || isNull(section.value)) continue;
      if (!isGroupShaped(section.value) && !isString(section.value)) {
        const what = section.key === "hosts" ? "a mapping of host names (each to its vars, or null)" : "a mapping";
        const problem = `${section.key} must be ${what}, found ${describe(section.value)}`;
        throw new InventoryShapeError(locate(this.y, section.value), problem, sectionPath);
      }
      if (section.key === "hosts") this.groupHosts(draft, section.value, sectionPath);
      else if (section.key === "vars") this.groupVars(draft, section.value, sectionPath);
      else this.groupChildren(draft, section.value, sectionPath);
    }
  }

  private newGroup(name: string, at: Provenance): GroupDraft {
    const draft: GroupDraft = { name, hosts: [], children: [], vars: new Map(), declaredAt: at, childAt: new Map() };
    this.groups.set(name, draft);
    return draft;
  }

  /** A section's entries; a plain string is one name with no value, as Ansible's yaml plugin reads `hosts: web1`. */
  private sectionEntries(body: Node, path: string): MappingEntry[] {
    if (isScalar(body) && typeof body.value === "string") return [{ key: body.value, at: locate(this.y, body), value: null }];
    return mappingEntries(this.y, body, path);
  }

  private groupHosts(group: GroupDraft, body: Node, path: string): void {
    for (const entry of this.sectionEntries(body, path)) {
      const hostPath = `${path}.${entry.key}`;
      const parsed = parseHostKey(entry.key);
      if (!parsed.ok) throw new InvalidHostNameError(entry.at, parsed.problem, hostPath);
      if (!isNull(entry.value) && !isGroupShaped(entry.value)) {
        const problem = `host vars must be a mapping, found ${describe(entry.value)}`;
        throw new InventoryShapeError(locate(this.y, entry.value), problem, hostPath);
      }
      const vars = entry.value === null || isNull(entry.value) ? [] : this.trackedEntries(entry.value, hostPath);
      for (const name of parsed.names) {
        const known = this.hosts.get(name);
        const host = known ?? this.newHost(name, entry.at);
        if (!group.hosts.includes(name)) group.hosts.push(name);
        // Ansible sets ansible_port from `name:port` where it first creates the host (not on a
        // later mention, nor when an earlier source has it), before the host's own vars.
        if (parsed.port !== undefined && known === undefined && !this.known.hosts.has(name)) {
          host.vars.set("ansible_port", { value: parsed.port, provenance: lineOnly(entry.at) });
        }
        for (const [key, value] of vars) host.vars.set(key, value);
      }
    }
  }

  private newHost(name: string, at: Provenance): HostDraft {
    const draft: HostDraft = { name, vars: new Map(), declaredAt: at };
    this.hosts.set(name, draft);
    return draft;
  }

  private groupVars(group: GroupDraft, body: Node, path: string): void {
    for (const [key, tracked] of this.trackedEntries(body, path)) {
      if (key !== "ansible_group_priority") {
        group.vars.set(key, tracked);
        continue;
      }
      const value = Number(tracked.value);
      if (typeof tracked.value === "boolean" || !Number.isInteger(value)) {
        throw new InventoryShapeError(tracked.provenance, `must be an integer, found ${JSON.stringify(tracked.value)}`, `${path}.${key}`);
      }
      group.priority = { value, provenance: tracked.provenance };
    }
  }

  private groupChildren(group: GroupDraft, body: Node, path: string): void {
    for (const entry of this.sectionEntries(body, path)) {
      if (entry.key === ALL) throw new GroupCycleError([ALL, group.name, ALL], entry.at);
      this.group(entry.key, entry.at, entry.value, `${path}.${entry.key}`);
      if (!group.children.includes(entry.key)) group.children.push(entry.key);
      if (!group.childAt.has(entry.key)) group.childAt.set(entry.key, entry.at);
    }
  }

  private trackedEntries(body: Node, path: string): Array<[string, TrackedValue]> {
    return this.sectionEntries(body, path).map((e) => [e.key, toTrackedValue(this.y, e.value, lineOnly(e.at))]);
  }

  /** Points at the `children` key that closes the loop, since that is the line to change. */
  private checkCycles(): void {
    const cycle = findCycle(new Map([...this.groups].map(([name, g]) => [name, g.children])));
    if (cycle === undefined) return;
    const parent = this.groups.get(cycle[cycle.length - 2] ?? "");
    throw new GroupCycleError(cycle, parent?.childAt.get(cycle[cycle.length - 1] ?? ""));
  }
}

function isSection(key: string): key is (typeof GROUP_KEYS)[number] {
  return (GROUP_KEYS as readonly string[]).includes(key);
}

function isGroupShaped(node: Node | null): node is Node {
  return isMap(node);
}

function isString(node: Node): boolean {
  return isScalar(node) && typeof node.value === "string";
}

/** Variable provenance is `file:line`: the column adds nothing for a key at the start of a line. */
function lineOnly(at: Provenance): Provenance {
  return at.line === undefined ? { file: at.file } : { file: at.file, line: at.line };
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
    declaredAt: g.declaredAt,
  };
}
