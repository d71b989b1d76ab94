import { type Stats, readFileSync } from "node:fs";

/**
 * What a file of the control node parses to, kept while the file is unchanged (its size, mtime
 * and inode): a file every connection reads (known_hosts, the private key) is parsed once per
 * process, and a line added meanwhile (trust on first use, another run) is still seen. Files that
 * are not regular (a FIFO, /dev/null) have no such stamp and are parsed each time.
 */
export class UnchangedFileCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: T }>();

  constructor(private readonly parse: (content: Buffer, file: string) => T) {}

  /** The parse of `file` as it is now; `st` is its stat, which the caller has made. */
  get(file: string, st: Stats): T {
    if (!st.isFile()) return this.parse(readFileSync(file), file);
    const stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
    const known = this.entries.get(file);
    if (known?.stamp === stamp) return known.value;
    const value = this.parse(readFileSync(file), file);
    this.entries.set(file, { stamp, value });
    return value;
  }
}
