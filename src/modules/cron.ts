import { posix } from "node:path";
import { z } from "zod";
import { putFile } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import { type TextFileProbe, probeTextFile } from "../remote/text-file.js";
import { Owner, Str } from "./args.js";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";
import { type CronEdit, type CronSpec, type Crontab, cronJobLine, editCron, envNames, isEmptyCrontab, jobNames, readCrontab, renderCrontab } from "./cron-edit.js";
import { fileText } from "./text-edit.js";

// cron: one job or environment variable of a user's crontab (read with `crontab -l`, installed
// with `crontab FILE`, so cron's own checks apply) or of a file in /etc/cron.d, as
// ansible.builtin.cron (ansible-core 2.14) manages them.

const SPECIAL = ["reboot", "yearly", "annually", "monthly", "weekly", "daily", "hourly"] as const;

/** A time field: one word, as cron splits the line on blanks. */
const Field = Str.pipe(z.string().regex(/^\S+$/, "one crontab field without blanks, such as */5 or 1-5"));
const OneLine = z.string().regex(/^[^\r\n]*$/, "one line");

const CronArgs = z
  .strictObject({
    name: OneLine.min(1).describe("The job's name, kept in the '#Ansible: <name>' comment above it; with env, the variable's name."),
    job: Str.optional().describe("The command (with env: the variable's value); required with state=present."),
    user: Owner.optional().describe("Whose crontab (default: the task's user); with cron_file, the user the job runs as."),
    cron_file: z.string().min(1).optional().describe("A file in /etc/cron.d (a relative name) or an absolute path, instead of a user's crontab."),
    state: z.enum(["present", "absent"]).default("present").describe("present: the job (or variable) is there as described; absent: removed (an emptied cron_file is removed too)."),
    backup: z.boolean().default(false).describe("Keep the crontab as it was in a /tmp/crontab* file before changing it (result: backup_file)."),
    minute: Field.default("*").describe("The minute field (0-59, */5, ...)."),
    hour: Field.default("*").describe("The hour field (0-23, ...)."),
    day: Field.default("*").describe("The day-of-month field (1-31, ...)."),
    month: Field.default("*").describe("The month field (1-12, ...)."),
    weekday: Field.default("*").describe("The day-of-week field (0-6, Sunday is 0; mon-fri, ...)."),
    special_time: z.enum(SPECIAL).optional().describe("@reboot, @daily, ... instead of the five time fields."),
    disabled: z.boolean().default(false).describe("Write the job commented out."),
    env: z.boolean().default(false).describe("Manage a NAME=\"job\" variable line instead of a job."),
    insertafter: z.string().min(1).optional().describe("With env: a new variable goes after this variable."),
    insertbefore: z.string().min(1).optional().describe("With env: a new variable goes before this variable."),
  })
  .superRefine((a, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (a.special_time && [a.minute, a.hour, a.day, a.month, a.weekday].some((f) => f !== "*")) issue("special_time", "You must specify time and date fields or special time.");
    if (a.cron_file === "/etc/crontab") issue("cron_file", "Will not manage /etc/crontab via cron_file (a file in /etc/cron.d is what cron_file is for)");
    if (a.insertafter !== undefined && a.insertbefore !== undefined) issue("insertbefore", "insertafter and insertbefore are mutually exclusive");
    if (a.env && a.name.includes(" ")) issue("name", "Invalid name for environment variable");
    if (a.state !== "present") return;
    if (a.cron_file !== undefined && a.user === undefined) issue("user", "To use cron_file=... parameter you must specify user=... as well");
    if (a.job === undefined) issue("job", "You must specify 'job' to install a new cron job or variable");
    // Ansible only warns; the line would then be two lines, and never the same on the next run.
    else if (/[\r\n]/.test(a.job.replace(/^[\r\n]+|[\r\n]+$/g, ""))) issue("job", "Job should not contain line breaks");
    if ((a.insertafter !== undefined || a.insertbefore !== undefined) && !a.env) issue("insertafter", "Insertafter and insertbefore parameters are valid only with env=yes");
  });

