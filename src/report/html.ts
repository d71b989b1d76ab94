import { writeFileAtomic } from "../control-node/write-file.js";
import type { RunEvent, TaskEnd } from "../runner/events.js";
import type { HostStats } from "../runner/stats.js";
import type { ReportHistory } from "./history.js";
import { renderHtmlPage } from "./html-page.js";
import type { HtmlRun, HtmlTask } from "./html-run.js";
import { NO_LOG_MESSAGE } from "./junit.js";
import { unifiedDiff } from "./unified-diff.js";

export interface HtmlOptions {
  /** The run's secret masker (see the constructor). */
  mask?: (text: string) => string;
  /** --diff: the changes are shown with their diffs, as the terminal shows them. */
  diff?: boolean;
  now?: () => number;
}

export interface HtmlExtra {
  site: string;
  check: boolean;
  exitCode: number;
  history?: ReportHistory;
}

/**
 * Collects a run's events into the page written by `--html FILE`: one self-contained HTML file
 * (its CSS inline, no script, no URL) with the recap, a timeline per host, the changes with their
 * diffs, the failures, and drift per host over the runs --keep-reports kept.
 */
export class HtmlReporter {
  private readonly tasks: HtmlTask[] = [];
  private readonly plays: string[] = [];
  private readonly warnings: string[] = [];
  private readonly aborted: { play: string; host: string; msg: string }[] = [];
  private readonly started: number;
  private readonly mask: (text: string) => string;
  private readonly diff: boolean;
  private readonly now: () => number;

  /**
   * `mask`: the run's secret masker. Events reach reporters masked except their diffs (see
   * maskEvent), which are diffed raw here and masked as a whole, as the terminal does.
   */
  constructor(o: HtmlOptions = {}) {
    this.mask = o.mask ?? ((t) => t);
    this.diff = o.diff ?? false;
    this.now = o.now ?? Date.now;
    this.started = this.now();
  }

  handle = (e: RunEvent): void => {
    switch (e.type) {
      case "play-start":
        this.plays.push(e.play);
        break;
      case "warning":
        this.warnings.push(e.msg);
        break;
      case "host-retry":
        for (const t of this.tasks) if (t.host === e.host && t.status === "unreachable") t.retried = true;
        break;
      case "host-failed":
        // Only a host stopped by another's failure (anyErrorsFatal) has no failed task of its own
        // in the play; every other host-failed repeats a failure listed already, and may carry a
        // noLog task's hidden message.
        if (!this.tasks.some((t) => t.play === e.play && t.host === e.host && (t.status === "failed" || t.status === "unreachable"))) {
          this.aborted.push({ play: e.play, host: e.host, msg: e.msg });
        }
        break;
      case "task-end":
        this.tasks.push(this.task(e));
        break;
      default:
        break;
    }
  };

  private task(e: TaskEnd): HtmlTask {
    // The JUnit report's rule: a noLog task's summary, message and diffs never reach a report.
    const msg = e.noLog ? (e.msg === undefined ? undefined : NO_LOG_MESSAGE) : e.msg;
    // Without --diff a module may still describe a change as a diff (a file it did not read shows
    // as a placeholder): the terminal shows none then, and neither does the page.
    const diff = !this.diff || e.noLog || e.diffs === undefined ? "" : e.diffs.map((d) => unifiedDiff(d.before, d.after, { from: `before: ${d.label}`, to: `after: ${d.label}` })).join("");
    return {
      play: e.play,
      host: e.host,
      task: e.task,
      module: e.module,
      status: e.status,
      handler: e.handler === true,
      ...(e.delegatedTo ? { delegatedTo: e.delegatedTo } : {}),
      at: Math.max(0, e.startedAt - this.started),
      durationMs: e.durationMs,
      ...(e.summary && !e.noLog ? { summary: e.summary } : {}),
      ...(msg ? { msg } : {}),
      ...(diff ? { diff: this.mask(diff) } : {}),
    };
  }

  run(recap: ReadonlyMap<string, HostStats>, extra: HtmlExtra): HtmlRun {
    return {
      site: extra.site,
      started: new Date(this.started),
      durationMs: this.now() - this.started,
      check: extra.check,
      diff: this.diff,
      exitCode: extra.exitCode,
      plays: this.plays,
      recap,
      tasks: this.tasks,
      aborted: this.aborted,
      warnings: this.warnings,
      ...(extra.history ? { history: extra.history } : {}),
    };
  }

  render(recap: ReadonlyMap<string, HostStats>, extra: HtmlExtra): string {
    return renderHtmlPage(this.run(recap, extra), this.mask);
  }

  /** Written atomically, as the other reports: a browser or a web server never shows half a page. */
  write(file: string, recap: ReadonlyMap<string, HostStats>, extra: HtmlExtra): void {
    writeFileAtomic(file, this.render(recap, extra));
  }
}
