import { createHash } from "node:crypto";
import { z } from "zod";
import { type FileState, probeFiles, putFile, readTextFile, resolvedPath } from "../remote/files.js";
import { AbsPath, FileAttrs } from "./args.js";
import { type Change, type ModuleContext, ModuleError, type TextDiff, defineModule, defineReadModule } from "./contract.js";
import { attrChanges, attrCommands, attrText, mergedAttrs } from "./file-attrs.js";
import { encodeOutput, outputEncodingName, SUPPORTED_OUTPUT_ENCODINGS } from "./output-encoding.js";
import { JinjaSyntaxOptions, type RenderOptions } from "../template/index.js";

// ---------------------------------------------------------------------------------------------
// copy and template: a whole file's content, sent only when its hash differs.

export interface ContentState {
  file: FileState;
  content: Buffer;
  sha256: string;
  /** Current text for --diff, fetched only when the content differs and a diff was asked for. */
  before?: string;
}

export interface ContentResult {
  dest: string;
  checksum: string;
  backup?: string;
}

const ContentAttrs = {
  dest: AbsPath.describe("The file to write (absolute path); its directory must exist."),
  ...FileAttrs,
  mode: FileAttrs.mode.describe('Permissions in octal: "0644" (or the number 0o644); omitted: an existing file keeps its mode, a new one gets 0644.'),
  validate: z
    .string()
    .includes("%s", { message: "validate must contain %s (the temporary file)" })
    .optional()
    .describe("A command run on the new content before it replaces dest, %s standing for the temporary file; a non-zero exit fails the task and leaves dest as it was."),
  backup: z.boolean().default(false).describe("Keep the previous content as DEST.<timestamp>~ before replacing it."),
  force: z.boolean().default(true).describe("false: leave an existing dest alone, whatever its content."),
  follow: z
    .boolean()
    .default(false)
    .describe("A symlink at dest is followed: the file it leads to is compared and written, the link stays. Not followed (Ansible's default), the link is replaced by the file."),
};

async function probeContent(ctx: ModuleContext, args: { dest: string; follow: boolean }, content: Buffer): Promise<ContentState> {
  let [f] = await probeFiles(ctx.sh, [args.dest]);
  if (args.follow && f?.type === "link") {
    const to = await resolvedPath(ctx.sh, args.dest);
    if (to === undefined) throw new ModuleError(`${args.dest} is a symlink that leads nowhere (${f.target}): a loop, or a missing directory on the way`);
    [f] = await probeFiles(ctx.sh, [to]);
    f ??= { type: "absent", path: to };
  }
  // Where the content goes: dest itself, or followed, the file its link leads to.
  const dest = f?.path ?? args.dest;
  const fileState = f ?? { type: "absent" as const, path: dest };
  const sha256 = createHash("sha256").update(content).digest("hex");
  const differs = fileState.type !== "file" || fileState.sha256 !== sha256;
  if (fileState.type === "directory") throw new ModuleError(`${dest} is a directory`);
  // Written "to" such a link, the file would land inside the directory, under another name.
  if (fileState.type === "link" && fileState.linksToDirectory) throw new ModuleError(`${dest} is a symlink to a directory (${fileState.target}): give the path of the file to write`);
  const before = differs && ctx.wantDiff && fileState.type === "file" ? await readTextFile(ctx.sh, dest) : undefined;
  return { file: fileState, content, sha256, ...(before !== undefined ? { before } : {}) };
}

