import { z } from "zod";
import { RemoteCommandError } from "./errors.js";
import { shellQuote } from "./quote.js";
import type { RemoteShell } from "./shell.js";

export const FileState = z.discriminatedUnion("type", [
  z.object({ type: z.literal("absent"), path: z.string() }),
  z.object({
    type: z.enum(["file", "directory", "link", "other"]),
    path: z.string(),
    owner: z.string(),
    group: z.string(),
    /** Octal permission bits as stat prints them, e.g. "644", "1777". */
    mode: z.string(),
    size: z.number(),
    /** sha256 of a regular file's content; "" for other types. */
    sha256: z.string(),
    /** A symlink's target; "" otherwise. */
    target: z.string(),
  }),
]);
export type FileState = z.infer<typeof FileState>;

const SEP = "\x1f";

/**
 * Reads type, owner, group, mode, size, sha256 and link target of many paths in one round trip
 * (lstat semantics: a symlink is reported as a link, not followed).
 */
export async function probeFiles(sh: RemoteShell, paths: readonly string[]): Promise<FileState[]> {
  if (paths.length === 0) return [];
  const script = `for p in ${paths.map(shellQuote).join(" ")}; do
  if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else printf 'absent\\n'; continue; fi
  s=''; l=''
  [ "$t" = file ] && s=$(sha256sum < "$p" | cut -d' ' -f1)
  [ "$t" = link ] && l=$(readlink "$p")
  printf '%s${SEP}%s${SEP}%s${SEP}%s\\n' "$t" "$(stat -c '%U${SEP}%G${SEP}%a${SEP}%s' "$p")" "$s" "$l"
done`;
  const r = await sh.run(script);
  if (r.rc !== 0) throw new RemoteCommandError(sh.host, `cannot stat ${paths.join(", ")}: ${r.stderr.trim()}`);
  const lines = r.stdout.split("\n").slice(0, paths.length);
  return paths.map((path, i): FileState => {
    const f = (lines[i] ?? "absent").split(SEP);
    if (f[0] === "absent") return { type: "absent", path };
    return FileState.parse({
      type: f[0],
      path,
      owner: f[1],
      group: f[2],
      mode: f[3],
      size: Number(f[4]),
      sha256: f[5] ?? "",
      target: f[6] ?? "",
    });
  });
}

/** Octal modes compare by value: "0644" and stat's "644" are the same mode. */
export function sameMode(a: string, b: string): boolean {
  return Number.parseInt(a, 8) === Number.parseInt(b, 8);
}

/** The canonical form for messages and diffs: four octal digits, as Ansible prints modes. */
export function formatMode(mode: string): string {
  return Number.parseInt(mode, 8).toString(8).padStart(4, "0");
}

export interface PutFileOptions {
  mode?: string;
  owner?: string;
  group?: string;
  /** A command run on the temporary file before it replaces dest; `%s` is its path. */
  validate?: string;
  /** Keep the previous content as DEST.<timestamp>~ before replacing it. */
  backup?: boolean;
}

export class ValidationError extends RemoteCommandError {
  override name = "ValidationError";
}

/**
 * Writes content to dest atomically: a temporary file in the same directory gets the content,
 * owner, group and mode, is fsynced and validated, then renamed over dest. A dest that is not
 * replaced keeps its content whatever happens (killed run, failed validation, lost connection).
 * Without explicit attributes an existing file keeps its own, a new one gets 0644.
 */
export async function putFile(sh: RemoteShell, dest: string, content: Buffer | string, opts: PutFileOptions = {}): Promise<{ backup?: string }> {
  const d = shellQuote(dest);
  const lines = [
    "set -e",
    `dest=${d}`,
    'tmp=$(mktemp "$(dirname "$dest")/.dcv-tmp.XXXXXXXX")',
    "trap 'rm -f \"$tmp\"' EXIT",
    'cat > "$tmp"',
    opts.mode ? `chmod ${shellQuote(opts.mode)} "$tmp"` : 'if [ -e "$dest" ]; then chmod --reference="$dest" "$tmp"; else chmod 0644 "$tmp"; fi',
    'if [ -e "$dest" ]; then chown --reference="$dest" "$tmp"; fi',
    ...(opts.owner || opts.group ? [`chown ${shellQuote(`${opts.owner ?? ""}${opts.group ? `:${opts.group}` : ""}`)} "$tmp"`] : []),
    'sync "$tmp" 2>/dev/null || true',
  ];
  if (opts.validate) {
    const cmd = opts.validate.split("%s").join('"$tmp"');
    lines.push(`if ! out=$( { ${cmd} ; } 2>&1 ); then printf 'validation failed: %s\\n' "$out" >&2; exit 3; fi`);
  }
  if (opts.backup) {
    lines.push('if [ -f "$dest" ]; then b="$dest.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p "$dest" "$b"; printf "%s\\n" "$b"; fi');
  }
  lines.push('mv -f "$tmp" "$dest"', "trap - EXIT");
  const r = await sh.run(lines.join("\n"), { stdin: content });
  if (r.rc === 3) throw new ValidationError(sh.host, `${dest}: ${r.stderr.trim()}`);
  if (r.rc !== 0) throw new RemoteCommandError(sh.host, `cannot write ${dest}: ${r.stderr.trim()}`);
  const backup = r.stdout.trim();
  return backup ? { backup } : {};
}

/** A text file's content for --diff; undefined when absent, binary or larger than maxBytes. */
export async function readTextFile(sh: RemoteShell, path: string, maxBytes = 256 * 1024): Promise<string | undefined> {
  const r = await sh.run(`p=${shellQuote(path)}; [ -f "$p" ] || exit 2; [ "$(stat -c %s "$p")" -le ${maxBytes} ] || exit 3; cat "$p"`);
  if (r.rc !== 0) return undefined;
  return r.stdout.includes("\0") ? undefined : r.stdout;
}
