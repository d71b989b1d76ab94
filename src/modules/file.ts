import { posix } from "node:path";
import { z } from "zod";
import { type FileState, probeFiles, resolvedPath } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { AbsPath, FileAttrs, FileMode } from "./args.js";
import { type Change, ModuleError, type TextDiff, defineModule } from "./contract.js";
import { type WantedAttrs, attrChanges, attrCommands, attrCommandsOn, attrText, mergedAttrs } from "./file-attrs.js";
import { TimeArgs, TimeFormatError, type TimesNow, keepsTimes, parseTimesProbe, timeChanges, timeCommands, timesProbeScript, timeWant, wantedTimes } from "./file-times.js";
import { type TreeEntry, type TreePlan, applyTree, planTree, probeTree, resolvedAttrs, treeDiff } from "./file-tree.js";

// file: directories, empty files, symlinks, absence, attributes. With follow (Ansible's default)
// a symlink named by path stands for the file it leads to: its attributes are set there, and
// state=directory/file/touch look at that file's type. recurse (state=directory) sets owner,
// group and mode on everything under the directory (see file-tree.ts).

const FileArgs = z
  .strictObject({
    path: AbsPath.describe("The path to manage (absolute)."),
    state: z
      .enum(["file", "directory", "absent", "touch", "link"])
      .optional()
      .describe(
        "file: an existing file's attributes only (a missing one fails); directory: created with its parents; touch: an empty file created when missing; link: a symlink to src; absent: removed, recursively. Default: directory with recurse, file otherwise.",
      ),
    src: z.string().min(1).optional().describe("state=link: the link's target (relative to the link's directory, or absolute)."),
    recurse: z.boolean().default(false).describe("state=directory: owner, group and mode are set on everything under the directory too."),
    follow: z.boolean().default(true).describe("A symlink stands for what it leads to: path itself, and the links recurse meets."),
    force: z
      .boolean()
      .default(false)
      .describe("state=link: make the link even though src does not exist, and replace a file (or an empty directory) in its way; without it, both are refused."),
    ...FileAttrs,
    mode: FileMode.optional().describe('Permissions: octal ("0644", or the number 0o644) or symbolic ("u=rw,g=r,o=r", "g+w", "u=rwX"); omitted: left as they are.'),
    ...TimeArgs,
    // SELinux contexts: ignored on a host without SELinux, as Ansible ignores them there; refused
    // on one with it (setting them is not supported).
    setype: z.string().optional().describe("SELinux type: accepted and ignored on a host without SELinux; refused on one with it (contexts are not set)."),
    seuser: z.string().optional().describe("SELinux user: as setype."),
    serole: z.string().optional().describe("SELinux role: as setype."),
    selevel: z.string().optional().describe("SELinux level: as setype."),
  })
  .superRefine((a, ctx) => {
    for (const k of ["modification_time", "access_time"] as const) {
      const v = a[k];
      if (v === undefined) continue;
      try {
        timeWant(v, a[`${k}_format`]);
      } catch (err) {
        if (!(err instanceof TimeFormatError)) throw err;
        ctx.addIssue({ code: "custom", path: [k], message: err.message });
      }
      if (v !== "preserve" && (a.state === "link" || a.recurse)) ctx.addIssue({ code: "custom", path: [k], message: `${k} is not supported with ${a.recurse ? "recurse" : "state=link"} (only "preserve")` });
    }
  })
  .refine((a) => a.state !== "link" || a.src !== undefined, { message: "state=link needs src", path: ["src"] })
  .refine((a) => !a.recurse || a.state === undefined || a.state === "directory", { message: "recurse needs state=directory", path: ["recurse"] })
  .transform((a) => ({ ...a, state: a.state ?? (a.recurse ? ("directory" as const) : ("file" as const)) }));
type FileArgs = z.output<typeof FileArgs>;

export interface FileResult {
  path: string;
  state: FileState["type"];
}

export interface FileProbe {
  /** The path itself (a symlink is reported as a link). */
  named: FileState;
  /** Where the attributes go: the named path, or, followed, the file a symlink leads to. */
  target: FileState;
  /** With recurse: what lies under the directory. */
  tree?: TreeEntry[];
  /** The target's times and the wanted fixed times as epochs, when times are asked for. */
  times?: TimesNow;
  /** state=link: whether src exists (relative to the link's directory), and, when path is a directory, whether it is empty. */
  srcExists?: boolean;
  dirEmpty?: boolean;
}

