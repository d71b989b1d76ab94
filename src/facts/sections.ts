/**
 * The probe script's output (probe-script.ts) split at its `@@dcv@@ KEY` lines. A key may carry
 * an argument (`net_is eth0`); `rc:KEY` holds the exit status of the command printed under KEY.
 * Text is kept as printed but for the newline the marker line itself begins with.
 *
 * The files the script read all at once (`files_read`, then `head -v` of them under `files`)
 * become sections of their own, keyed by their path (`/etc/os-release`): a file without one was
 * not readable.
 */
export class Sections {
  private readonly byKey = new Map<string, string>();
  readonly keys: string[] = [];
  /** The paths of the files read, in the order they were read. */
  readonly files: string[] = [];

  constructor(out: string) {
    const parts = `\n${out}`.split(/\n@@dcv@@ ([^\n]*)\n/);
    for (let i = 1; i + 1 < parts.length; i += 2) {
      const key = parts[i] ?? "";
      const text = parts[i + 1] ?? "";
      if (!this.byKey.has(key)) this.keys.push(key);
      this.byKey.set(key, text);
    }
    const asked = this.lines("files_read");
    const read = this.byKey.get("files");
    if (read !== undefined) for (const [path, text] of splitHeaded(read, asked)) this.addFile(path, text);
  }

  private addFile(path: string, text: string): void {
    if (!this.byKey.has(path)) {
      this.keys.push(path);
      this.files.push(path);
    }
    this.byKey.set(path, text);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The section's text, or undefined when the probe did not print it. */
  raw(key: string): string | undefined {
    return this.byKey.get(key);
  }

  /** As Ansible's get_file_content: stripped, and undefined when empty or absent. */
  content(key: string): string | undefined {
    const t = this.byKey.get(key)?.trim();
    return t ? t : undefined;
  }

  /** Non-empty lines of the section. */
  lines(key: string): string[] {
    return (this.byKey.get(key) ?? "").split("\n").filter((l) => l !== "");
  }

  /** The exit status R recorded for the command under `key`; undefined if it did not run. */
  rc(key: string): number | undefined {
    const t = this.byKey.get(`rc:${key}`)?.trim();
    return t === undefined || t === "" ? undefined : Number(t);
  }

  /** The arguments of every section named `name` (`net_is eth0` → "eth0"), in output order. */
  args(name: string): string[] {
    return this.keys.filter((k) => k.startsWith(`${name} `)).map((k) => k.slice(name.length + 1));
  }
}

/**
 * `head -v -c -0 -- PATH...` split back into files: a header `==> PATH <==` (after a newline for
 * every file but the first) precedes each file head could open, and the file follows byte for
 * byte. A header counts only when it names one of the paths asked for, in their order, so a file
 * whose text holds such a line is still read whole.
 */
export function splitHeaded(out: string, asked: readonly string[]): [string, string][] {
  const files: [string, string][] = [];
  const text = `\n${out}`;
  let next = 0;
  let current: { path: string; start: number } | undefined;
  // The header's own newline is left unmatched: it may also begin the next header.
  for (const m of text.matchAll(/\n==> (.*) <==(?=\n)/g)) {
    const at = asked.indexOf(m[1] ?? "", next);
    if (at < 0) continue;
    if (current) files.push([current.path, text.slice(current.start, m.index)]);
    current = { path: asked[at] ?? "", start: m.index + m[0].length + 1 };
    next = at + 1;
  }
  if (current) files.push([current.path, text.slice(current.start)]);
  return files;
}
