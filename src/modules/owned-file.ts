import { createHash } from "node:crypto";
import { formatMode, putFile, sameMode } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { type Change, ModuleError, type TextDiff } from "./contract.js";

// Small files a module owns outright (apt sources, apt keyrings): read whole in one round trip,
// compared by content and mode, written atomically or removed.

/** The current file, with attributes and text, in one round trip. */
export interface SmallFile {
  exists: boolean;
  mode?: string;
  content: Buffer;
}

export async function readSmallFile(sh: RemoteShell, path: string, extra = ""): Promise<{ file: SmallFile; extra: string }> {
  const r = await sh.run(`p=${shellQuote(path)}
if [ -f "$p" ]; then printf 'file %s\\n' "$(stat -c %a "$p")"; base64 -w0 < "$p" || exit 1; echo; else echo absent; echo; fi
${extra}
true`);
  if (r.rc !== 0) throw new ModuleError(`cannot read ${path}: ${r.stderr.trim()}`);
  const [head = "", b64 = "", ...rest] = r.stdout.split("\n");
  const file: SmallFile = head.startsWith("file ") ? { exists: true, mode: head.slice(5), content: Buffer.from(b64, "base64") } : { exists: false, content: Buffer.alloc(0) };
  return { file, extra: rest.join("\n") };
}

export const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Summary and diff for one owned file going from `file` to `want` (undefined: removed). */
export function fileChange(path: string, file: SmallFile, want: Buffer | undefined, mode: string, text: (b: Buffer) => string): Change | undefined {
  if (want === undefined) return file.exists ? { summary: `remove ${path}`, diffs: [{ label: path, before: text(file.content), after: "" }] } : undefined;
  const contentDiffers = !file.exists || sha(file.content) !== sha(want);
  const modeDiffers = file.exists && file.mode !== undefined && !sameMode(file.mode, mode);
  if (!contentDiffers && !modeDiffers) return undefined;
  const diffs: TextDiff[] = [];
  if (contentDiffers) diffs.push({ label: path, before: file.exists ? text(file.content) : "", after: text(want) });
  if (modeDiffers) diffs.push({ label: `${path} (attributes)`, before: `mode: ${formatMode(file.mode ?? "0")}\n`, after: `mode: ${formatMode(mode)}\n` });
  const summary = !file.exists ? `create ${path}` : [...(contentDiffers ? ["content"] : []), ...(modeDiffers ? [`mode ${formatMode(file.mode ?? "0")} -> ${formatMode(mode)}`] : [])].join(", ");
  return { summary, diffs };
}

/** Writes (or removes) the file; only the mode when the content is already right. */
export async function writeOwned(sh: RemoteShell, path: string, file: SmallFile, want: Buffer | undefined, mode: string, validate?: string): Promise<void> {
  if (want === undefined) {
    const r = await sh.run(`rm -f -- ${shellQuote(path)}`);
    if (r.rc !== 0) throw new ModuleError(`cannot remove ${path}: ${r.stderr.trim()}`);
    return;
  }
  if (file.exists && sha(file.content) === sha(want)) {
    const r = await sh.run(`chmod -- ${shellQuote(mode)} ${shellQuote(path)}`);
    if (r.rc !== 0) throw new ModuleError(`cannot chmod ${path}: ${r.stderr.trim()}`);
    return;
  }
  await putFile(sh, path, want, { mode, ...(validate ? { validate } : {}) });
}

