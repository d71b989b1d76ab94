import { HostPatternError, UnknownPatternNameError } from "./errors.js";
import { globToRegExp } from "./glob.js";
import { hostsOfGroup, indexInventory } from "./graph.js";
import type { Inventory } from "./model.js";
import { parseAtom, splitHostPattern, type PatternAtom, type Subscript } from "./pattern-syntax.js";

/** The hosts a pattern selects, in inventory order, and what the operator should be told. */
export interface HostSelection {
  readonly hosts: string[];
  readonly warnings: string[];
}

export interface SelectOptions {
  /** `--limit`: the same syntax, intersected with the selection. */
  readonly limit?: string | readonly string[];
}

/**
 * Evaluates a host pattern with Ansible's semantics: pieces joined by `,` or `:`; plain pieces
 * are a union in order, then `&` pieces intersect, then `!` pieces exclude (whatever their
 * position; a pattern of only `&`/`!` pieces starts from `all`). A piece is a group or host name,
 * a glob (`web*`, `db-?`) matched against group names and host names, or a regex `~...` matched
 * from the start of the name, optionally followed by a subscript `[0]`, `[-1]`, `[1:]`, `[:2]`,
 * `[0:2]` (end inclusive, as Ansible).
 *
 * A plain name that is neither a group nor a host is an error; a group with no hosts, or a glob
 * or regex that matches nothing, is only a warning.
 */
export function selectHosts(inv: Inventory, pattern: string | readonly string[], options: SelectOptions = {}): HostSelection {
  const warnings: string[] = [];
  let hosts = evaluate(inv, pattern, warnings);
  if (options.limit !== undefined) {
    const allowed = new Set(evaluate(inv, options.limit, warnings));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  return { hosts, warnings };
}

function evaluate(inv: Inventory, pattern: string | readonly string[], warnings: string[]): string[] {
  const whole = typeof pattern === "string" ? pattern : pattern.join(",");
  const atoms = splitHostPattern(pattern).map((p) => parseAtom(p, whole));
  if (atoms.length === 0) throw new HostPatternError(whole, "the pattern is empty; use 'all' to mean every host");
  const unions = atoms.filter((a) => a.op === "union");
  const ordered = [
    ...(unions.length > 0 ? unions : [parseAtom("all", whole)]),
    ...atoms.filter((a) => a.op === "intersect"),
    ...atoms.filter((a) => a.op === "exclude"),
  ];
  const index = indexInventory(inv);
  let selected: string[] = [];
  for (const atom of ordered) {
    // As Ansible: a piece that is exactly a host's name means that host, even if a group shares the name.
    const matched = atom.op === "union" && index.hosts.has(atom.text) ? [atom.text] : matchAtom(inv, atom, whole, warnings);
    if (atom.op === "union") {
      selected = [...new Set([...selected, ...matched])];
    } else {
      const set = new Set(matched);
      selected = selected.filter((h) => (atom.op === "intersect" ? set.has(h) : !set.has(h)));
    }
  }
  return selected;
}

function matchAtom(inv: Inventory, atom: PatternAtom, whole: string, warnings: string[]): string[] {
  const test = atom.regex ?? (atom.kind === "glob" ? globToRegExp(atom.expr) : undefined);
  const matches = (name: string): boolean => (test === undefined ? name === atom.expr : test.test(name));
  const groups = inv.groups.map((g) => g.name).filter(matches);
  const found = groups.flatMap((g) => hostsOfGroup(inv, g));
  // Ansible also looks at host names when no group matched, or when the piece could be a host
  // name pattern rather than a group name (a regex, a glob, or a dotted name).
  if (groups.length === 0 || atom.kind !== "name" || atom.expr.includes(".")) {
    found.push(...inv.hosts.map((h) => h.name).filter(matches));
  }
  // Unlike Ansible, duplicates go before the subscript, so `web*[1]` counts each host once.
  const hosts = [...new Set(found)];
  if (hosts.length === 0) {
    if (atom.kind === "name" && groups.length === 0) throw new UnknownPatternNameError(whole, atom.expr);
    warnings.push(
      groups.length === 1
        ? `host pattern '${whole}': group '${groups[0] ?? ""}' has no hosts`
        : groups.length > 1
          ? `host pattern '${whole}': groups '${groups.join("', '")}' have no hosts`
          : `host pattern '${whole}': '${atom.expr}' matched no hosts`,
    );
    return [];
  }
  return atom.subscript === undefined ? hosts : applySubscript(hosts, atom.subscript, atom, whole, warnings);
}

function applySubscript(hosts: readonly string[], s: Subscript, atom: PatternAtom, whole: string, warnings: string[]): string[] {
  if (s.kind === "index") {
    const host = s.index < 0 ? hosts[hosts.length + s.index] : hosts[s.index];
    if (host === undefined) {
      throw new HostPatternError(whole, `'${atom.text}': no host at index ${s.index}; '${atom.expr}' has ${hosts.length} host(s)`);
    }
    return [host];
  }
  const end = s.end ?? hosts.length - 1;
  const picked = s.start > end ? [] : hosts.slice(s.start, end + 1);
  if (picked.length === 0) {
    warnings.push(`host pattern '${whole}': '${atom.text}' selects none of the ${hosts.length} host(s) of '${atom.expr}'`);
  }
  return picked;
}
