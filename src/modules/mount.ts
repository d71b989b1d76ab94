import { z } from "zod";
import { putFile } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import { type TextFileProbe, parseTextFile, textFileScript } from "../remote/text-file.js";
import type { CommandResult } from "../remote/shell.js";
import { AbsPath, Str } from "./args.js";
import { type Change, type ModuleContext, ModuleError, type TextDiff, defineModule } from "./contract.js";
import { bootOptions, removeFstabEntry, setFstabEntry } from "./fstab-edit.js";
import { type MountEntry, describeMount, mountAt, mountPoint, mountedAs, parseMountinfo, sameSource } from "./mountinfo.js";
import { REDACTED } from "../secrets/redact.js";
import { type EditPlan, applyEdit, fileText, planEdit } from "./text-edit.js";

// mount: a mount point in fstab and/or mounted, as ansible.posix.mount 1.5.4 does it on Linux.

const ONE_LINE = /^[^\n\r\t]*$/;
/** An fstab field: written with spaces, "&" and "\" escaped, but a tab or newline would split the line. */
const Field = (what: string) => z.string().min(1).regex(ONE_LINE, `${what} on one line, without tabs`);
const Num = Str.pipe(Field("a number"));

const STATES = ["mounted", "present", "unmounted", "absent", "absent_from_fstab", "remounted", "ephemeral"] as const;

const MountArgs = z
  .strictObject({
    path: AbsPath.pipe(Field("path")).describe("The mount point; created (with its parents) by mounted and ephemeral, removed by absent."),
    src: Field("src").optional().describe("What is mounted: a device, UUID=..., LABEL=..., server:/export, tmpfs, or the directory of a bind mount. Required with mounted, present and ephemeral."),
    fstype: Field("fstype").optional().describe("The file system type (tmpfs, ext4, nfs, none for a bind mount). Required with mounted, present and ephemeral."),
    opts: Field("opts").optional().describe("Mount options (fstab's fourth field); \"defaults\" when omitted."),
    dump: Num.default("0").describe("fstab's fifth field."),
    passno: Num.default("0").describe("fstab's sixth field."),
    state: z
      .enum(STATES)
      .describe(
        "mounted: in fstab and mounted (remounted when its fstab line changed); present: in fstab only; unmounted: unmounted, fstab kept; absent: its fstab line removed, unmounted and the mount point removed; absent_from_fstab: its fstab line removed only; remounted: remounted on every run (always a change); ephemeral: mounted with these arguments without fstab (always a change).",
      ),
    fstab: AbsPath.pipe(Field("fstab")).default("/etc/fstab").describe("The fstab file; another one is given to mount with -T. Ignored by ephemeral."),
    boot: z.boolean().default(true).describe("false: \"noauto\" is added to the options (unless they have noauto or defaults, as in Ansible)."),
    backup: z.boolean().default(false).describe("Keep the previous fstab as FSTAB.<timestamp>~ before changing it."),
  })
  .superRefine((a, ctx) => {
    if (a.state === "mounted" || a.state === "present" || a.state === "ephemeral") {
      for (const k of ["src", "fstype"] as const) if (a[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: `${k} is required with state=${a.state}` });
    }
  });

type MountArgs = z.output<typeof MountArgs>;

export interface MountState {
  /** The fstab file; not read for ephemeral, which ignores it. */
  fstab?: TextFileProbe;
  mounts: MountEntry[];
  /** Whether the mount point exists (as a directory or anything else). */
  pathExists: boolean;
}

type Action = "mount" | "remount" | "umount";

interface MountPlan {
  /** The effective options (boot: false adds noauto) and Ansible's warnings about them. */
  opts: string;
  boot: "yes" | "no";
  warnings: string[];
  /** The fstab edit, when the file changes. */
  edit?: EditPlan;
  editWhat?: string;
  mkdir: boolean;
  action?: Action;
  rmdir: boolean;
}

