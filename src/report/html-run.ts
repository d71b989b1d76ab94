import type { TaskStatus } from "../runner/events.js";
import type { HostStats } from "../runner/stats.js";
import type { ReportHistory } from "./history.js";

/** One task result as the HTML report shows it. */
export interface HtmlTask {
  play: string;
  host: string;
  task: string;
  module: string;
  status: TaskStatus;
  handler: boolean;
  delegatedTo?: string;
  /** When it started, in ms since the run started: where its bar begins on the timeline. */
  at: number;
  durationMs: number;
  summary?: string;
  msg?: string;
  /** Its unified diffs, already masked (rendered from the raw texts, as the terminal does). */
  diff?: string;
  /** An unreachable task of a host that --retry-unreachable tried again later in the run. */
  retried?: boolean;
}

/** Everything the page shows of a run. */
export interface HtmlRun {
  /** The site file, as the operator named it. */
  site: string;
  started: Date;
  durationMs: number;
  check: boolean;
  /** Whether the run computed diffs (--diff): without, the changes are listed without them. */
  diff: boolean;
  exitCode: number;
  plays: readonly string[];
  recap: ReadonlyMap<string, HostStats>;
  tasks: readonly HtmlTask[];
  /** Hosts a play stopped without a failure of their own (anyErrorsFatal), with why. */
  aborted: readonly { play: string; host: string; msg: string }[];
  warnings: readonly string[];
  /** The runs --keep-reports kept before this one, when there is such a history. */
  history?: ReportHistory;
}
