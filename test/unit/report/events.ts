import type { TaskEnd } from "../../../src/runner/events.js";

/** A task-end event as the runner emits it; tests override what they are about. */
export const taskEnd = (o: Partial<TaskEnd> & Pick<TaskEnd, "host" | "task">): TaskEnd => ({
  type: "task-end",
  play: "web",
  module: "file",
  status: "ok",
  startedAt: 0,
  durationMs: 10,
  ...o,
});
