import { createHash, randomBytes } from "node:crypto";
import { posix } from "node:path";
import { z } from "zod";
import { RemoteCommandError } from "./errors.js";
import { shellQuote } from "./quote.js";
import type { RemoteShell } from "./shell.js";

/** What a present path is, as the probe reports it. */
const StatType = z.enum(["file", "directory", "link", "other"]);

export const FileState = z.discriminatedUnion("type", [
  z.object({ type: z.literal("absent"), path: z.string() }),
  z.object({
    type: StatType,
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
    /** A symlink that resolves to a directory (a file written "to" it would land inside). */
    linksToDirectory: z.boolean().optional(),
  }),
]);
export type FileState = z.infer<typeof FileState>;

const SEP = "\x1f";

/**
 * Reads type, owner, group, mode, size, sha256 and link target of many paths in one round trip
 * (lstat semantics: a symlink is reported as a link, not followed). One line per path: nothing
 * that a path or a link target may hold (a newline) is printed raw.
 */
export async function probeFiles(sh: RemoteShell, paths: readonly string[], opts: { hash?: boolean } = {}): Promise<FileState[]> {
  if (paths.length === 0) return [];
  // Without hash, a file's content is not read: reading it would move its access time (relatime).
  // The digest cut from sha256sum's line by the shell, not by a cut: a program's start is most of
  // what a probe costs the host, and every file of every task is probed on every run.
  const hash = opts.hash === false ? "" : `[ "$t" = file ] && s=$(sha256sum < "$p") && s=\${s%% *}`;
  const script = `for p in ${paths.map(shellQuote).join(" ")}; do
  if [ -L "$p" ]; then t=link; elif [ -d "$p" ]; then t=directory; elif [ -f "$p" ]; then t=file; elif [ -e "$p" ]; then t=other; else printf 'absent\\n'; continue; fi
  s=''; l=''; ld=0
  ${hash}
  if [ "$t" = link ]; then l=$(readlink -- "$p" | base64 -w0); [ -d "$p" ] && ld=1; fi
  printf '%s${SEP}%s${SEP}%s${SEP}%s${SEP}%s\\n' "$t" "$(stat -c '%U${SEP}%G${SEP}%a${SEP}%s' -- "$p")" "$s" "$l" "$ld"
done`;
  const r = await sh.run(script);
  if (r.rc !== 0) throw new RemoteCommandError(sh.host, `cannot stat ${paths.join(", ")}: ${r.stderr.trim()}`);
  const lines = r.stdout.split("\n").slice(0, paths.length);
  return paths.map((path, i): FileState => {
    const f = (lines[i] ?? "absent").split(SEP);
    if (f[0] === "absent") return { type: "absent", path };
    // Checked by hand rather than by FileState.parse: this runs for every file of every task on
    // every host, and the schema's parse was a visible share of a large run's CPU.
    const [type, owner, group, mode, size, sha256 = "", link = "", toDir] = f;
    if (!isStatType(type) || owner === undefined || group === undefined || mode === undefined || size === undefined) {
      throw new RemoteCommandError(sh.host, `cannot stat ${path}: unexpected answer ${JSON.stringify((lines[i] ?? "").slice(0, 80))}`);
    }
    // readlink's own newline is part of what base64 encoded.
    const target = Buffer.from(link, "base64").toString("utf8").replace(/\n$/, "");
    return { type, path, owner, group, mode, size: Number(size), sha256, target, ...(toDir === "1" ? { linksToDirectory: true } : {}) };
  });
}

const STAT_TYPES: ReadonlySet<string> = new Set(StatType.options);

function isStatType(t: string | undefined): t is z.infer<typeof StatType> {
  return t !== undefined && STAT_TYPES.has(t);
}

/** The canonical path a symlink leads to (its last component may not exist), or undefined. */
export async function resolvedPath(sh: RemoteShell, path: string): Promise<string | undefined> {
  const r = await sh.run(`readlink -f -- ${shellQuote(path)}`);
  const p = r.stdout.replace(/\n$/, "");
  return r.rc === 0 && p.startsWith("/") ? p : undefined;
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
  /**
   * A command run on the temporary file before it replaces dest: `%s` is its path (and `%%` a
   * `%`), substituted as text before the shell reads the command, as Ansible's `validate % tmp`
   * does, so `%s` works inside the command's own quotes (`sh -c 'test -s %s'`).
   */
  validate?: string;
  /** Keep the previous content as DEST.<timestamp>~ before replacing it. */
  backup?: boolean;
}

