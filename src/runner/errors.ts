import type { TaskEnd } from "./events.js";

/** A task failed and the host stops (unless a block rescues it). */
export class TaskFailedError extends Error {
  override name = "TaskFailedError";
  constructor(
    readonly host: string,
    readonly task: string,
    message: string,
    readonly event?: TaskEnd,
  ) {
    super(`${host}: task ${JSON.stringify(task)}: ${message}`);
  }
}

/** The host could not be reached, or its connection was lost during a task. */
export class HostUnreachableError extends Error {
  override name = "HostUnreachableError";
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
  }
}

/** Another host's failure ended the play (anyErrorsFatal, maxFailPercentage). */
export class PlayAbortedError extends Error {
  override name = "PlayAbortedError";
}

/** Configuration that is wrong before any host is touched: exit code 1. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
