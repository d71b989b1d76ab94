import { z } from "zod";
import { type TextFileProbe, asFileText, probeTextFile } from "../remote/text-file.js";
import { AbsPath, FileAttrs, regexArg } from "./args.js";
import { ModuleError, defineModule } from "./contract.js";
import { DEFAULT_MARKER, type LineSpec, editBlock, editLine } from "./line-edit.js";
import { EDIT_DIFF, type EditPlan, Validate, applyEdit, fileText, planChange, planEdit, editMessage } from "./text-edit.js";

/** Reports an invalid Python-style regular expression as an argument error, before any host is touched. */
function checkRegex(ctx: z.RefinementCtx, pattern: string | undefined, key: string, skip: readonly string[] = []): void {
  if (pattern === undefined || skip.includes(pattern)) return;
  try {
    regexArg(pattern, key);
  } catch (err) {
    ctx.addIssue({ code: "custom", path: [key], message: err instanceof Error ? err.message : String(err) });
  }
}

function exclusive(ctx: z.RefinementCtx, a: Record<string, unknown>, x: string, y: string): void {
  if (a[x] !== undefined && a[y] !== undefined && a[y] !== false) ctx.addIssue({ code: "custom", path: [y], message: `${x} and ${y} are mutually exclusive` });
}

const FileEdit = {
  path: AbsPath.describe("The file to edit; a symlink's target is edited."),
  state: z.enum(["present", "absent"]).default("present").describe("present: in the file; absent: removed from it."),
  insertafter: z.string().optional().describe("Where a new one goes: after the last line matching this Python regular expression, or EOF (the default: at the end). Not with insertbefore."),
  insertbefore: z.string().optional().describe("Where a new one goes: before the last line matching this Python regular expression, or BOF (at the start). Not with insertafter."),
  create: z.boolean().default(false).describe("Create the file (and its directory) when it does not exist; otherwise a missing file fails the task."),
  validate: Validate.optional().describe("A command run on the new content before it replaces the file; %s is the temporary file."),
  backup: z.boolean().default(false).describe("Keep the previous content as PATH.<timestamp>~ before replacing it."),
  ...FileAttrs,
};

export interface EditResult {
  path: string;
  /** Ansible's msg: what was done ("line added", "Block inserted", ...), "" when nothing. */
  msg: string;
  backup?: string;
}

/** The plan for a probed file: computed by diff, and again (identically) by apply and unchanged. */
interface EditState {
  probe: TextFileProbe;
  plan: EditPlan;
  msg: string;
  found?: number;
}

// ---------------------------------------------------------------------------------------------
// lineinfile

const LineArgs = z
  .strictObject({
    ...FileEdit,
    line: z
      .string()
      .regex(/^[^\n]*$/, "one line (no newline); use blockinfile for several lines")
      .optional()
      .describe("The line to have in the file (with backrefs: a template using regexp's groups); needed with state=present."),
    regexp: z.string().optional().describe("A Python regular expression: the last matching line is replaced (with state=absent: every matching line removed)."),
    search_string: z.string().optional().describe("A plain substring instead of regexp. Not with regexp."),
    backrefs: z.boolean().default(false).describe("With regexp: build the line from the match's groups (\\1, \\g<name>); no match, no change."),
    firstmatch: z.boolean().default(false).describe("The first match of regexp, insertafter or insertbefore counts instead of the last."),
  })
  .superRefine((a, ctx) => {
    exclusive(ctx, a, "insertafter", "insertbefore");
    exclusive(ctx, a, "regexp", "search_string");
    if (a.backrefs && a.search_string !== undefined) ctx.addIssue({ code: "custom", path: ["backrefs"], message: "backrefs and search_string are mutually exclusive" });
    if (a.state === "present" && a.line === undefined) ctx.addIssue({ code: "custom", path: ["line"], message: "line is required with state=present" });
    if (a.state === "present" && a.backrefs && a.regexp === undefined) ctx.addIssue({ code: "custom", path: ["regexp"], message: "regexp is required with backrefs=true" });
    if (a.state === "absent" && a.line === undefined && a.regexp === undefined && a.search_string === undefined) {
      ctx.addIssue({ code: "custom", path: ["line"], message: "one of line, search_string or regexp is required with state=absent" });
    }
    checkRegex(ctx, a.regexp, "regexp");
    checkRegex(ctx, a.insertafter, "insertafter", ["BOF", "EOF"]);
    checkRegex(ctx, a.insertbefore, "insertbefore", ["BOF"]);
  });

type LineArgs = z.output<typeof LineArgs>;

function planLine(args: LineArgs, probe: TextFileProbe): EditState {
  const { text, encoding } = fileText(probe);
  if (text === undefined && args.state === "present" && !args.create) throw new ModuleError(`${args.path} does not exist (create: true would create it)`);
  // In a file that is not UTF-8, arguments are matched and written as UTF-8 bytes (as Ansible does).
  const enc = (s: string | undefined) => (s === undefined ? undefined : asFileText(s, encoding));
  const spec: LineSpec = {
    state: args.state,
    line: enc(args.line),
    regexp: enc(args.regexp),
    search_string: enc(args.search_string),
    insertafter: enc(args.insertafter),
    insertbefore: enc(args.insertbefore),
    backrefs: args.backrefs,
    firstmatch: args.firstmatch,
  };
  const edit = editLine(text, spec);
  if (text === undefined && args.state === "absent") return { probe, plan: { attrs: [], what: "", diffs: [] }, msg: edit.msg, found: 0 };
  return { probe, plan: planEdit(args.path, probe, edit.changed ? edit.content : undefined, edit.msg, args), msg: edit.msg, ...(edit.found !== undefined ? { found: edit.found } : {}) };
}