function contentDiff(args: { dest: string; force: boolean; mode?: string | undefined; owner?: string | undefined; group?: string | undefined }, st: ContentState): Change | undefined {
  const f = st.file;
  if (f.type !== "absent" && !args.force) return undefined;
  const contentDiffers = f.type !== "file" || f.sha256 !== st.sha256;
  const attrs = attrChanges(f, args);
  if (!contentDiffers && attrs.length === 0) return undefined;
  const diffs: TextDiff[] = [];
  const after = st.content.includes(0) ? "(binary content)\n" : st.content.toString("utf8");
  // A link not followed is replaced by the file: its target is what goes.
  const before = f.type === "absent" ? "" : f.type === "link" ? `link to ${f.target}\n` : (st.before ?? "(binary or large file)\n");
  if (contentDiffers) diffs.push({ label: f.path, before, after });
  if (attrs.length && f.type !== "absent") {
    diffs.push({ label: `${f.path} (attributes)`, before: attrText(f.type, mergedAttrs(f, {})), after: attrText(f.type, mergedAttrs(f, args)) });
  }
  const summary = f.type === "absent" ? "create" : [...(contentDiffers ? ["content"] : []), ...attrs].join(", ");
  return { summary, diffs };
}

async function applyContent(ctx: ModuleContext, args: z.output<z.ZodObject<typeof ContentAttrs>>, st: ContentState): Promise<ContentResult> {
  const contentDiffers = st.file.type !== "file" || st.file.sha256 !== st.sha256;
  const dest = st.file.path;
  if (contentDiffers) {
    const put = await putFile(ctx.sh, dest, st.content, {
      ...(args.mode ? { mode: args.mode } : {}),
      ...(args.owner ? { owner: args.owner } : {}),
      ...(args.group ? { group: args.group } : {}),
      ...(args.validate ? { validate: args.validate } : {}),
      backup: args.backup,
    });
    return { dest, checksum: st.sha256, ...put };
  }
  const r = await ctx.sh.run(["set -e", ...attrCommands(dest, args)].join("\n"));
  if (r.rc !== 0) throw new ModuleError(`${dest}: ${r.stderr.trim()}`, r);
  return { dest, checksum: st.sha256 };
}

const CopyArgs = z
  .strictObject({
    ...ContentAttrs,
    content: z.string().optional().describe("The file's content, as text. Exactly one of content and src."),
    src: z.string().min(1).optional().describe("A file of the site or role (under its files/ directory) whose bytes are copied. Exactly one of content and src."),
  })
  .refine((a) => (a.content === undefined) !== (a.src === undefined), { message: "give exactly one of content and src" });

/** The diff of copy and template, and of a file's attributes. */
const CONTENT_DIFF = "The file's content before and after (binary content is named, not shown), and its owner, group and mode when they change.";

export const copy = defineModule({
  name: "copy",
  args: CopyArgs,
  doc: {
    summary: "A file's whole content, from text or from a file of the site: sent only when its checksum differs; owner, group and mode too.",
    example: 'await h.copy({ dest: "/etc/motd", content: "Managed by do-converge\\n", owner: "root", group: "root", mode: "0644" });',
    diff: CONTENT_DIFF,
  },
  probe: (ctx, args) => probeContent(ctx, args, args.content !== undefined ? Buffer.from(args.content) : ctx.readControlFile(args.src ?? "")),
  diff: (args, st) => contentDiff(args, st),
  apply: (ctx, args, st) => applyContent(ctx, args, st),
  unchanged: (_args, st): ContentResult => ({ dest: st.file.path, checksum: st.sha256 }),
});

/** Ansible's newline_sequence values, also written escaped ("\\r\\n") as playbooks often do. */
const NEWLINES: Readonly<Record<string, string>> = { "\n": "\n", "\r": "\r", "\r\n": "\r\n", "\\n": "\n", "\\r": "\r", "\\r\\n": "\r\n" };

