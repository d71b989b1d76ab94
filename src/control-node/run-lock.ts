import { spawnSync } from "node:child_process";
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { dirname } from "node:path";

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
}

// flock(2) semantics without a native addon: the lock belongs to the open file description, so
// `flock -n 3` run on a descriptor we hold locks it for us; it stays locked while we keep the
// descriptor and the kernel drops it when this process ends, however it ends (kill -9 too).
const BUSY = 75;

/** Takes the lock or throws RunLockBusy at once (never waits: a second run must exit quickly). */
export function acquireRunLock(file: string): RunLock {
  let fd: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(file, "a+", 0o644);
  } catch (err) {
    throw new RunLockError(`cannot open the run lock ${file}: ${err instanceof Error ? err.message : String(err)} (choose another with --lock-file)`);
  }
  const r = spawnSync("flock", ["--nonblock", "--conflict-exit-code", String(BUSY), "3"], { stdio: ["ignore", "ignore", "pipe", fd] });
  if (r.status !== 0) {
    closeSync(fd);
    if (r.status === BUSY) throw new RunLockBusy(file, readHolder(file));
    throw new RunLockError(`cannot lock ${file}: flock (util-linux) ${r.error ? r.error.message : `exited ${r.status}: ${r.stderr.toString().trim()}`}`);
  }
  // The holder's pid, for the message of a run that finds the lock taken.
  ftruncateSync(fd, 0);
  writeSync(fd, `${process.pid}\n`);
  return { release: () => closeSync(fd) };
}

function readHolder(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}
