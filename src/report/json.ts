import { writeFileAtomic } from "../control-node/write-file.js";
import type { RunEvent } from "../runner/events.js";
import type { HostStats } from "../runner/stats.js";
import { TaskProfile } from "./profile.js";
import type { FastPathCounts } from "../fast-path/host-play.js";

export interface JsonTask {
  play: string;
  host: string;
  task: string;
  module: string;
  status: string;
  changed: boolean;
  duration_ms: number;
  msg?: string;
  delegated_to?: string;
  handler?: boolean;
  /** An unreachable task of a host that --retry-unreachable tried again later in the run. */
  retried?: boolean;
}

/** Collects a run's events into the machine-readable report written by `--json FILE`. */
export class JsonReporter {
  private readonly tasks: JsonTask[] = [];
  private readonly plays: string[] = [];
  private readonly warnings: string[] = [];
  private readonly retries: { host: string; attempt: number; from_play: string }[] = [];
  private readonly started = new Date();
  private readonly profile = new TaskProfile();

  /** `mask`: the run's secret masker, applied to the report's text as the last step before the file. */
  constructor(private readonly mask: (text: string) => string = (t) => t) {}

  handle = (e: RunEvent): void => {
    this.profile.handle(e);
    if (e.type === "play-start") this.plays.push(e.play);
    if (e.type === "warning") this.warnings.push(e.msg);
    if (e.type === "host-retry") {
      this.retries.push({ host: e.host, attempt: e.attempt, from_play: e.from });
      for (const t of this.tasks) if (t.host === e.host && t.status === "unreachable") t.retried = true;
    }
    if (e.type !== "task-end") return;
    this.tasks.push({
      play: e.play,
      host: e.host,
      task: e.task,
      module: e.module,
      status: e.status,
      changed: e.status === "changed",
      duration_ms: e.durationMs,
      ...(e.msg && !e.noLog ? { msg: e.msg } : {}),
      ...(e.delegatedTo ? { delegated_to: e.delegatedTo } : {}),
      ...(e.handler ? { handler: true } : {}),
    });
  };

  report(recap: ReadonlyMap<string, HostStats>, extra: { check: boolean; exitCode: number; fastPath?: FastPathCounts }) {
    return {
      started: this.started.toISOString(),
      duration_ms: Date.now() - this.started.getTime(),
      check: extra.check,
      // Drift: what this run changed (or, with --check, would change). For a scheduled run of a
      // converged site, anything here is a change made outside do-converge.
      drift: { detected: this.tasks.some((t) => t.changed), tasks: this.tasks.filter((t) => t.changed).map((t) => ({ host: t.host, task: t.task })) },
      exit_code: extra.exitCode,
      /** Peak resident memory of this do-converge process. */
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      plays: this.plays,
      recap: Object.fromEntries(recap),
      tasks: this.tasks,
      warnings: this.warnings,
      /** Every task's summed and maximum time over hosts, slowest first (what --profile prints the top of). */
      profile: this.profile.entries(),
      /** --retry-unreachable's tries: the recap and exit_code are each host's state after its last. */
      retries: this.retries,
      /** How the probes read the hosts (docs/fast-path.md); absent with --no-fast-path. */
      ...(extra.fastPath ? { fast_path: { answered: extra.fastPath.answered, live: extra.fastPath.live, snapshots: extra.fastPath.snapshots } } : {}),
    };
  }

  /** Written atomically: a reader (monitoring, a timer's next run) never sees half a report. */
  write(file: string, recap: ReadonlyMap<string, HostStats>, extra: { check: boolean; exitCode: number; fastPath?: FastPathCounts }): void {
    writeFileAtomic(file, this.mask(`${JSON.stringify(this.report(recap, extra), null, 2)}\n`));
  }
}