type CronArgs = z.output<typeof CronArgs>;

/** cron_file as Ansible resolves it: a relative name is in /etc/cron.d. */
function cronFilePath(cronFile: string): string {
  return posix.isAbsolute(cronFile) ? cronFile : posix.join("/etc/cron.d", cronFile);
}

export type CronState =
  | { kind: "file"; path: string; file: TextFileProbe }
  /** `crontab -l` of `user`; `named`: the user was given (it shows in the diff's header, as in Ansible's). */
  | { kind: "user"; user: string; named: boolean; text: string };

function spec(args: CronArgs): CronSpec {
  if (args.state === "absent") return { env: args.env, name: args.name, state: "absent" };
  const job = args.job ?? "";
  if (args.env) return { env: true, name: args.name, state: "present", decl: `${args.name}="${job}"`, insertafter: args.insertafter, insertbefore: args.insertbefore };
  return { env: false, name: args.name, state: "present", line: cronJobLine(job, args, args.cron_file !== undefined ? args.user : undefined) };
}

function crontab(st: CronState): Crontab {
  if (st.kind === "user") return readCrontab(st.text, true);
  const { text, encoding } = fileText(st.file);
  if (text !== undefined && encoding !== "utf8") throw new ModuleError(`${st.path} is not UTF-8 text`);
  return readCrontab(text ?? "", false);
}

interface CronPlan {
  before: Crontab;
  edit: CronEdit;
  /** A cron file left without jobs is removed (state=absent), as Ansible does. */
  removeFile: boolean;
}

function plan(args: CronArgs, st: CronState): CronPlan {
  const before = crontab(st);
  const edit = editCron(before, spec(args));
  const removeFile = st.kind === "file" && args.state === "absent" && !args.env && edit.what === "job removed" && isEmptyCrontab(edit.lines);
  return { before, edit, removeFile };
}

function label(st: CronState): string {
  if (st.kind === "file") return st.path;
  return st.named ? `crontab for user "${st.user}"` : "crontab";
}

// Debian's crontab says "no crontab for USER" (rc 1) when there is none: an empty crontab.
const NO_CRONTAB = /^no crontab for /m;

async function probeUserCrontab(ctx: ModuleContext, user: string | undefined): Promise<CronState> {
  const u = user === undefined ? "''" : shellQuote(user);
  const r = await ctx.sh.run(`command -v crontab >/dev/null 2>&1 || { echo 'crontab not found: is the cron package installed?' >&2; exit 127; }
u=${u}
me=$(id -un) || exit 1
if [ -n "$u" ] && ! id -u -- "$u" >/dev/null 2>&1; then echo "user $u does not exist" >&2; exit 3; fi
printf '%s\\n' "$me"
if [ -z "$u" ] || [ "$u" = "$me" ]; then exec crontab -l; else exec crontab -u "$u" -l; fi`);
  const nl = r.stdout.indexOf("\n");
  const me = nl < 0 ? "" : r.stdout.slice(0, nl);
  const text = nl < 0 ? "" : r.stdout.slice(nl + 1);
  if (r.rc !== 0 && !(r.rc === 1 && nl >= 0 && NO_CRONTAB.test(r.stderr))) {
    throw new ModuleError(`cannot read the crontab${user !== undefined ? ` of ${user}` : ""}: ${r.stderr.trim() || `rc ${r.rc}`}`, r);
  }
  return { kind: "user", user: user ?? me, named: user !== undefined, text: r.rc === 0 ? text : "" };
}

/** A copy of the crontab as it was, where Ansible keeps it (a /tmp/crontab* file). */
async function writeBackup(ctx: ModuleContext, content: string): Promise<string> {
  const r = await ctx.sh.run(`set -e; b=$(mktemp /tmp/crontabXXXXXXXX); cat > "$b"; printf '%s' "$b"`, { stdin: content });
  if (r.rc !== 0) throw new ModuleError(`cannot write the crontab's backup: ${r.stderr.trim()}`, r);
  return r.stdout;
}

