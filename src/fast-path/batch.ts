import { type CommandResult, type ReadCommand, type RemoteShell, subshellLine } from "../remote/shell.js";

/**
 * Many reads in one round trip: each command runs exactly as RemoteShell.run would run it alone
 * (its own subshell, its environment, stdin from /dev/null), its output kept in files of a private
 * temporary directory. Then three lines: the exit codes; the files' sizes in bytes (stdout, stderr
 * of each read, one a line); every file's bytes, one after another, in one base64 line. Base64
 * keeps whatever bytes a command prints (newlines, invalid UTF-8) from being read as framing, and
 * one `stat`, `cat` and `base64` for the whole batch cost the host three programs where a base64
 * for each output cost one per read (docs/fast-path.md: Its cost).
 */
export function batchScript(reads: readonly ReadCommand[]): string {
  const lines = ['d=$(mktemp -d) || exit 97', `trap 'rm -rf -- "$d"' EXIT`];
  reads.forEach((r, i) => lines.push(`${subshellLine(r.command, r.env)} >"$d/${i}o" 2>"$d/${i}e"; printf '%d ' "$?"`));
  const files = reads.flatMap((_, i) => [`"$d/${i}o"`, `"$d/${i}e"`]).join(" ");
  lines.push("printf '\\n'", `stat -c %s ${files} || exit 97`, `cat ${files} | base64 -w0 || exit 97`, "printf '\\n'");
  return lines.join("\n");
}

/** The batch's answers, one per read, in order; undefined when the output is not the batch's (then nothing is answered). */
export function parseBatch(stdout: string, count: number): CommandResult[] | undefined {
  const lines = stdout.split("\n");
  if (lines.length !== 2 * count + 3 || lines[2 * count + 2] !== "") return undefined;
  const codes = lines[0]?.split(" ") ?? [];
  if (codes.length !== count + 1 || codes[count] !== "" || !codes.slice(0, count).every((c) => /^\d+$/.test(c))) return undefined;
  const sizes = lines.slice(1, 2 * count + 1);
  if (!sizes.every((s) => /^\d+$/.test(s))) return undefined;
  const blob = lines[2 * count + 1] ?? "";
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(blob)) return undefined;
  const bytes = Buffer.from(blob, "base64");
  if (sizes.reduce((n, s) => n + Number(s), 0) !== bytes.length) return undefined;
  let at = 0;
  const next = (size: string): string => {
    const text = bytes.subarray(at, at + Number(size)).toString("utf8");
    at += Number(size);
    return text;
  };
  return codes.slice(0, count).map((rc, i) => {
    const stdout = next(sizes[2 * i] ?? "0");
    return { rc: Number(rc), stdout, stderr: next(sizes[2 * i + 1] ?? "0") };
  });
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