const TemplateArgs = z.strictObject({
  ...ContentAttrs,
  src: z.string().min(1).describe("The template, a file of the site or role (under its templates/ directory), in Jinja2 as Ansible renders it."),
  vars: z.record(z.string(), z.unknown()).optional().describe("Variables for this rendering only, on top of the host's."),
  // How the template reads, as Ansible's template options (the template's `#jinja2:` line goes on top).
  ...JinjaSyntaxOptions.pick({
    trim_blocks: true,
    lstrip_blocks: true,
    block_start_string: true,
    block_end_string: true,
    variable_start_string: true,
    variable_end_string: true,
    comment_start_string: true,
    comment_end_string: true,
  }).shape,
  newline_sequence: z
    .string()
    .refine((v) => Object.hasOwn(NEWLINES, v), { message: "newline_sequence must be one of \\n, \\r or \\r\\n" })
    .transform((v) => NEWLINES[v] ?? "\n")
    .optional()
    .describe('The line break written for every line: "\\n" (the default), "\\r" or "\\r\\n".'),
  output_encoding: z
    .string()
    .refine((v) => outputEncodingName(v) !== undefined, { message: `output_encoding must be one of ${SUPPORTED_OUTPUT_ENCODINGS.join(", ")} (or a Python alias of one)` })
    .default("utf-8")
    .describe(`The encoding the rendering is written in: ${SUPPORTED_OUTPUT_ENCODINGS.join(", ")} (or a Python alias of one).`),
});

type TemplateArgs = z.output<typeof TemplateArgs>;

function renderOptions(args: TemplateArgs): RenderOptions {
  const { trim_blocks, lstrip_blocks, newline_sequence, block_start_string, block_end_string, variable_start_string, variable_end_string, comment_start_string, comment_end_string } = args;
  const picked = { trim_blocks, lstrip_blocks, newline_sequence, block_start_string, block_end_string, variable_start_string, variable_end_string, comment_start_string, comment_end_string };
  return Object.fromEntries(Object.entries(picked).filter(([, v]) => v !== undefined));
}

export const template = defineModule({
  name: "template",
  args: TemplateArgs,
  doc: {
    summary: "A file rendered from a Jinja2 template with the host's variables (as Ansible's template module renders it), written only when the rendering differs.",
    example: 'await h.template({ src: "nginx.conf.j2", dest: "/etc/nginx/nginx.conf", mode: "0644", validate: "nginx -t -c %s" }, { notify: "reload nginx" });',
    diff: CONTENT_DIFF,
  },
  probe: (ctx, args) => probeContent(ctx, args, encodeOutput(ctx.renderTemplate(args.src, args.vars, renderOptions(args)), args.output_encoding)),
  diff: (args, st) => contentDiff(args, st),
  apply: (ctx, args, st) => applyContent(ctx, args, st),
  unchanged: (_args, st): ContentResult => ({ dest: st.file.path, checksum: st.sha256 }),
});

// ---------------------------------------------------------------------------------------------
// stat: read-only.

export interface StatResult {
  exists: boolean;
  path: string;
  isdir: boolean;
  isreg: boolean;
  islnk: boolean;
  mode?: string;
  owner?: string;
  group?: string;
  size?: number;
  checksum?: string;
  lnk_target?: string;
}

export const stat = defineReadModule({
  name: "stat",
  args: z.strictObject({ path: AbsPath.describe("The path to look at; a symlink is reported as a link, not followed.") }),
  doc: {
    summary: "Reads a path's type, owner, group, mode, size, sha256 checksum and link target (exists: false when there is nothing there).",
    example: 'const motd = await h.stat({ path: "/etc/motd" });\nif (!motd.exists) await h.copy({ dest: "/etc/motd", content: "" });',
  },
  async read(ctx, args): Promise<StatResult> {
    const [s = { type: "absent" as const, path: args.path }] = await probeFiles(ctx.sh, [args.path]);
    if (s.type === "absent") return { exists: false, path: args.path, isdir: false, isreg: false, islnk: false };
    return {
      exists: true,
      path: args.path,
      isdir: s.type === "directory",
      isreg: s.type === "file",
      islnk: s.type === "link",
      mode: s.mode.padStart(4, "0"),
      owner: s.owner,
      group: s.group,
      size: s.size,
      ...(s.sha256 ? { checksum: s.sha256 } : {}),
      ...(s.target ? { lnk_target: s.target } : {}),
    };
  },
});