async function install(ctx: ModuleContext, st: CronState, p: CronPlan): Promise<void> {
  const content = renderCrontab(p.edit.lines);
  if (st.kind === "user") {
    const cmd = st.named ? `u=${shellQuote(st.user)}\nif [ "$u" = "$(id -un)" ]; then crontab "$t"; else crontab -u "$u" "$t"; fi` : `crontab "$t"`;
    // crontab checks the lines and installs the file itself (atomically, in cron's spool).
    const r = await ctx.sh.run(`t=$(mktemp) || exit 1\ntrap 'rm -f -- "$t"' EXIT\ncat > "$t" || exit 1\n${cmd}`, { stdin: content });
    if (r.rc !== 0) throw new ModuleError(`crontab refused the new ${label(st)}: ${r.stderr.trim() || `rc ${r.rc}`}`, r);
    return;
  }
  if (p.removeFile) {
    const r = await ctx.sh.run(`rm -f -- ${shellQuote(st.path)}`);
    if (r.rc !== 0) throw new ModuleError(`cannot remove ${st.path}: ${r.stderr.trim()}`, r);
    return;
  }
  if (st.file.file.type === "absent" && !st.file.parentExists) throw new ModuleError(`${posix.dirname(st.file.realPath)} does not exist: is the cron package installed?`);
  await putFile(ctx.sh, st.file.realPath, content);
}

export interface CronResult {
  /** The names of the jobs with Ansible's marker, after the task. */
  jobs: string[];
  /** The variables set, after the task. */
  envs: string[];
  cron_file?: string;
  /** Where the crontab as it was was kept (backup: true). */
  backup_file?: string;
  /** What Ansible warns about too: a cron file name cron ignores. */
  warnings: string[];
}

function warnings(args: CronArgs): string[] {
  const base = args.cron_file === undefined ? undefined : posix.basename(args.cron_file);
  // Debian's cron skips /etc/cron.d files with other characters in their names (a dot, for one).
  if (base === undefined || /^[A-Z0-9_-]+$/i.test(base)) return [];
  return [`Filename portion of cron_file ("${base}") should consist solely of upper- and lower-case letters, digits, underscores, and hyphens`];
}

function result(args: CronArgs, lines: readonly string[], backup?: string): CronResult {
  return {
    jobs: jobNames(lines),
    envs: envNames(lines),
    ...(args.cron_file !== undefined ? { cron_file: args.cron_file } : {}),
    ...(backup !== undefined ? { backup_file: backup } : {}),
    warnings: warnings(args),
  };
}

/** cron: a job (or an environment variable) of a user's crontab or of a cron.d file. */
export const cron = defineModule({
  name: "cron",
  args: CronArgs,
  doc: {
    summary: "One job or environment variable of a user's crontab (installed with crontab, so cron's own checks apply) or of a file in /etc/cron.d, as Ansible's cron manages them.",
    example: 'await h.cron({ name: "database backup", user: "root", minute: "30", hour: "3", job: "/usr/local/bin/db-backup >/dev/null 2>&1" });',
    diff: "The crontab (or cron.d file) before and after.",
  },
  async probe(ctx, args): Promise<CronState> {
    if (args.cron_file === undefined) return probeUserCrontab(ctx, args.user);
    const path = cronFilePath(args.cron_file);
    return { kind: "file", path, file: await probeTextFile(ctx.sh, path) };
  },
  diff(args, st): Change | undefined {
    const p = plan(args, st);
    if (!p.edit.changed) return undefined;
    if (p.removeFile) return { summary: `${args.name}: job removed, ${label(st)} removed`, diffs: [{ label: label(st), before: p.before.text, after: "" }] };
    return { summary: `${args.name}: ${p.edit.what}`, diffs: [{ label: label(st), before: p.before.text, after: renderCrontab(p.edit.lines) }] };
  },
  async apply(ctx, args, st): Promise<CronResult> {
    const p = plan(args, st);
    const backup = args.backup ? await writeBackup(ctx, renderCrontab(p.before.lines)) : undefined;
    await install(ctx, st, p);
    return result(args, p.edit.lines, backup);
  },
  unchanged: (args, st): CronResult => result(args, crontab(st).lines),
});