function plan(args: MountArgs, st: MountState): MountPlan {
  const b = bootOptions(args.opts ?? "defaults", args.boot);
  const base = { opts: b.opts, boot: b.boot, warnings: b.warnings, mkdir: false, rmdir: false };
  const entry = () => ({ src: args.src ?? "", name: args.path, fstype: args.fstype ?? "", opts: b.opts, dump: args.dump, passno: args.passno });
  const edit = (what: (text: string) => { content: string; changed: boolean }, label: string): Pick<MountPlan, "edit" | "editWhat"> => {
    if (st.fstab === undefined) return {};
    const { text, encoding } = fileText(st.fstab);
    if (text !== undefined && encoding !== "utf8") throw new ModuleError(`${args.fstab} is not UTF-8 text`);
    const e = what(text ?? "");
    return e.changed ? { edit: planEdit(args.fstab, st.fstab, e.content, label, {}), editWhat: label } : {};
  };
  const mounted = mountAt(st.mounts, args.path) !== undefined;
  switch (args.state) {
    case "present":
      return { ...base, ...edit((t) => setFstabEntry(t, entry()), fstabLabel(st, "set")) };
    case "absent_from_fstab":
      return { ...base, ...edit((t) => removeFstabEntry(t, args.path, args.src), fstabLabel(st, "remove")) };
    case "absent": {
      // As in Ansible, only a path that had an fstab line is unmounted and removed.
      const e = edit((t) => removeFstabEntry(t, args.path, args.src), fstabLabel(st, "remove"));
      if (e.edit === undefined) return base;
      return { ...base, ...e, ...(mounted ? { action: "umount" as const } : {}), rmdir: st.pathExists };
    }
    case "unmounted":
      return { ...base, ...(mounted ? { action: "umount" as const } : {}) };
    case "remounted":
      return { ...base, action: "remount" };
    case "mounted": {
      const e = edit((t) => setFstabEntry(t, entry()), fstabLabel(st, "set"));
      const is = mountedAs(st.mounts, args.path, args.src ?? "");
      const action = is ? (e.edit ? ("remount" as const) : undefined) : ("mount" as const);
      return { ...base, ...e, mkdir: !st.pathExists, ...(action ? { action } : {}) };
    }
    case "ephemeral": {
      if (!mountedAs(st.mounts, args.path, args.src ?? "")) return { ...base, mkdir: !st.pathExists, action: "mount" };
      if (!sameSource(st.mounts, args.path, args.src ?? "")) {
        throw new ModuleError(
          `${args.path}: ephemeral mount point is already mounted with a different source than ${args.src} (${describeMount(mountAt(st.mounts, args.path), args.path).trim()}); nothing was changed, to prevent an unwanted unmount or override. Unmount it first (state: unmounted) or use another path.`,
        );
      }
      return { ...base, action: "remount" };
    }
  }
}

function fstabLabel(st: MountState, op: "set" | "remove"): string {
  if (op === "remove") return "fstab line removed";
  return st.fstab?.file.type === "absent" ? "fstab created" : "fstab line set";
}

/** The mount --diff shows after the action. */
function plannedMount(args: MountArgs, p: MountPlan, current: MountEntry | undefined): string {
  const mp = mountPoint(args.path);
  if (p.action === "umount") return `${mp}: not mounted\n`;
  if (args.state === "remounted") {
    const opts = p.opts !== "defaults" ? `remount,${p.opts}` : "remount";
    return current ? `${current.source} on ${current.dst} type ${current.fstype} (${opts})\n` : `${mp} (${opts})\n`;
  }
  const how = p.action === "remount" ? `remount,${p.opts}` : p.opts;
  return `${args.src ?? ""} on ${mp} type ${args.fstype ?? ""} (${how})\n`;
}