const attrsOf = (a: WantedAttrs): WantedAttrs => ({ mode: a.mode, owner: a.owner, group: a.group });
const hasAttrs = (a: WantedAttrs) => a.mode !== undefined || a.owner !== undefined || a.group !== undefined;
/** A symlink's own mode cannot be set on Linux: only owner and group are compared. */
const linkAttrs = (a: WantedAttrs): WantedAttrs => ({ owner: a.owner, group: a.group });

async function probeOne(sh: RemoteShell, path: string): Promise<FileState> {
  // No content hash: file never needs it, and reading a file would move its access time.
  const [s] = await probeFiles(sh, [path], { hash: false });
  return s ?? { type: "absent", path };
}

/** Where attributes go for this state: the link's resolved target when followed. */
async function probeTarget(sh: RemoteShell, args: FileArgs, named: FileState): Promise<FileState> {
  if (!args.follow || args.state === "absent") return named;
  if (args.state === "link") {
    // The file the link leads to (or will, once made): attributes with follow are set there.
    if (!hasAttrs(args)) return named;
    const to = await resolvedPath(sh, posix.resolve(posix.dirname(args.path), args.src ?? ""));
    return to === undefined ? { type: "absent", path: args.src ?? "" } : probeOne(sh, to);
  }
  if (named.type !== "link") return named;
  const to = await resolvedPath(sh, args.path);
  if (to === undefined) throw new ModuleError(`${args.path} is a symlink that leads nowhere (${named.target}): a loop, or a missing directory on the way`);
  return probeOne(sh, to);
}

/** The target's times (and the wanted fixed times in the host's time zone), when times are asked for. */
async function probeTimes(sh: RemoteShell, args: FileArgs, target: FileState): Promise<TimesNow | undefined> {
  if (args.state !== "file" && args.state !== "directory" && args.state !== "touch") return undefined;
  const times = wantedTimes(args);
  if (keepsTimes(times)) return undefined;
  const r = await sh.run(timesProbeScript(target.path, times));
  const now = parseTimesProbe(r.stdout, times);
  const bad = Object.entries(now.epochs).find(([, e]) => !Number.isFinite(e));
  if (bad) throw new ModuleError(`${args.path}: the host cannot read the time ${bad[0]}: ${r.stderr.trim()}`);
  return now;
}

/** state=link: does src exist, and is a directory in the way empty. */
async function probeLink(sh: RemoteShell, args: FileArgs, named: FileState): Promise<{ srcExists: boolean; dirEmpty?: boolean }> {
  const dir = named.type === "directory";
  const r = await sh.run(`[ -e ${shellQuote(linkSource(args, named))} ] && echo src; ${dir ? `[ -z "$(ls -A -- ${shellQuote(args.path)})" ] && echo empty; ` : ""}true`);
  const out = r.stdout.split("\n");
  return { srcExists: out.includes("src"), ...(dir ? { dirEmpty: out.includes("empty") } : {}) };
}

/**
 * setype/seuser/serole/selevel: Ansible ignores them where SELinux is not enabled (its selinuxfs
 * not mounted); where it is, setting contexts is not supported here, and saying so beats a file
 * left with the wrong context.
 */
async function refuseSelinux(sh: RemoteShell, args: FileArgs): Promise<void> {
  const given = (["setype", "seuser", "serole", "selevel"] as const).filter((k) => args[k] !== undefined);
  if (given.length === 0) return;
  const r = await sh.run("[ -e /sys/fs/selinux/enforce ] && echo enabled; true");
  if (r.stdout.includes("enabled")) throw new ModuleError(`${args.path}: SELinux is enabled on this host and ${given.join("/")} is not supported (do-converge does not set SELinux contexts)`);
}

const notA = (args: FileArgs, t: FileState, what: string) =>
  new ModuleError(t.path === args.path ? `${args.path} exists and is a ${t.type}, not a ${what}` : `${args.path} leads to ${t.path}, which is a ${t.type}, not a ${what}`);

interface Plan {
  summary: string[];
  diffs: TextDiff[];
  /** Create (directory, empty file, link) or remove before attributes. */
  create: boolean;
  /** Attributes to set on the target (owner/group only on a link itself). */
  attrs: WantedAttrs | undefined;
  /** Times to set on the target afterwards. */
  times?: string[];
  tree?: TreePlan;
}