export class ValidationError extends RemoteCommandError {
  override name = "ValidationError";
}

/** A transfer that did not arrive whole: the destination was left as it was. */
export class TransferError extends RemoteCommandError {
  override name = "TransferError";
}

/** Python's %-formatting of `validate % path`, for the only conversions a path command uses. */
export function validateCommand(validate: string, path: string): string {
  return validate.replace(/%[s%]/g, (m) => (m === "%%" ? "%" : path));
}

const SAFE_PATH = /^[A-Za-z0-9_@%+=:,./-]+$/;

// Exit codes of the script below that mean "dest untouched, and why".
const RC_VALIDATE = 3;
const RC_TRANSFER = 4;

/**
 * Writes content to dest atomically: a temporary file in the same directory gets the content,
 * which is verified (length and sha256) before anything else, then owner, group and mode; it is
 * fsynced and validated, then renamed over dest. A dest that is not replaced keeps its content
 * whatever happens: a killed run or a dropped connection (the content arrives short, fails the
 * check, and the temporary file is removed), a failed validation. Without explicit attributes an
 * existing file keeps its own, a new one gets 0644.
 *
 * The temporary name is chosen here (random, so nobody can plant a file or link there in
 * advance) and created exclusively (noclobber opens with O_EXCL), so validate's `%s` is known as
 * text; `mv -T` renames onto dest itself, never into a directory dest (or a link to one) names.
 */
export async function putFile(sh: RemoteShell, dest: string, content: Buffer | string, opts: PutFileOptions = {}): Promise<{ backup?: string }> {
  const bytes = Buffer.from(content);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const dir = posix.dirname(dest);
  const tmp = posix.join(dir, `.dcv-tmp.${randomBytes(8).toString("hex")}`);
  // The literal path where the shell cannot misread it; otherwise quoted (only a directory with
  // unusual characters gets there, and then only a %s inside the command's own quotes breaks).
  const tmpWord = SAFE_PATH.test(tmp) ? tmp : shellQuote(tmp);
  const lines = [
    "set -e",
    `dest=${shellQuote(dest)}`,
    `tmp=${shellQuote(tmp)}`,
    `( set -C; umask 077; : > "$tmp" )`,
    // Ours from here on, and removed on every way out: exit, the connection hanging up, a signal.
    `trap 'rm -f -- "$tmp"' EXIT`,
    `trap 'rm -f -- "$tmp"; exit 129' HUP INT TERM PIPE`,
    'cat > "$tmp"',
    `n=$(stat -c %s -- "$tmp"); h=$(sha256sum < "$tmp")`,
    `if [ "$n" != ${bytes.length} ] || [ "\${h%% *}" != ${sha256} ]; then rm -f -- "$tmp"; echo "incomplete transfer: $n of ${bytes.length} bytes arrived" >&2; exit ${RC_TRANSFER}; fi`,
    opts.mode ? `chmod -- ${shellQuote(opts.mode)} "$tmp"` : 'if [ -e "$dest" ]; then chmod --reference="$dest" -- "$tmp"; else chmod 0644 -- "$tmp"; fi',
    'if [ -e "$dest" ]; then chown --reference="$dest" -- "$tmp"; fi',
    ...(opts.owner || opts.group ? [`chown -- ${shellQuote(`${opts.owner ?? ""}${opts.group ? `:${opts.group}` : ""}`)} "$tmp"`] : []),
    'sync -- "$tmp" 2>/dev/null || true',
  ];
  if (opts.validate) {
    lines.push(`if ! out=$( { ${validateCommand(opts.validate, tmpWord)} ; } 2>&1 ); then printf 'validation failed: %s\\n' "$out" >&2; exit ${RC_VALIDATE}; fi`);
  }
  if (opts.backup) {
    lines.push('if [ -f "$dest" ]; then b="$dest.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$dest" "$b"; printf "%s\\n" "$b"; fi');
  }
  lines.push('mv -fT -- "$tmp" "$dest"', "trap - EXIT");
  const r = await sh.run(lines.join("\n"), { stdin: bytes, streamStdin: true });
  if (r.rc === RC_VALIDATE) throw new ValidationError(sh.host, `${dest}: ${r.stderr.trim()}`);
  if (r.rc === RC_TRANSFER) throw new TransferError(sh.host, `${dest} not replaced: ${r.stderr.trim()}`);
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
