import { applySymbolicMode, isSymbolicMode } from "./symbolic-mode.js";
import { formatMode, sameMode } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { ModuleError, type TextDiff } from "./contract.js";
import type { WantedAttrs } from "./file-attrs.js";

// file's recurse: owner, group and mode on everything under a directory, as Ansible's
// recursive_set_attributes does: mode on files and directories alike; a symlink's own owner and
// group (its mode cannot be set on Linux, so it is not compared); and with follow, the link's
// target too, and what lies under a linked directory.

/** One path under the directory, with the attributes that are compared. */
export interface TreeEntry {
  path: string;
  /** find's %y: f, d, l (a link itself: not followed, or broken), or another type letter. */
  type: string;
  owner: string;
  group: string;
  /** Octal, as find's %m prints it ("644"); "" for a link itself. */
  mode: string;
  /** A link itself (chown -h), as opposed to the file it leads to. */
  linkItself: boolean;
}

const SEP = "\t";

/**
 * The walk, one NUL-terminated record per path: `find` without -L lists links as themselves;
 * with -L (follow) it lists what they lead to and descends into linked directories, and a second
 * pass lists every link itself. Read-only.
 */
export function treeProbeScript(dir: string, follow: boolean): string {
  const d = shellQuote(dir);
  const lines = [`find ${follow ? "-L " : ""}${d} -mindepth 1 -printf 'P${SEP}%y${SEP}%u${SEP}%g${SEP}%m${SEP}%p\\0'`];
  if (follow) lines.push(`find -L ${d} -mindepth 1 -xtype l -exec stat --printf 'L${SEP}l${SEP}%U${SEP}%G${SEP}${SEP}%n\\0' -- {} +`);
  // The second walk only after the first succeeded: a failure's status and message are the first's.
  return lines.join(" && ");
}

/** Parses the walk's records; a broken link, in both walks, counts once. Pure. */
export function parseTree(stdout: string): TreeEntry[] {
  const out = new Map<string, TreeEntry>();
  for (const rec of stdout.split("\0")) {
    if (rec === "") continue;
    const f = rec.split(SEP);
    const [kind, type = "", owner = "", group = "", mode = ""] = f;
    const path = f.slice(5).join(SEP);
    const linkItself = kind === "L" || type === "l";
    const key = `${linkItself ? "L" : "P"}${path}`;
    if (!out.has(key)) out.set(key, { path, type, owner, group, mode: linkItself ? "" : mode, linkItself });
  }
  return [...out.values()];
}

/**
 * The wanted attributes for a path whose mode is `mode` (octal text, "" when unknown): a symbolic
 * mode (`g+w`) becomes the octal mode it gives that path, as Ansible computes it (symbolic-mode.ts);
 * an absent path is taken as made with umask 022 (0755 for a directory, 0644 for a file).
 */
export function resolvedAttrs(want: WantedAttrs, mode: string | undefined, isDir: boolean): WantedAttrs {
  if (want.mode === undefined || !isSymbolicMode(want.mode)) return want;
  const now = mode === undefined || mode === "" ? (isDir ? 0o755 : 0o644) : Number.parseInt(mode, 8);
  return { ...want, mode: applySymbolicMode(want.mode, now, isDir).toString(8).padStart(4, "0") };
}

/** One attribute to change on one path. */
export interface AttrChange {
  attr: "owner" | "group" | "mode";
  from: string;
  to: string;
}

/** What must change on one entry; [] when nothing. Pure. */
export function entryChanges(e: TreeEntry, want: WantedAttrs): AttrChange[] {
  const out: AttrChange[] = [];
  if (want.owner && e.owner !== want.owner) out.push({ attr: "owner", from: e.owner, to: want.owner });
  if (want.group && e.group !== want.group) out.push({ attr: "group", from: e.group, to: want.group });
  if (want.mode && !e.linkItself && !sameMode(e.mode, want.mode)) out.push({ attr: "mode", from: formatMode(e.mode), to: formatMode(want.mode) });
  return out;
}