/** What the task must do, from args and the probe. Pure. */
export function planFile(args: FileArgs, st: FileProbe): Plan | undefined {
  const { named, target: t } = st;
  const want = attrsOf(args);
  const plan: Plan = { summary: [], diffs: [], create: false, attrs: undefined };
  // A symbolic mode is resolved against the path it lands on (or the mode a new one gets).
  const on = (f: FileState, type: FileState["type"], w: WantedAttrs): WantedAttrs => resolvedAttrs(w, f.type === "absent" ? undefined : f.mode, type === "directory");
  const attrDiff = (f: FileState, type: FileState["type"], w: WantedAttrs) => ({ label: f.path, before: attrText(f.type, mergedAttrs(f, {})), after: attrText(type, mergedAttrs(f, on(f, type, w))) });
  const setAttrs = (f: FileState, wanted: WantedAttrs) => {
    const w = on(f, f.type, wanted);
    const changes = attrChanges(f, w);
    if (changes.length === 0) return;
    plan.summary.push(f.path === args.path ? changes.join(", ") : `${changes.join(", ")} on ${f.path}`);
    plan.diffs.push(attrDiff(f, f.type, w));
    plan.attrs = w;
  };
  switch (args.state) {
    case "absent":
      if (named.type === "absent") return undefined;
      return { summary: [`remove ${named.type}`], diffs: [attrDiff(named, "absent", {})], create: true, attrs: undefined };
    case "directory":
      if (t.type === "absent") {
        plan.create = true;
        plan.summary.push(t.path === args.path ? "create directory" : `create directory ${t.path}`);
        plan.diffs.push(attrDiff(t, "directory", want));
        plan.attrs = on(t, "directory", want);
        break;
      }
      if (t.type !== "directory") throw notA(args, t, "directory");
      setAttrs(t, want);
      if (st.tree) {
        const tree = planTree(st.tree, want);
        if (tree.changed.length > 0) {
          plan.tree = tree;
          plan.summary.push(`owner/group/mode of ${tree.changed.length} path(s) under ${t.path}`);
          plan.diffs.push(treeDiff(t.path, tree));
        }
      }
      break;
    case "touch":
      if (t.type === "absent") {
        plan.create = true;
        plan.summary.push(t.path === args.path ? "create file" : `create file ${t.path}`);
        plan.diffs.push(attrDiff(t, "file", want));
        plan.attrs = on(t, "file", want);
        break;
      }
      setAttrs(t, t.type === "link" ? linkAttrs(want) : want);
      break;
    case "file":
      if (t.type === "absent") throw new ModuleError(`${t.path} does not exist (state=file only changes attributes; use state=touch to create it)`);
      if (t.type === "link") throw new ModuleError(`${args.path} is a symlink and follow is false: state=file cannot set its attributes (state=link can)`);
      setAttrs(t, want);
      break;
    case "link": {
      // As Ansible: a link to nothing, or over a file, is a mistake unless forced.
      if (!args.force && st.srcExists === false) throw new ModuleError(`${args.path}: src ${linkSource(args, named)} does not exist (force: true makes the link anyway)`);
      const right = named.type === "link" && named.target === args.src;
      if (!right) {
        if (named.type === "directory") {
          if (!args.force) throw new ModuleError(`${args.path} is a directory; refusing to replace it with a link (force: true replaces an empty one)`);
          if (st.dirEmpty !== true) throw new ModuleError(`the directory ${args.path} is not empty; refusing to replace it with a link`);
        } else if (named.type !== "absent" && named.type !== "link" && !args.force) {
          throw new ModuleError(`${args.path} is a ${named.type}; refusing to replace it with a link (force: true replaces it)`);
        }
        plan.create = true;
        plan.summary.push(named.type === "absent" ? `link to ${args.src}` : `relink ${named.target || named.type} -> ${args.src}`);
        plan.diffs.push({ label: args.path, before: named.type === "link" ? `link to ${named.target}\n` : attrText(named.type, mergedAttrs(named, {})), after: `link to ${args.src}\n` });
      }
      // Followed: the attributes are the target's (none while it does not exist, as Ansible
      // skips them); not followed: the link's own owner and group.
      if (args.follow) {
        if (hasAttrs(want) && t.type !== "absent") setAttrs(t, want);
      } else if (want.owner || want.group) {
        if (right) setAttrs(named, linkAttrs(want));
        else plan.attrs = linkAttrs(want);
      }
      break;
    }
  }
  if (args.state === "file" || args.state === "directory" || args.state === "touch") {
    const times = wantedTimes(args);
    const c = keepsTimes(times) ? undefined : timeChanges(times, st.times ?? { epochs: {} });
    if (c) {
      plan.summary.push(t.path === args.path ? c.summary.join(", ") : `${c.summary.join(", ")} on ${t.path}`);
      plan.diffs.push({ label: `${t.path} (times)`, before: c.before, after: c.after });
      plan.times = timeCommands(t.path, times, st.times ?? { epochs: {} });
    }
  }
  return plan.summary.length > 0 ? plan : undefined;
}

