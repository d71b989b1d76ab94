import { randomBytes } from "node:crypto";
import {
  type Stats,
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { getSystemErrorMap } from "node:util";
import { kernelFileSystem } from "./kernel-fs.js";
import { makeDirectories } from "./make-directories.js";

/** A file of the control node could not be written; the target is as it was. */
export class WriteFileError extends Error {
  override name = "WriteFileError";
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
  }
}

/**
 * Writes a file on the control node so that a reader (or a crash) sees the old content or the
 * new, never half: a temporary file in the same directory, fsynced, then renamed over the target.
 *
 * The temporary name is random and the file is created exclusively, never through a symlink: in a
 * directory others can write to (/tmp, a shared report directory), a name they can predict lets
 * them plant a symlink that redirects the write, or a file of their own that keeps its looser mode
 * and their ownership. It is created owner-only and then given exactly `mode`, whatever the umask,
 * so a secret is never readable by others, not even for a moment.
 */
export function writeFileAtomic(file: string, data: string, mode = 0o644): void {
  const dir = dirname(file) || ".";
  try {
    makeDirectories(dir);
  } catch (err) {
    throw new WriteFileError(file, errorReason(err));
  }
  const tmp = join(dir, `.${basename(file)}.${randomBytes(12).toString("hex")}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    created = true;
    fchmodSync(fd, mode);
    writeFileSync(fd, data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    // Only a file this call created is removed: whatever a failed exclusive create met is not ours.
    if (created) rmSync(tmp, { force: true });
    throw new WriteFileError(file, errorReason(err));
  }
  syncDirectory(dir);
}

/** Makes the rename durable; a file system that cannot sync a directory still has the file. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    fsyncSync(fd);
  } catch {
    // Durability of the rename is best effort: the content itself was fsynced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** "is a directory (EISDIR)": the system's words for an errno, without the temporary file's name. */
export function errorReason(err: unknown): string {
  if (err instanceof Error && "errno" in err && typeof err.errno === "number" && "code" in err && typeof err.code === "string") {
    const text = getSystemErrorMap().get(err.errno)?.[1];
    if (text !== undefined) return `${text} (${err.code})`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * Why writeFileAtomic(file) would fail, found without creating anything (undefined: it should
 * work): so a run can refuse a bad destination before it starts instead of after its work is done.
 */
export function writeProblem(file: string): string | undefined {
  let target: Stats | undefined;
  try {
    target = statSync(file);
  } catch (err) {
    if (!isMissing(err)) return errorReason(err);
  }
  if (target?.isDirectory()) return "is a directory";
  // A device, a FIFO, /dev/stdout: the file would be replaced by a regular one, not written to.
  if (target !== undefined && !target.isFile()) return "is not a regular file (the write replaces the file it names)";
  return directoryProblem(dirname(file) || ".");
}

/** Why files could not be created in `dir` (made with its parents when missing); undefined when they can. */
export function directoryProblem(dir: string): string | undefined {
  // The nearest existing ancestor decides: what is missing below it would be created.
  for (let d = resolve(dir); ; d = dirname(d)) {
    let st: Stats;
    try {
      st = statSync(d);
    } catch (err) {
      if (isMissing(err) && dirname(d) !== d) continue;
      return `${d}: ${errorReason(err)}`;
    }
    if (!st.isDirectory()) return `${d} is not a directory`;
    const kernel = kernelFileSystem(d);
    if (kernel !== undefined) return `${d} is on the kernel's ${kernel} file system`;
    try {
      accessSync(d, constants.W_OK | constants.X_OK);
    } catch (err) {
      return `${d}: ${errorReason(err)}`;
    }
    return undefined;
  }
}

/** ENOENT, or ENOTDIR (a file where a directory of the path should be: found further up). */
function isMissing(err: unknown): boolean {
  return err instanceof Error && "code" in err && (err.code === "ENOENT" || err.code === "ENOTDIR");
}