export interface TreePlan {
  /** Paths whose owner or group differ, split by how chown must treat them. */
  chownLinks: string[];
  chown: string[];
  chmod: string[];
  /** Paths with their changes, for the summary and --diff. */
  changed: { path: string; changes: AttrChange[] }[];
}

/** Which entries need which command. Pure. */
export function planTree(entries: readonly TreeEntry[], want: WantedAttrs): TreePlan {
  const plan: TreePlan = { chownLinks: [], chown: [], chmod: [], changed: [] };
  for (const e of entries) {
    // A symbolic mode gives each path its own mode, from its mode now and its type.
    const changes = entryChanges(e, e.linkItself ? want : resolvedAttrs(want, e.mode, e.type === "d"));
    if (changes.length === 0) continue;
    plan.changed.push({ path: e.path, changes });
    if (changes.some((c) => c.attr !== "mode")) (e.linkItself ? plan.chownLinks : plan.chown).push(e.path);
    if (changes.some((c) => c.attr === "mode")) plan.chmod.push(e.path);
  }
  return plan;
}

/** At most this many paths are listed in --diff; the rest are counted. */
const DIFF_PATHS = 50;

/** --diff of a recursive change: one line per path that changes, its old and new values. Pure. */
export function treeDiff(dir: string, plan: TreePlan): TextDiff {
  const shown = plan.changed.slice(0, DIFF_PATHS);
  const more = plan.changed.length > shown.length ? [`... and ${plan.changed.length - shown.length} more path(s)`] : [];
  const side = (pick: (c: AttrChange) => string) => [...shown.map((p) => `${p.path}: ${p.changes.map((c) => `${c.attr} ${pick(c)}`).join(", ")}`), ...more, ""].join("\n");
  return { label: `${dir} (recursive)`, before: side((c) => c.from), after: side((c) => c.to) };
}

/** Applies a plan: the path lists go on stdin, NUL-separated, so no name reaches a command line. */
export async function applyTree(sh: RemoteShell, dir: string, plan: TreePlan, want: WantedAttrs): Promise<void> {
  const owner = shellQuote(`${want.owner ?? ""}${want.group ? `:${want.group}` : ""}`);
  // Each path gets the octal mode the plan computed for it (a symbolic mode differs by path):
  // one chmod per distinct mode.
  const modeTo = new Map(plan.changed.map((c) => [c.path, c.changes.find((x) => x.attr === "mode")?.to ?? want.mode ?? ""]));
  const byMode = new Map<string, string[]>();
  for (const p of plan.chmod) byMode.set(modeTo.get(p) ?? "", [...(byMode.get(modeTo.get(p) ?? "") ?? []), p]);
  const steps: [string[], string][] = [
    [plan.chownLinks, `xargs -0 -r chown -h -- ${owner}`],
    [plan.chown, `xargs -0 -r chown -- ${owner}`],
    ...[...byMode].map(([mode, paths]): [string[], string] => [paths, `xargs -0 -r chmod -- ${shellQuote(mode)}`]),
  ];
  for (const [paths, cmd] of steps) {
    if (paths.length === 0) continue;
    const r = await sh.run(cmd, { stdin: paths.map((p) => `${p}\0`).join("") });
    if (r.rc !== 0) throw new ModuleError(`${dir}: ${r.stderr.trim()}`, r);
  }
}

/** Walks the tree under dir; a failed walk (a loop of links, unreadable directories) is a ModuleError. */
export async function probeTree(sh: RemoteShell, dir: string, follow: boolean): Promise<TreeEntry[]> {
  const r = await sh.run(treeProbeScript(dir, follow));
  if (r.rc !== 0) throw new ModuleError(`cannot walk ${dir}: ${r.stderr.trim()}${follow && /loop/i.test(r.stderr) ? " (follow: false leaves links unfollowed)" : ""}`, r);
  return parseTree(r.stdout);
}
