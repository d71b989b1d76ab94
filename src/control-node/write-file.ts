import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file on the control node so that a reader (or a crash) sees the old content or the
 * new, never half: a temporary file in the same directory, created with its final mode (a secret
 * is never world-readable, not even for a moment), fsynced, then renamed over the target.
 */
export function writeFileAtomic(file: string, data: string, mode = 0o644): void {
  const dir = dirname(file) || ".";
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, file);
}
