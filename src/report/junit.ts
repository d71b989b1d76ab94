import { writeFileAtomic } from "../control-node/write-file.js";
import type { RunEvent, TaskEnd } from "../runner/events.js";
import { renderJunit } from "./junit-xml.js";

/** What a noLog task's failure says instead of its message (the runner's own wording). */
export const NO_LOG_MESSAGE = "(details hidden: noLog)";

export type JunitOutcome = { kind: "passed" } | { kind: "failure" | "error" | "skipped"; message: string; details?: string };

export interface JunitCase {
  classname: string;
  name: string;
  durationMs: number;
  outcome: JunitOutcome;
  /** Name/value pairs for machines: the status (changed, ignored, ...), module, delegation. */
  properties: Array<[string, string]>;
  /** Shown by Jenkins and GitLab beside the case: how a passing case changed the host. */
  systemOut?: string;
}

export interface JunitSuite {
  name: string;
  started: number;
  ended?: number;
  cases: JunitCase[];
}

/**
 * Collects a run's events into the JUnit XML report written by `--junit FILE`: a <testsuite> per
 * play and a <testcase> per host and task, classname "play/host". A suite per play because a play
 * has one wall-clock time (its hosts run in parallel) and is what the terminal shows as PLAY;
 * the host is in the classname, which is what Jenkins and GitLab group and identify cases by (they
 * ignore suite names in their tree and table), and with the play in it too the same task name in
 * two plays (Gathering Facts) stays two distinct cases.
 */
export class JunitReporter {
  private readonly suites: JunitSuite[] = [];
  /** Hosts of the current suite with a failed or unreachable case: a later host-failed adds nothing. */
  private readonly faulted = new Set<string>();
  /** Unreachable cases by host: a host that --retry-unreachable tries again has them skipped. */
  private readonly lost: { host: string; case: JunitCase }[] = [];

  /** `mask`: the run's secret masker, applied to the XML text as the last step before the file. */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly mask: (text: string) => string = (t) => t,
  ) {}

  handle = (e: RunEvent): void => {
    switch (e.type) {
      case "play-start":
        this.suites.push({ name: e.play, started: this.now(), cases: [] });
        this.faulted.clear();
        break;
      case "play-end":
        this.suite(e.play).ended = this.now();
        break;
      case "task-end": {
        if (e.status === "failed" || e.status === "unreachable") this.faulted.add(e.host);
        const c = taskCase(e);
        if (e.status === "unreachable") this.lost.push({ host: e.host, case: c });
        this.suite(e.play).cases.push(c);
        break;
      }
      case "host-retry":
        // The host's later cases tell how the retry went; the lost attempt is no longer the verdict.
        for (const l of this.lost.filter((x) => x.host === e.host && x.case.outcome.kind === "error")) {
          const message = `${l.case.outcome.kind === "error" ? l.case.outcome.message : "unreachable"} (tried again later in the run: ${e.attempt} of ${e.of})`;
          l.case.outcome = { kind: "skipped", message };
        }
        break;
      case "host-failed":
        // Only a host stopped by another's failure (anyErrorsFatal) gets here without a failed
        // case of its own; its message names no task detail. Any other host-failed repeats a
        // failure already recorded, and may carry a noLog task's hidden message: never used.
        if (!this.faulted.has(e.host)) {
          this.faulted.add(e.host);
          this.suite(e.play).cases.push({
            classname: `${e.play}/${e.host}`,
            name: "(play aborted)",
            durationMs: 0,
            outcome: { kind: "skipped", message: e.msg },
            properties: [["status", "aborted"]],
          });
        }
        break;
      default:
        break;
    }
  };

  /** The suite of a play; one is opened if its play-start was not seen (a reporter attached late). */
  private suite(play: string): JunitSuite {
    const last = this.suites.at(-1);
    if (last && last.name === play) return last;
    const s: JunitSuite = { name: play, started: this.now(), cases: [] };
    this.suites.push(s);
    return s;
  }

  render(): string {
    return renderJunit(this.suites, this.now());
  }

  /** Written atomically: a CI job collecting the file never reads half a report. */
  write(file: string): void {
    writeFileAtomic(file, this.mask(this.render()));
  }
}

function taskCase(e: TaskEnd): JunitCase {
  // json.ts's rule: a noLog task's message, summary and result never reach a report.
  const msg = e.noLog ? (e.msg === undefined ? undefined : NO_LOG_MESSAGE) : e.msg;
  const summary = e.noLog ? undefined : e.summary;
  const properties: Array<[string, string]> = [
    ["status", e.status],
    ["module", e.module],
  ];
  if (e.delegatedTo) properties.push(["delegated_to", e.delegatedTo]);
  if (e.handler) properties.push(["handler", "true"]);
  const base = { classname: `${e.play}/${e.host}`, name: e.handler ? `handler: ${e.task}` : e.task, durationMs: e.durationMs, properties };
  const details = [
    ...(msg ? [msg, ""] : []),
    `task: ${e.task}`,
    `module: ${e.module}`,
    `host: ${e.host}${e.delegatedTo ? ` -> ${e.delegatedTo}` : ""}`,
  ].join("\n");
  switch (e.status) {
    case "failed":
      return { ...base, outcome: { kind: "failure", message: msg ?? "failed", details } };
    case "unreachable":
      // <error>, not <failure>: the host, not the task, is what went wrong.
      return { ...base, outcome: { kind: "error", message: msg ?? "unreachable", details } };
    case "skipped":
      return { ...base, outcome: { kind: "skipped", message: msg ?? "skipped" } };
    case "changed":
      return { ...base, outcome: { kind: "passed" }, systemOut: summary ? `changed: ${summary}` : "changed" };
    case "ignored":
    case "rescued":
      // Passing, as the run goes on; the failure it overcame is worth a line.
      return { ...base, outcome: { kind: "passed" }, systemOut: msg ? `${e.status}: ${msg}` : e.status };
    case "ok":
      return { ...base, outcome: { kind: "passed" } };
  }
}