function change(args: MountArgs, st: MountState): Change | undefined {
  const p = plan(args, st);
  const parts: string[] = [];
  const diffs: TextDiff[] = [];
  if (p.mkdir) parts.push(`create ${args.path}`);
  if (p.edit && p.editWhat) {
    parts.push(p.editWhat);
    diffs.push(...p.edit.diffs);
  }
  if (p.action) {
    parts.push(p.action);
    const current = mountAt(st.mounts, args.path);
    diffs.push({ label: `${mountPoint(args.path)} (mount)`, before: describeMount(current, args.path), after: plannedMount(args, p, current) });
  }
  if (p.rmdir) parts.push(`remove ${args.path}`);
  const masked = diffs.map((d) => ({ ...d, before: maskOptions(d.before), after: maskOptions(d.after) }));
  return parts.length ? { summary: parts.join(", "), diffs: masked } : undefined;
}

/**
 * A password in mount options (cifs' password= or pass=) as --diff shows it: masked, in the fstab
 * lines and the mount alike. The file still gets it; Ansible's examples put one in opts.
 */
export function maskOptions(text: string): string {
  return text.replace(/(^|[,\s])(password|pass)=[^,\s]*/g, `$1$2=${REDACTED}`);
}

const MARK = "\n--mount-- ";

/** The mount and umount command lines, as Ansible's mount builds them on Linux. */
function commands(args: MountArgs, opts: string) {
  const q = (argv: string[]) => argv.map(shellQuote).join(" ");
  const source = args.state === "ephemeral" ? ["-t", args.fstype ?? "", ...(opts !== "defaults" ? ["-o", opts] : []), args.src ?? ""] : args.fstab !== "/etc/fstab" ? ["-T", args.fstab] : [];
  const remountOpts = args.state === "remounted" && opts !== "defaults" ? `remount,${opts}` : "remount";
  return {
    mount: q(["mount", ...source, args.path]),
    remount: q(["mount", "-o", remountOpts, ...source, args.path]),
    umount: q(["umount", args.path]),
  };
}

const output = (r: CommandResult) => `${r.stdout}${r.stderr}`.trim();

/** Ansible's remount: `mount -o remount`, and when that fails, umount then mount (unless remounted was given options). */
async function remount(ctx: ModuleContext, args: MountArgs, opts: string): Promise<CommandResult> {
  const cmd = commands(args, opts);
  const r = await ctx.sh.run(cmd.remount);
  if (r.rc === 0) return r;
  if (args.state === "remounted" && opts !== "defaults") {
    throw new ModuleError(
      `${args.path}: options were given with state=remounted, but the remount failed (${output(r)}); not unmounting, to prevent an unexpected mount result. Use state: unmounted then state: mounted with the whole options instead.`,
      r,
    );
  }
  const u = await ctx.sh.run(cmd.umount);
  return u.rc === 0 ? ctx.sh.run(cmd.mount) : u;
}

/** Creates the mount point's missing directories one by one; returns those it created, to undo them on failure. */
async function makeDirs(ctx: ModuleContext, path: string): Promise<string[]> {
  const parts = mountPoint(path).split("/").filter(Boolean);
  const prefixes = parts.map((_, i) => `/${parts.slice(0, i + 1).join("/")}`);
  const r = await ctx.sh.run(`for d in ${prefixes.map(shellQuote).join(" ")}; do [ -e "$d" ] && continue; mkdir -- "$d" || exit 1; printf '%s\\0' "$d"; done`);
  const created = r.stdout.split("\0").filter(Boolean);
  if (r.rc !== 0) {
    await removeDirs(ctx, created);
    throw new ModuleError(`Error making dir ${path}: ${r.stderr.trim()}`, r);
  }
  return created;
}

async function removeDirs(ctx: ModuleContext, dirs: string[]): Promise<void> {
  if (dirs.length) await ctx.sh.run(`rmdir -- ${dirs.toReversed().map(shellQuote).join(" ")}`);
}

export interface MountResult {
  /** The mount point (Ansible's name). */
  name: string;
  src?: string;
  fstype?: string;
  /** The options written (with noauto when boot is false). */
  opts: string;
  dump: string;
  passno: string;
  fstab: string;
  boot: "yes" | "no";
  /** The backup of fstab made by backup: true, or "". */
  backup_file: string;
  warnings?: string[];
}

