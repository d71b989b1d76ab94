/**
 * The bytes a remote shell's stream has sent and nobody has taken yet. A command's output arrives
 * in many SSH packets (the facts script's and the fast path's batch run to hundreds of kilobytes),
 * and the shell looks for its end mark after each one: appending by concatenation and searching
 * from the start each time is quadratic in the output's size, which at 100 hosts was most of the
 * control node's CPU. Here the bytes grow in place (capacity doubling) and a search resumes where
 * the last one for the same mark stopped.
 */
export class Inbox {
  private buf: Buffer;
  private start = 0;
  private end = 0;
  private needle: Buffer | undefined;
  /** Up to where (absolute, from `start`) the current needle is known to be absent. */
  private searched = 0;

  constructor(private readonly initialCapacity = 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  get length(): number {
    return this.end - this.start;
  }

  push(d: Buffer): void {
    if (this.end + d.length > this.buf.length) this.makeRoom(d.length);
    d.copy(this.buf, this.end);
    this.end += d.length;
  }

  /** The unread bytes, as a view: valid until the next push or drop. */
  view(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  /**
   * Where `needle` starts in the unread bytes at or after `from`, or -1. A repeated search for the
   * same needle object from the same place scans only what arrived since (minus the needle's
   * length, for a mark split between packets).
   */
  indexOf(needle: Buffer, from = 0): number {
    if (needle !== this.needle || from > this.searched) {
      this.needle = needle;
      this.searched = from;
    }
    const at = Math.max(from, this.searched - needle.length + 1);
    const i = this.view().indexOf(needle, at);
    this.searched = i < 0 ? this.length : i;
    return i;
  }

  /** Removes the first `n` unread bytes (what a caller has read from view()). */
  drop(n: number): void {
    this.start = Math.min(this.end, this.start + n);
    if (this.start === this.end) this.clear();
    this.needle = undefined;
  }

  /** Drops every unread byte; a buffer grown for a large output is given back (a shell lives for the run). */
  clear(): void {
    this.start = this.end = 0;
    this.needle = undefined;
    if (this.buf.length > this.initialCapacity * 64) this.buf = Buffer.allocUnsafe(this.initialCapacity);
  }

  private makeRoom(extra: number): void {
    const live = this.length;
    if (live + extra <= this.buf.length / 2) {
      // Mostly consumed: slide what is left to the front instead of growing.
      this.buf.copy(this.buf, 0, this.start, this.end);
    } else {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, live + extra));
      this.buf.copy(bigger, 0, this.start, this.end);
      this.buf = bigger;
    }
    this.start = 0;
    this.end = live;
  }
}
