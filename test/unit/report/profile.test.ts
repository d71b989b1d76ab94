import { describe, expect, it } from "vitest";
import { JsonReporter } from "../../../src/report/json.js";
import { TaskProfile } from "../../../src/report/profile.js";
import { TerminalReporter } from "../../../src/report/terminal.js";
import type { RunEvent } from "../../../src/runner/events.js";
import { emptyStats } from "../../../src/runner/stats.js";
import { taskEnd } from "./events.js";

const run: RunEvent[] = [
  { type: "play-start", play: "web", hosts: ["a", "b", "c"], check: false },
  taskEnd({ host: "a", task: "Gathering Facts", durationMs: 300 }),
  taskEnd({ host: "b", task: "Gathering Facts", durationMs: 500 }),
  taskEnd({ host: "c", task: "Gathering Facts", durationMs: 400 }),
  taskEnd({ host: "a", task: "apt install", durationMs: 9000 }),
  taskEnd({ host: "b", task: "apt install", durationMs: 2000, status: "changed" }),
  taskEnd({ host: "a", task: "small", durationMs: 100 }),
  // The same name twice on one host: two runs, one host.
  taskEnd({ host: "a", task: "small", durationMs: 100 }),
  taskEnd({ host: "a", task: "restart", durationMs: 700, handler: true }),
  taskEnd({ host: "a", task: "tie", durationMs: 200 }),
  { type: "play-end", play: "web" },
  { type: "play-start", play: "db", hosts: ["d"], check: false },
  taskEnd({ play: "db", host: "d", task: "Gathering Facts", durationMs: 1200 }),
  { type: "play-end", play: "db" },
];

function profiled(events: RunEvent[]): TaskProfile {
  const p = new TaskProfile();
  for (const e of events) p.handle(e);
  return p;
}

describe("the task profile", () => {
  it("sums and maxes each task's time over hosts, slowest first, a task being its play and name", () => {
    expect(profiled(run).entries()).toEqual([
      { play: "web", task: "apt install", hosts: 2, runs: 2, total_ms: 11000, max_ms: 9000 },
      // Equal sums: the one that kept a host waiting longer first.
      { play: "db", task: "Gathering Facts", hosts: 1, runs: 1, total_ms: 1200, max_ms: 1200 },
      { play: "web", task: "Gathering Facts", hosts: 3, runs: 3, total_ms: 1200, max_ms: 500 },
      { play: "web", task: "restart", handler: true, hosts: 1, runs: 1, total_ms: 700, max_ms: 700 },
      { play: "web", task: "tie", hosts: 1, runs: 1, total_ms: 200, max_ms: 200 },
      { play: "web", task: "small", hosts: 1, runs: 2, total_ms: 200, max_ms: 100 },
    ]);
  });

  it("breaks ties on the maximum, then keeps first-run order", () => {
    const ties = profiled([taskEnd({ host: "a", task: "x", durationMs: 50 }), taskEnd({ host: "b", task: "x", durationMs: 50 }), taskEnd({ host: "a", task: "y", durationMs: 100 }), taskEnd({ host: "a", task: "z", durationMs: 100 })]);
    expect(ties.entries().map((e) => e.task)).toEqual(["y", "z", "x"]);
  });

  it("prints the top N after the recap, like profile_tasks", () => {
    let out = "";
    const t = new TerminalReporter({ write: (s) => (out += s), color: false, verbosity: 0, diff: false });
    t.profile(profiled(run).entries(), 3);
    expect(out).toBe(
      [
        "",
        `TASK PROFILE (slowest 3 of 6) ${"*".repeat(49)}`,
        "   11.00s total     9.00s max  2 hosts   web : apt install",
        "    1.20s total     1.20s max  1 host    db : Gathering Facts",
        "    1.20s total     0.50s max  3 hosts   web : Gathering Facts",
        "",
      ].join("\n"),
    );
    out = "";
    t.profile(profiled(run).entries(), 20);
    expect(out).toContain("TASK PROFILE (slowest 6 of 6)");
    expect(out).toContain("web : handler: restart\n");
  });

  it("is in the JSON report under `profile`, every task, the other fields unchanged", () => {
    const json = new JsonReporter();
    for (const e of run) json.handle(e);
    const report = json.report(new Map([["a", emptyStats()]]), { check: false, exitCode: 0 });
    expect(Object.keys(report)).toEqual(["started", "duration_ms", "check", "drift", "exit_code", "peak_rss_mb", "plays", "recap", "tasks", "warnings", "profile", "retries"]);
    expect(report.profile).toEqual(profiled(run).entries());
    expect(report.tasks).toHaveLength(10);
    expect(report.tasks[0]).toEqual({ play: "web", host: "a", task: "Gathering Facts", module: "file", status: "ok", changed: false, duration_ms: 300 });
  });
});
