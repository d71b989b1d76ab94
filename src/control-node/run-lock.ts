import { spawnSync } from "node:child_process";
import { closeSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { kernelFileSystem } from "./kernel-fs.js";
import { makeDirectories } from "./make-directories.js";
import { errorReason } from "./write-file.js";

/** Another run holds the lock: a timer firing during an operator's run, or a git hook. */
export class RunLockBusy extends Error {
  override name = "RunLockBusy";
  constructor(
    readonly file: string,
    readonly holder: string,
  ) {
    super(`another do-converge run holds ${file}${holder ? ` (pid ${holder})` : ""}: not starting a second one`);
  }
}

/** The lock cannot be taken at all (no flock command, an unwritable directory). */
export class RunLockError extends Error {
  override name = "RunLockError";
}

export interface RunLock {
  release(): void;
  /** The locked descriptor: a child given it as its fd 3 (see INHERITED_LOCK_ENV) runs under this lock. */
  readonly fd: number;
}

/**
 * A holder that starts a run to work under its lock (the git hook checks out a revision, then
 * converges it) hands the lock over: the locked descriptor as the child's fd 3, the lock file's
 * path in this variable. flock(2) locks belong to the open file description, so the child holds
 * the very same lock, and it ends when both have let go.
 */
export const INHERITED_LOCK_ENV = "DO_CONVERGE_INHERITED_LOCK";
const INHERITED_FD = 3;

// flock(2) semantics without a native addon: the lock belongs to the open file description, so
// `flock -n 3` run on a descriptor we hold locks it for us; it stays locked while we keep the
// descriptor and the kernel drops it when this process ends, however it ends (kill -9 too).
const BUSY = 75;

/** Takes the lock or throws RunLockBusy at once (never waits: a second run must exit quickly). */
export function acquireRunLock(file: string): RunLock {
  const inherited = inheritedLock(file);
  if (inherited) return inherited;
  const refuse = (problem: string) => new RunLockError(`cannot use ${file} as the run lock: ${problem} (choose another with --lock-file)`);
  let fd: number;
  try {
    makeDirectories(dirname(file));
    fd = openSync(file, "a+", 0o644);
  } catch (err) {
    throw refuse(errorReason(err));
  }
  try {
    lockFileProblem(file, fd, refuse);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  const r = spawnSync("flock", ["--nonblock", "--conflict-exit-code", String(BUSY), "3"], { stdio: ["ignore", "ignore", "pipe", fd] });
  if (r.status !== 0) {
    closeSync(fd);
    if (r.status === BUSY) throw new RunLockBusy(file, readHolder(file));
    throw new RunLockError(`cannot lock ${file}: flock (util-linux) ${r.error ? r.error.message : `exited ${r.status}: ${r.stderr.toString().trim()}`}`);
  }
  // The holder's pid, for the message of a run that finds the lock taken.
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`);
  } catch (err) {
    closeSync(fd);
    throw refuse(errorReason(err));
  }
  return { release: () => closeSync(fd), fd };
}

/**
 * A lock file is truncated and written with our pid: refused when it is a kernel file (a /proc or
 * /sys file takes what is written as a setting), not a regular file, or holds anything but a pid
 * (`--lock-file site.ts` would empty the site).
 */
function lockFileProblem(file: string, fd: number, refuse: (problem: string) => RunLockError): void {
  const kernel = kernelFileSystem(file);
  if (kernel !== undefined) throw refuse(`it is on the kernel's ${kernel} file system`);
  if (!fstatSync(fd).isFile()) throw refuse("not a regular file");
  const head = Buffer.alloc(64);
  const n = readSync(fd, head, 0, head.length, 0);
  if (!/^\s*\d*\s*$/.test(head.subarray(0, n).toString("latin1"))) throw refuse("it holds something other than a run's pid, so it is not a run lock");
}

/** The lock handed over by the parent, when it is this file's and fd 3 really is that file. */
function inheritedLock(file: string): RunLock | undefined {
  if (process.env[INHERITED_LOCK_ENV] !== file) return undefined;
  delete process.env[INHERITED_LOCK_ENV];
  try {
    const held = fstatSync(INHERITED_FD);
    const named = statSync(file);
    if (held.dev !== named.dev || held.ino !== named.ino) return undefined;
  } catch {
    return undefined;
  }
  // Taking a lock this open file description already holds succeeds at once: a check, not a wait.
  const r = spawnSync("flock", ["--nonblock", "--conflict-exit-code", String(BUSY), String(INHERITED_FD)], { stdio: ["ignore", "ignore", "pipe", INHERITED_FD] });
  if (r.status !== 0) return undefined;
  return { release: () => undefined, fd: INHERITED_FD };
}

function readHolder(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}
