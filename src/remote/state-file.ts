import { RemoteCommandError } from "./errors.js";
import { putFile } from "./files.js";
import { shellQuote } from "./quote.js";
import type { RemoteShell } from "./shell.js";

/**
 * do-converge's own state on a host, below a base directory: /var/lib/do-converge for root,
 * $XDG_STATE_HOME/do-converge (else ~/.local/state/do-converge) for any other user, or the
 * host's `do_converge_state_dir` when the inventory sets one. Root's is root-owned; files are 0600.
 */
export interface StateFile {
  /** The file's absolute path on the host, as the shell resolved it. */
  readonly path: string;
  /** Whether its directory exists (a write need not create it). */
  readonly dirExists: boolean;
  /** Its content; undefined when there is no such file. */
  readonly text: string | undefined;
}

// A shell's user does not change: its state directory is asked once (`id -u` costs a process).
const bases = new WeakMap<RemoteShell, string>();

/** A shell line setting `b` to the state directory of the shell's user (or `override`). */
export function stateBaseLine(sh: RemoteShell, override: string | undefined): string {
  const known = override ?? bases.get(sh);
  if (known !== undefined) return `b=${shellQuote(known)}`;
  return 'if [ "$(id -u)" = 0 ]; then b=/var/lib/do-converge; else b="${XDG_STATE_HOME:-$HOME/.local/state}/do-converge"; fi';
}

/**
 * Reads `rel` (a relative path of plain segments) below the shell user's state directory in one
 * round trip, telling where it is and whether its directory exists. Writes nothing; starts no
 * process but `cat` of a file that exists (and `id -u` on a shell's first read).
 */
export async function readStateFile(sh: RemoteShell, rel: string, override?: string): Promise<StateFile> {
  const script = [
    stateBaseLine(sh, override),
    // The answer is line-based: a base holding a newline (an odd $HOME) is refused, not misread.
    `case "$b" in *'\n'*) echo 'the state directory path holds a newline' >&2; exit 1;; esac`,
    `f="$b"/${shellQuote(rel)}`,
    'if [ -d "${f%/*}" ]; then d=1; else d=0; fi',
    'printf \'%s\\n%s\\n\' "$b" "$d"',
    'if [ -e "$f" ]; then echo present; cat -- "$f"; else echo absent; fi',
  ].join("\n");
  const r = await sh.run(script);
  if (r.rc !== 0) throw new RemoteCommandError(sh.host, `cannot read the state file ${rel}: ${r.stderr.trim() || `exit ${r.rc}`}`);
  const [base = "", dir = "0", presence = "absent"] = r.stdout.split("\n", 3);
  if (override === undefined) bases.set(sh, base);
  const head = `${base}\n${dir}\n${presence}\n`;
  return { path: `${base}/${rel}`, dirExists: dir === "1", text: presence === "present" ? r.stdout.slice(head.length) : undefined };
}

/** Replaces a state file atomically (mode 0600), creating its directory (0700) when `dirExists` is false. */
export async function writeStateFile(sh: RemoteShell, file: Pick<StateFile, "path" | "dirExists">, text: string): Promise<void> {
  if (!file.dirExists) {
    const r = await sh.run(`f=${shellQuote(file.path)}; mkdir -p -- "\${f%/*}" && chmod 0700 -- "\${f%/*}"`);
    if (r.rc !== 0) throw new RemoteCommandError(sh.host, `cannot create the directory of ${file.path}: ${r.stderr.trim()}`);
  }
  await putFile(sh, file.path, text, { mode: "0600" });
}

export async function removeStateFile(sh: RemoteShell, path: string): Promise<void> {
  const r = await sh.run(`rm -f -- ${shellQuote(path)}`);
  if (r.rc !== 0) throw new RemoteCommandError(sh.host, `cannot remove ${path}: ${r.stderr.trim()}`);
}
