import { z } from "zod";
import { type TextFileProbe, probeTextFile } from "../remote/text-file.js";
import { AbsPath, FileAttrs, Str } from "./args.js";
import { ModuleError, defineModule } from "./contract.js";
import { editIni, iniText } from "./ini-edit.js";
import { EDIT_DIFF, type EditPlan, applyEdit, fileText, planChange, planEdit, editMessage } from "./text-edit.js";

// ini_file: one option (or a whole section) of an INI file, as community.general.ini_file 6.6.2,
// the version in Debian 12's `ansible` package (so no ignore_spaces, and no validate).

const IniArgs = z
  .strictObject({
    path: AbsPath.describe("The INI file; created (with its directory) when missing, unless create is false."),
    section: z.string().nullable().optional().describe("The section; omitted, null or \"\": the lines before the first section header. Added when missing (state=present)."),
    option: z.string().min(1).optional().describe("The option; omitted to add or remove a whole section."),
    value: Str.optional().describe("The option's value; the same as values: [value]."),
    values: z.array(Str).optional().describe("Several values of the option, one line each (duplicates count once)."),
    state: z.enum(["present", "absent"]).default("present").describe("present: the option has the value(s) (or the section exists); absent: the option's lines (or the section) are removed."),
    exclusive: z.boolean().default(true).describe("present: other lines of the option are replaced or removed; absent: every line of the option goes. false: only the given values are added or removed."),
    no_extra_spaces: z.boolean().default(false).describe("Write option=value instead of option = value."),
    allow_no_value: z.boolean().default(false).describe("An option without value: a bare 'option' line, without '='."),
    create: z.boolean().default(true).describe("Create the file when it does not exist; false: a missing file is an error."),
    backup: z.boolean().default(false).describe("Keep the previous content as PATH.<timestamp>~ before replacing it."),
    ...FileAttrs,
  })
  .superRefine((a, ctx) => {
    if (a.value !== undefined && a.values !== undefined) ctx.addIssue({ code: "custom", path: ["values"], message: "value and values are mutually exclusive" });
    const wanted = a.value !== undefined || (a.values?.length ?? 0) > 0;
    if (a.state === "present" && !a.allow_no_value && !wanted) ctx.addIssue({ code: "custom", path: ["value"], message: "value or values is required with state=present (unless allow_no_value)" });
    // ini_file would crash on these (no option) or, for state=absent without section, delete the first section's header.
    if (wanted && a.option === undefined) ctx.addIssue({ code: "custom", path: ["option"], message: "option is required with value or values" });
    if (a.state === "absent" && !a.section && a.option === undefined) ctx.addIssue({ code: "custom", path: ["option"], message: "state=absent needs a section or an option to remove" });
  });

type IniArgs = z.output<typeof IniArgs>;

interface IniState {
  plan: EditPlan;
  msg: string;
}

function planIni(args: IniArgs, probe: TextFileProbe): IniState {
  const { text, encoding } = fileText(probe);
  // ini_file reads the file as UTF-8 text and fails on anything else.
  if (text !== undefined && encoding !== "utf8") throw new ModuleError(`${args.path} is not UTF-8 text`);
  if (text === undefined && !args.create) throw new ModuleError(`${args.path} does not exist (create: true would create it)`);
  const values = args.value !== undefined ? [args.value] : (args.values ?? []);
  const edit = editIni(text === undefined ? undefined : iniText(text), {
    state: args.state,
    section: args.section ?? undefined,
    option: args.option,
    values,
    exclusive: args.exclusive,
    no_extra_spaces: args.no_extra_spaces,
    allow_no_value: args.allow_no_value,
  });
  if (text === undefined && !edit.changed) return { plan: { attrs: [], what: "", diffs: [] }, msg: edit.msg };
  return { plan: planEdit(args.path, probe, edit.changed ? edit.content : undefined, edit.msg, args), msg: edit.msg };
}

export interface IniResult {
  path: string;
  /** ini_file's msg: "OK", "option added", "option changed", "section and option added", "only section added", "section removed". */
  msg: string;
  backup?: string;
}

export const ini_file = defineModule({
  name: "ini_file",
  args: IniArgs,
  doc: {
    summary: "An option with its value(s) in a section of an INI file, or a section or option removed, as community.general's ini_file.",
    example: 'await h.ini_file({ path: "/etc/php/8.2/fpm/php.ini", section: "PHP", option: "upload_max_filesize", value: "64M" }, { notify: "restart php-fpm" });',
    diff: EDIT_DIFF,
  },
  probe: (ctx, args) => probeTextFile(ctx.sh, args.path),
  diff: (args, probe) => planChange(planIni(args, probe).plan, probe.file.type === "absent"),
  async apply(ctx, args, probe): Promise<IniResult> {
    const st = planIni(args, probe);
    const w = await applyEdit(ctx, probe, st.plan, args);
    return { path: args.path, msg: editMessage(st.plan, st.msg), ...w };
  },
  unchanged: (args, probe): IniResult => ({ path: args.path, msg: planIni(args, probe).msg }),
});