/** Where a link's src is looked for: beside the link, or inside path when path is a directory (as Ansible). */
const linkSource = (args: FileArgs, named: FileState) => posix.resolve(named.type === "directory" ? args.path : posix.dirname(args.path), args.src ?? "");

/** The commands that create or remove what the plan says, then set attributes on the target. */
function applyScript(args: FileArgs, st: FileProbe, plan: Plan): string {
  const t = st.target;
  const cmds = ["set -e"];
  if (plan.create) {
    if (args.state === "absent") cmds.push(`rm -rf -- ${shellQuote(args.path)}`);
    if (args.state === "directory") {
      // As Ansible's file module: every directory it creates on the way gets the wanted owner,
      // group and mode, not only the last (mkdir -p alone leaves the parents root's, 0755).
      cmds.push(`p=${shellQuote(t.path)}; set --; while [ ! -e "$p" ] && [ ! -L "$p" ]; do set -- "$p" "$@"; p=$(dirname -- "$p"); done`);
      cmds.push(`mkdir -p -- ${shellQuote(t.path)}`);
      const each = plan.attrs ? attrCommandsOn('"$d"', plan.attrs) : [];
      if (each.length > 0) cmds.push(`for d in "$@"; do ${each.join("; ")}; done`);
    }
    if (args.state === "touch") cmds.push(`( umask 022; : >> ${shellQuote(t.path)} )`);
    if (args.state === "link" && st.named.type === "directory") cmds.push(`rmdir -- ${shellQuote(args.path)}`);
    if (args.state === "link") cmds.push(`ln -sfnT -- ${shellQuote(args.src ?? "")} ${shellQuote(args.path)}`);
  }
  if (plan.attrs) {
    // A link itself (not followed, or just made): attrCommands' chown -h sets its own owner.
    const on = args.state === "link" && !args.follow ? args.path : t.path;
    cmds.push(...attrCommands(on, plan.attrs));
  }
  if (plan.times) cmds.push(...plan.times);
  return cmds.join("\n");
}

export const file = defineModule({
  name: "file",
  args: FileArgs,
  doc: {
    summary: "Directories, empty files, symlinks and absence, with owner, group, mode and times (recursively for a directory's contents).",
    example: 'await h.file({ path: "/srv/app/releases", state: "directory", owner: "www-data", group: "www-data", mode: "0755" });',
    diff: "The path's type, owner, group and mode before and after (its times, when set; with recurse, the paths under it that change).",
  },
  async probe(ctx, args): Promise<FileProbe> {
    const named = await probeOne(ctx.sh, args.path);
    const target = await probeTarget(ctx.sh, args, named);
    await refuseSelinux(ctx.sh, args);
    const tree = args.recurse && target.type === "directory" && hasAttrs(args) ? await probeTree(ctx.sh, target.path, args.follow) : undefined;
    const times = await probeTimes(ctx.sh, args, target);
    const link = args.state === "link" ? await probeLink(ctx.sh, args, named) : {};
    return { named, target, ...(tree ? { tree } : {}), ...(times ? { times } : {}), ...link };
  },
  diff(args, st): Change | undefined {
    const plan = planFile(args, st);
    return plan ? { summary: plan.summary.join("; "), diffs: plan.diffs } : undefined;
  },
  async apply(ctx, args, st) {
    const plan = planFile(args, st);
    if (plan && (plan.create || plan.attrs || plan.times)) {
      const r = await ctx.sh.run(applyScript(args, st, plan));
      if (r.rc !== 0) throw new ModuleError(`${args.path}: ${r.stderr.trim()}`, r);
    }
    if (plan?.tree) await applyTree(ctx.sh, st.target.path, plan.tree, attrsOf(args));
    const state: FileState["type"] = args.state === "touch" ? "file" : args.state === "absent" ? "absent" : args.state;
    return { path: args.path, state } satisfies FileResult;
  },
  unchanged(args, st): FileResult {
    return { path: args.path, state: st.named.type };
  },
});
