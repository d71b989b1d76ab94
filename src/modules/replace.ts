import { z } from "zod";
import { type TextFileProbe, asFileText, probeTextFile } from "../remote/text-file.js";
import { PyRegexError, compilePyRegex } from "../python/regex.js";
import { AbsPath, FileAttrs } from "./args.js";
import { ModuleError, defineModule } from "./contract.js";
import { editReplace } from "./replace-edit.js";
import { EDIT_DIFF, type EditPlan, Validate, applyEdit, fileText, planChange, planEdit, editMessage } from "./text-edit.js";

// replace: every match of a regular expression in a file replaced, as ansible.builtin.replace.

/** Reports a pattern Python rejects as an argument error, before any host is touched. */
function checkPattern(ctx: z.RefinementCtx, pattern: string | undefined, key: string): void {
  if (!pattern) return;
  try {
    compilePyRegex(pattern);
  } catch (err) {
    if (err instanceof PyRegexError) ctx.addIssue({ code: "custom", path: [key], message: `invalid ${key} ${JSON.stringify(pattern)}: ${err.reason}` });
    else throw err;
  }
}

const ReplaceArgs = z
  .strictObject({
    path: AbsPath.describe("The file to edit; it must exist. A symlink's target is edited."),
    regexp: z.string().min(1).describe("Python regular expression (MULTILINE: ^ and $ at each line), searched in the whole text: every match is replaced."),
    replace: z.string().default("").describe("Python's re.sub template: \\1, \\g<name> insert groups; \"\" removes the matches."),
    after: z.string().optional().describe("Only the text after the first match of this expression (DOTALL) is searched."),
    before: z.string().optional().describe("Only the text before the last match of this expression (the next one after `after`, with both) is searched."),
    validate: Validate.optional().describe("A command run on the new content before it replaces the file; %s is the temporary file."),
    backup: z.boolean().default(false).describe("Keep the previous content as PATH.<timestamp>~ before replacing it."),
    ...FileAttrs,
  })
  .superRefine((a, ctx) => {
    checkPattern(ctx, a.regexp, "regexp");
    checkPattern(ctx, a.after, "after");
    checkPattern(ctx, a.before, "before");
  });

type ReplaceArgs = z.output<typeof ReplaceArgs>;

interface ReplaceState {
  plan: EditPlan;
  msg: string;
}

function planReplace(args: ReplaceArgs, probe: TextFileProbe): ReplaceState {
  const { text, encoding } = fileText(probe);
  if (text === undefined) throw new ModuleError(`${args.path} does not exist`);
  // A file that is not UTF-8 is edited as bytes; the arguments are matched and written as UTF-8.
  const enc = (s: string | undefined) => (s === undefined ? undefined : asFileText(s, encoding));
  const edit = editReplace(text, { regexp: enc(args.regexp) ?? "", replace: enc(args.replace) ?? "", after: enc(args.after), before: enc(args.before) });
  // Unlike Ansible, which returns early when after/before do not match, mode/owner/group still apply.
  return { plan: planEdit(args.path, probe, edit.changed ? edit.content : undefined, edit.msg, args), msg: edit.msg };
}

export interface ReplaceResult {
  path: string;
  /** replace's msg: "N replacements made", "" when nothing matched, or why after/before did not apply. */
  msg: string;
  backup?: string;
}

export const replace = defineModule({
  name: "replace",
  args: ReplaceArgs,
  doc: {
    summary: "Every match of a regular expression in a file (or between after and before) replaced, as Ansible's replace.",
    example: 'await h.replace({ path: "/etc/default/grub", regexp: "^GRUB_TIMEOUT=\\\\d+$", replace: "GRUB_TIMEOUT=1" });',
    diff: EDIT_DIFF,
  },
  probe: (ctx, args) => probeTextFile(ctx.sh, args.path),
  diff: (args, probe) => planChange(planReplace(args, probe).plan, false),
  async apply(ctx, args, probe): Promise<ReplaceResult> {
    const st = planReplace(args, probe);
    const w = await applyEdit(ctx, probe, st.plan, args);
    return { path: args.path, msg: editMessage(st.plan, st.msg), ...w };
  },
  unchanged: (args, probe): ReplaceResult => ({ path: args.path, msg: planReplace(args, probe).msg }),
});