function result(args: MountArgs, p: MountPlan, backup = ""): MountResult {
  return {
    name: args.path,
    ...(args.src !== undefined ? { src: args.src } : {}),
    ...(args.fstype !== undefined ? { fstype: args.fstype } : {}),
    opts: p.opts,
    dump: args.dump,
    passno: args.passno,
    fstab: args.fstab,
    boot: p.boot,
    backup_file: backup,
    ...(p.warnings.length ? { warnings: p.warnings } : {}),
  };
}

export const mount = defineModule({
  name: "mount",
  args: MountArgs,
  doc: {
    summary: "A file system in fstab and mounted (or unmounted, or removed), as ansible.posix.mount.",
    example: 'await h.mount({ path: "/mnt/data", src: "UUID=3f1c0a4e-8d2b-4c55-9a0e-7d5b2f9c1e42", fstype: "ext4", opts: "noatime", state: "mounted" });',
    diff: "The fstab file before and after, and the mount before and after (a password= in the options masked).",
  },
  async probe(ctx, args): Promise<MountState> {
    // One round trip: fstab (unless ephemeral), whether the mount point exists, and the mount table.
    const file = args.state === "ephemeral" ? "" : `( ${textFileScript(args.fstab)}\n); t=$?`;
    const script = `${file || "t=0"}
printf '${MARK.replace("\n", "\\n")}%s %s\\n' "$t" "$([ -e ${shellQuote(args.path)} ] && echo 1 || echo 0)"
cat /proc/self/mountinfo`;
    const r = await ctx.sh.run(script);
    const cut = r.stdout.indexOf(MARK);
    if (cut < 0 || r.rc !== 0) throw new ModuleError(`cannot read the mount state: ${r.stderr.trim() || r.stdout.trim()}`, r);
    const nl = r.stdout.indexOf("\n", cut + MARK.length);
    const [t = "1", e = "0"] = r.stdout.slice(cut + MARK.length, nl).split(" ");
    const mounts = parseMountinfo(r.stdout.slice(nl + 1));
    if (args.state === "ephemeral") return { mounts, pathExists: e === "1" };
    const fstab = parseTextFile(ctx.host, args.fstab, { stdout: r.stdout.slice(0, cut), stderr: r.stderr, rc: Number(t) });
    return { fstab, mounts, pathExists: e === "1" };
  },
  diff: (args, st) => change(args, st),
  async apply(ctx, args, st): Promise<MountResult> {
    const p = plan(args, st);
    const created = p.mkdir ? await makeDirs(ctx, args.path) : [];
    let backup = "";
    if (p.edit && st.fstab) backup = (await applyEdit(ctx, st.fstab, p.edit, { backup: args.backup })).backup ?? "";
    const cmd = commands(args, p.opts);
    if (p.action === "umount") {
      const r = await ctx.sh.run(cmd.umount);
      if (r.rc !== 0) throw new ModuleError(`Error unmounting ${args.path}: ${output(r)}`, r);
    } else if (p.action) {
      const r = p.action === "mount" ? await ctx.sh.run(cmd.mount) : await remount(ctx, args, p.opts);
      if (r.rc !== 0) {
        // A line that does not mount could stop the next boot: fstab goes back as it was, and the directories made go.
        if (p.edit && st.fstab) await putFile(ctx.sh, st.fstab.realPath, st.fstab.content ?? Buffer.alloc(0));
        await removeDirs(ctx, created);
        const verb = args.state === "remounted" ? "remounting" : "mounting";
        throw new ModuleError(`Error ${verb} ${args.path}: ${output(r)}`, r);
      }
    }
    if (p.rmdir) {
      const r = await ctx.sh.run(`rmdir -- ${shellQuote(args.path)}`);
      if (r.rc !== 0) throw new ModuleError(`Error rmdir ${args.path}: ${r.stderr.trim()}`, r);
    }
    return result(args, p, backup);
  },
  unchanged: (args, st): MountResult => result(args, plan(args, st)),
});
