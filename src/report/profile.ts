import type { RunEvent } from "../runner/events.js";

/** One task's time over the hosts it ran on, as `--profile` prints it and the JSON report's `profile` lists it. */
export interface ProfileEntry {
  play: string;
  task: string;
  handler?: boolean;
  /** Distinct hosts the task ran on. */
  hosts: number;
  /** Task results summed: more than hosts when a task name repeats on a host (the same name twice, a loop). */
  runs: number;
  total_ms: number;
  max_ms: number;
}

/**
 * Per-task timing, like Ansible's profile_tasks: a task is its play and name (Gathering Facts in
 * two plays is two tasks), its time the sum over hosts (what it cost in total) and the maximum
 * (what it made the slowest host wait).
 */
export class TaskProfile {
  private readonly byKey = new Map<string, { entry: ProfileEntry; hosts: Set<string> }>();

  handle = (e: RunEvent): void => {
    if (e.type !== "task-end") return;
    const key = JSON.stringify([e.play, e.task, e.handler === true]);
    let slot = this.byKey.get(key);
    if (!slot) {
      const entry: ProfileEntry = { play: e.play, task: e.task, ...(e.handler ? { handler: true } : {}), hosts: 0, runs: 0, total_ms: 0, max_ms: 0 };
      slot = { entry, hosts: new Set() };
      this.byKey.set(key, slot);
    }
    slot.hosts.add(e.host);
    slot.entry.hosts = slot.hosts.size;
    slot.entry.runs++;
    slot.entry.total_ms += e.durationMs;
    slot.entry.max_ms = Math.max(slot.entry.max_ms, e.durationMs);
  };

  /** Slowest first (summed time, then the maximum); ties keep the order the tasks first ran in. */
  entries(): ProfileEntry[] {
    return [...this.byKey.values()].map((s) => ({ ...s.entry })).sort((a, b) => b.total_ms - a.total_ms || b.max_ms - a.max_ms);
  }
}
