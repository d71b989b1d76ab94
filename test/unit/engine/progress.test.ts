import { describe, expect, it } from "vitest";
import { ProgressLine } from "../../../src/report/progress.js";

describe("the progress line", () => {
  it("counts finished hosts and tasks of the current play, redrawn in place, erased at play end", () => {
    let out = "";
    const p = new ProgressLine((s) => (out += s));
    p.handle({ type: "play-start", play: "web", hosts: ["a", "b"], check: false });
    p.handle({ type: "task-end", play: "web", host: "a", task: "t", module: "file", status: "ok", startedAt: 0, durationMs: 1 });
    p.handle({ type: "host-end", play: "web", host: "a" });
    expect(out).toBe("\r\x1b[K[web] 0/2 hosts done, 0 tasks\r\x1b[K[web] 0/2 hosts done, 1 tasks\r\x1b[K[web] 1/2 hosts done, 1 tasks");
    out = "";
    p.handle({ type: "play-end", play: "web" });
    expect(out).toBe("\r\x1b[K");
    out = "";
    p.clear();
    expect(out).toBe("");
  });
});
