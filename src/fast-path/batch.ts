import { type CommandResult, type ReadCommand, type RemoteShell, subshellLine } from "../remote/shell.js";

/**
 * Many reads in one round trip: each command runs exactly as RemoteShell.run would run it alone
 * (its own subshell, its environment, stdin from /dev/null), its output kept in files of a private
 * temporary directory, then printed as one line: `rc base64(stdout) base64(stderr)`. Base64 keeps
 * whatever bytes a command prints (newlines, invalid UTF-8) from being read as the next answer.
 */
export function batchScript(reads: readonly ReadCommand[]): string {
  const lines = ['d=$(mktemp -d) || exit 97', `trap 'rm -rf -- "$d"' EXIT`];
  for (const r of reads) {
    lines.push(
      `${subshellLine(r.command, r.env)} >"$d/o" 2>"$d/e"; printf '%d ' "$?"; [ -s "$d/o" ] && base64 -w0 "$d/o"; printf ' '; [ -s "$d/e" ] && base64 -w0 "$d/e"; printf '\\n'`,
    );
  }
  return lines.join("\n");
}

/** The batch's answers, one per read, in order; undefined when the output is not the batch's (then nothing is answered). */
export function parseBatch(stdout: string, count: number): CommandResult[] | undefined {
  const lines = stdout.split("\n");
  if (lines.length !== count + 1 || lines[count] !== "") return undefined;
  const out: CommandResult[] = [];
  for (const line of lines.slice(0, count)) {
    const m = /^(\d+) ([A-Za-z0-9+/=]*) ([A-Za-z0-9+/=]*)$/.exec(line);
    if (!m) return undefined;
    out.push({ rc: Number(m[1]), stdout: Buffer.from(m[2] ?? "", "base64").toString("utf8"), stderr: Buffer.from(m[3] ?? "", "base64").toString("utf8") });
  }
  return out;
}

/**
 * Runs `reads` (all of one user's, on that user's shell) in one round trip. Undefined when the
 * batch itself could not run (no temporary directory): the reads are then made one by one, live.
 */
export async function runBatch(sh: RemoteShell, reads: readonly ReadCommand[]): Promise<CommandResult[] | undefined> {
  if (reads.length === 0) return [];
  const r = await sh.run(batchScript(reads));
  return r.rc === 0 ? parseBatch(r.stdout, reads.length) : undefined;
}
