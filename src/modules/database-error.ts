import { ModuleError } from "./contract.js";

/** A database client's failure (mysql's, psql's), secrets already redacted. */
export class DatabaseError extends ModuleError {
  constructor(
    message: string,
    /** No client on the host, or no server answering: nothing could be read at all. */
    readonly unavailable = false,
  ) {
    super(message);
  }
}

/** What check mode does when probeUnlessUnavailable finds no server, for the modules' reference. */
export const NO_SERVER_CHECK = "In check mode, a server that cannot be reached yet (one an earlier task would install or start) makes the task skipped rather than failed.";

/**
 * In check mode, a server that is not there yet (its install is an earlier, unapplied task) makes
 * the probe's answer unknown, not an error: undefined then, and the task is reported skipped.
 */
export async function probeUnlessUnavailable<T>(check: boolean, read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (e) {
    if (check && e instanceof DatabaseError && e.unavailable) return undefined;
    throw e;
  }
}
