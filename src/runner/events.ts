import type { TextDiff } from "../modules/contract.js";

export type TaskStatus = "ok" | "changed" | "failed" | "skipped" | "unreachable" | "rescued" | "ignored";

export interface TaskEnd {
  type: "task-end";
  play: string;
  host: string;
  task: string;
  module: string;
  status: TaskStatus;
  /** What changed (or would change in check mode), one line. */
  summary?: string;
  /** Why it failed or was skipped. */
  msg?: string;
  diffs?: TextDiff[];
  /** When the task started, in ms since the epoch (Date.now()): where the HTML report's timeline puts its bar. */
  startedAt: number;
  durationMs: number;
  delegatedTo?: string;
  handler?: boolean;
  /** The registered result, for -v output and the JSON report (absent with noLog). */
  result?: unknown;
  noLog?: boolean;
}

export type RunEvent =
  | { type: "play-start"; play: string; hosts: string[]; check: boolean }
  | { type: "batch-start"; play: string; hosts: string[]; index: number; of: number }
  | TaskEnd
  | { type: "host-unreachable"; play: string; host: string; msg: string }
  | { type: "host-failed"; play: string; host: string; msg: string }
  | { type: "host-end"; play: string; host: string }
  /** --retry-unreachable: an unreachable host's plays from `from` run again (try `attempt` of `of`). */
  | { type: "host-retry"; host: string; attempt: number; of: number; from: string }
  | { type: "play-end"; play: string }
  /** A command sent to a host's shell (-vvv); `stdin`: its stdin's size, never its content. */
  | { type: "command"; host: string; user: string | undefined; command: string; stdin?: string }
  | { type: "debug"; host: string; msg: string }
  | { type: "warning"; msg: string };

export type Emit = (e: RunEvent) => void;
