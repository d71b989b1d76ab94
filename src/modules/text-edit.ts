import { dirname } from "node:path/posix";
import { z } from "zod";
import { putFile } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import { type DecodedText, type TextFileProbe, decodeText, displayText, encodeText } from "../remote/text-file.js";
import { type Change, type ModuleContext, ModuleError, type TextDiff } from "./contract.js";
import { type WantedAttrs, attrChanges, attrCommands, attrText, mergedAttrs } from "./file-attrs.js";

// What lineinfile, blockinfile, ini_file, replace and sysctl share: a file read whole by probeTextFile, edited as
// text by a pure function, written back whole by putFile (atomic, validated) when it changed.

/** `validate` as copy and template take it. */
/** What --diff shows of the modules that edit a text file (lineinfile, blockinfile, ini_file, replace). */
export const EDIT_DIFF = "The file's content before and after, and its owner, group and mode when they change.";

export const Validate = z.string().includes("%s", { message: "validate must contain %s (the temporary file)" });

/** A probed file's text; an absent file has none. */
export function fileText(st: TextFileProbe): { text: string | undefined; encoding: DecodedText["encoding"] } {
  if (!st.content) return { text: undefined, encoding: "utf8" };
  return decodeText(st.content);
}

export interface EditPlan {
  /** The bytes to write, when the content changes (or the file is created). */
  content?: Buffer;
  /** Attribute changes of an existing file, as "mode 0644 -> 0600". */
  attrs: string[];
  /** Shown first in the summary: "line added", "Block inserted", ... */
  what: string;
  diffs: TextDiff[];
}

/**
 * The plan for new text (undefined: the content stays) and wanted attributes. Attribute
 * changes of a file being rewritten are applied by the write itself.
 */
export function planEdit(path: string, st: TextFileProbe, after: string | undefined, what: string, want: WantedAttrs): EditPlan {
  const { text: before, encoding } = fileText(st);
  const attrs = attrChanges(st.file, want);
  const diffs: TextDiff[] = [];
  let content: Buffer | undefined;
  if (after !== undefined && (before === undefined || after !== before)) {
    content = encodeText(after, encoding);
    diffs.push({ label: path, before: before === undefined ? "" : displayText(before, encoding), after: displayText(after, encoding) });
  }
  if (attrs.length && st.file.type !== "absent") {
    diffs.push({ label: `${path} (attributes)`, before: attrText(st.file.type, mergedAttrs(st.file, {})), after: attrText(st.file.type, mergedAttrs(st.file, want)) });
  }
  return { ...(content ? { content } : {}), attrs, what, diffs };
}

/** What an applied edit reports: the edit's own message when the content changed, then the attributes set. */
export function editMessage(plan: EditPlan, msg: string): string {
  return [plan.content ? msg : "", ...plan.attrs].filter(Boolean).join(", ");
}

export function planChange(plan: EditPlan, created: boolean): Change | undefined {
  if (!plan.content && plan.attrs.length === 0) return undefined;
  const parts = [...(plan.content ? [created ? "create" : plan.what] : []), ...plan.attrs];
  return { summary: parts.join(", "), diffs: plan.diffs };
}

export interface WriteOptions extends WantedAttrs {
  validate?: string | undefined;
  backup?: boolean | undefined;
}

/** Carries out a plan: the new content through putFile (parent directories made first), or only the attributes. */
export async function applyEdit(ctx: ModuleContext, st: TextFileProbe, plan: EditPlan, opts: WriteOptions): Promise<{ backup?: string }> {
  if (plan.content) {
    if (st.file.type === "absent" && !st.parentExists) {
      const r = await ctx.sh.run(`mkdir -p -- ${shellQuote(dirname(st.realPath))}`);
      if (r.rc !== 0) throw new ModuleError(`cannot create ${dirname(st.realPath)}: ${r.stderr.trim()}`, r);
    }
    return putFile(ctx.sh, st.realPath, plan.content, {
      ...(opts.mode ? { mode: opts.mode } : {}),
      ...(opts.owner ? { owner: opts.owner } : {}),
      ...(opts.group ? { group: opts.group } : {}),
      ...(opts.validate ? { validate: opts.validate } : {}),
      backup: opts.backup === true,
    });
  }
  if (plan.attrs.length) {
    const r = await ctx.sh.run(["set -e", ...attrCommands(st.realPath, opts)].join("\n"));
    if (r.rc !== 0) throw new ModuleError(`${st.realPath}: ${r.stderr.trim()}`, r);
  }
  return {};
}