export interface LineResult extends EditResult {
  /** state=absent: the number of lines that matched. */
  found?: number;
}

export const lineinfile = defineModule({
  name: "lineinfile",
  args: LineArgs,
  doc: {
    summary: "One line of a text file present (inserted, or replacing the line a regular expression matches) or absent, as Ansible's lineinfile.",
    example: 'await h.lineinfile({ path: "/etc/ssh/sshd_config", regexp: "^#?PasswordAuthentication ", line: "PasswordAuthentication no", validate: "sshd -t -f %s" }, { notify: "reload ssh" });',
    diff: EDIT_DIFF,
  },
  probe: (ctx, args) => probeTextFile(ctx.sh, args.path),
  diff: (args, probe) => planChange(planLine(args, probe).plan, probe.file.type === "absent"),
  async apply(ctx, args, probe): Promise<LineResult> {
    const st = planLine(args, probe);
    const w = await applyEdit(ctx, st.probe, st.plan, args);
    const msg = editMessage(st.plan, st.msg);
    return { path: args.path, msg, ...(st.found !== undefined ? { found: st.found } : {}), ...w };
  },
  unchanged(args, probe): LineResult {
    const st = planLine(args, probe);
    return { path: args.path, msg: st.msg, ...(st.found !== undefined ? { found: st.found } : {}) };
  },
});

// ---------------------------------------------------------------------------------------------
// blockinfile

const BlockArgs = z
  .strictObject({
    ...FileEdit,
    block: z.string().default("").describe('The lines between the markers; "": the block is removed.'),
    // Ansible's default marker, so blocks it wrote are recognised.
    marker: z
      .string()
      .regex(/^[^\n]*$/, "one line")
      .includes("{mark}", { message: "marker must contain {mark}" })
      .default(DEFAULT_MARKER)
      .describe("The marker lines around the block: {mark} becomes marker_begin or marker_end. Each block of a file needs its own marker."),
    marker_begin: z.string().regex(/^[^\n]*$/, "one line").default("BEGIN").describe("{mark} of the opening marker."),
    marker_end: z.string().regex(/^[^\n]*$/, "one line").default("END").describe("{mark} of the closing marker."),
    append_newline: z.boolean().default(false).describe("A blank line after the block, unless one is there or the block ends the file."),
    prepend_newline: z.boolean().default(false).describe("A blank line before the block, unless one is there or the block starts the file."),
  })
  .superRefine((a, ctx) => {
    exclusive(ctx, a, "insertafter", "insertbefore");
    if (a.marker_begin === a.marker_end) ctx.addIssue({ code: "custom", path: ["marker_end"], message: "marker_begin and marker_end must differ" });
    checkRegex(ctx, a.insertafter, "insertafter", ["EOF"]);
    checkRegex(ctx, a.insertbefore, "insertbefore", ["BOF"]);
  });

type BlockArgs = z.output<typeof BlockArgs>;

function planBlock(args: BlockArgs, probe: TextFileProbe): EditState {
  const { text, encoding } = fileText(probe);
  if (text === undefined && args.state === "present" && !args.create) throw new ModuleError(`${args.path} does not exist (create: true would create it)`);
  const enc = (s: string) => asFileText(s, encoding);
  const edit = editBlock(text, {
    state: args.state,
    block: enc(args.block),
    marker: enc(args.marker),
    marker_begin: enc(args.marker_begin),
    marker_end: enc(args.marker_end),
    insertafter: args.insertafter === undefined ? undefined : enc(args.insertafter),
    insertbefore: args.insertbefore === undefined ? undefined : enc(args.insertbefore),
    append_newline: args.append_newline,
    prepend_newline: args.prepend_newline,
  });
  if (text === undefined && args.state === "absent") return { probe, plan: { attrs: [], what: "", diffs: [] }, msg: edit.msg };
  return { probe, plan: planEdit(args.path, probe, edit.changed ? edit.content : undefined, edit.msg, args), msg: edit.msg };
}

export const blockinfile = defineModule({
  name: "blockinfile",
  args: BlockArgs,
  doc: {
    summary: "Lines between two marker lines of a text file, inserted, replaced or removed as a whole, as Ansible's blockinfile.",
    example: 'await h.blockinfile({ path: "/etc/hosts", marker: "# {mark} galera nodes", block: "10.0.0.11 db1\\n10.0.0.12 db2\\n" });',
    diff: EDIT_DIFF,
  },
  probe: (ctx, args) => probeTextFile(ctx.sh, args.path),
  diff: (args, probe) => planChange(planBlock(args, probe).plan, probe.file.type === "absent"),
  async apply(ctx, args, probe): Promise<EditResult> {
    const st = planBlock(args, probe);
    const w = await applyEdit(ctx, st.probe, st.plan, args);
    const msg = editMessage(st.plan, st.msg);
    return { path: args.path, msg, ...w };
  },
  unchanged: (args, probe): EditResult => ({ path: args.path, msg: planBlock(args, probe).msg }),
});
