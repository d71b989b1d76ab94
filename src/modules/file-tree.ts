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
    const changes = entryChanges(e, want);
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
  const steps: [string[], string][] = [
    [plan.chownLinks, `xargs -0 -r chown -h -- ${owner}`],
    [plan.chown, `xargs -0 -r chown -- ${owner}`],
    [plan.chmod, `xargs -0 -r chmod -- ${shellQuote(want.mode ?? "")}`],
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
