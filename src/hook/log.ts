import { closeSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { makeDirectories } from "../control-node/make-directories.js";

/** The first words of the line that closes a log entry of a run: whoever waits for a run waits for this. */
export const END_MARK = "=== end ";
export const START_MARK = "=== ";

/** The hook's log, opened for appending; created readable by its owner only. */
export class HookLog {
  private constructor(private readonly fd: number) {}

  static open(file: string): HookLog {
    makeDirectories(dirname(file));
    return new HookLog(openSync(file, "a", 0o600));
  }

  /** One write per call: with O_APPEND, two hooks' short entries never interleave mid-line. */
  write(text: string): void {
    writeSync(this.fd, text);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Appends one line to the log (a skip): opened, written, closed. */
export function appendLogLine(file: string, line: string): void {
  const log = HookLog.open(file);
  try {
    log.write(`${line}\n`);
  } finally {
    log.close();
  }
}

export function timestamp(): string {
  return new Date().toISOString();
}
