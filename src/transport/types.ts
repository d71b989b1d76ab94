import type { Readable, Writable } from "node:stream";

/** A running remote (or local) process with its three standard streams. */
export interface ProcessChannel {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves with the exit code (null when killed by a signal or the connection dropped). */
  readonly exited: Promise<number | null>;
  kill(): void;
}

/**
 * How commands reach a host: an SSH connection or the control node itself. The remote layer
 * (src/remote/) builds framed shells, become and file transfer on top of `spawn`.
 */
export interface Connection {
  /** The inventory name of the host, for messages. */
  readonly host: string;
  readonly kind: "ssh" | "local";
  /** Starts `command` (run by the login shell on SSH, by /bin/sh locally). */
  spawn(command: string): Promise<ProcessChannel>;
  /** Resolves when the connection is lost or closed. */
  readonly lost: Promise<Error | undefined>;
  close(): Promise<void>;
}
