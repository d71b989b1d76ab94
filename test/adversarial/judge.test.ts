import { describe, expect, it } from "vitest";
import type { AdversarialCase } from "./case.js";
import { judge } from "./harness/judge.js";
import type { CliRun } from "./harness/run-cli.js";
import type { Snapshot } from "./harness/scratch.js";

// The judge on made-up runs: each kind of violation the suite relies on is actually reported,
// so a case cannot pass because the check behind it never fires.

const base: AdversarialCase = { id: "t/config", kind: "config", files: {}, argv: [], exit: 1, message: /bad\.yml:3/ };
const run = (over: Partial<CliRun> = {}): CliRun => ({ code: 1, stdout: "", stderr: "ERROR: /x/bad.yml:3:1: invalid YAML\n", wallMs: 100, peakRssKiB: 50_000, ...over });
const snap = (entries: Record<string, string> = {}): Snapshot => new Map(Object.entries({ "hosts.yml": "file 644 0:0 1 aa", ...entries }));
const verdict = (c: Partial<AdversarialCase>, r: Partial<CliRun> = {}, after: Record<string, string> = {}) =>
  judge({ ...base, ...c }, run(r), snap(), snap(after), (t) => t);

describe("the judge", () => {
  it("passes a clear refusal that changed nothing", () => {
    expect(verdict({}).violations).toEqual([]);
  });

  it("reports a wrong exit code, a message that does not say where, and a kill", () => {
    expect(verdict({}, { code: 0 }).violations).toEqual(["exit code 0, expected 1"]);
    expect(verdict({}, { stderr: "ERROR: something is wrong\n" }).violations).toEqual(["the output does not match /bad\\.yml:3/"]);
    expect(verdict({}, { code: null, killed: "killed: still running after 35 s" }).violations).toContain("killed: still running after 35 s");
  });

  it("reports a Node stack trace and raw JavaScript errors", () => {
    const trace = "ERROR: bad.yml:3 x\n    at toValue (file:///x/dist/inventory/yaml-document.js:140:24)\n";
    expect(verdict({}, { stderr: trace }).stackTrace).toBe(true);
    expect(verdict({}, { stderr: "bad.yml:3 TypeError: x is not a function\n" }).stackTrace).toBe(true);
    expect(verdict({}, { stderr: "node:internal/modules/run_main:123\nbad.yml:3\n" }).stackTrace).toBe(true);
  });

  it("reports a message printed twice, a forbidden text, and megabytes of output", () => {
    expect(verdict({ once: /bad\.yml:3/ }, { stderr: "bad.yml:3 a\nbad.yml:3 a\n" }).violations).toEqual(["/bad\\.yml:3/ appears 2 times, expected once"]);
    expect(verdict({ absent: /s3cret/ }, { stdout: "pw=s3cret\n" }).violations).toEqual(["the output contains /s3cret/"]);
    expect(verdict({}, { stdout: "x".repeat(70_000) }).violations[0]).toMatch(/bytes of output/);
  });

  it("reports the sentinel of a configuration error, a payload's MARK and any stray change", () => {
    expect(verdict({}, {}, { SENTINEL: "file 644 0:0 0 e3" }).violations).toEqual(["the sentinel task ran: the run went ahead on bad input"]);
    expect(verdict({ kind: "task", exit: 1 }, {}, { "t/MARK2": "file 644 0:0 0 e3" }).violations).toEqual(["an injection payload ran: t/MARK2 exists"]);
    expect(verdict({}, {}, { "outside/x": "file 644 0:0 1 bb" }).violations).toEqual(["files changed that must not have: outside/x (created: file 644 0:0 1 bb)"]);
    // A literal file name that merely contains MARK is the literal effect, not a payload's.
    expect(verdict({ kind: "task", mayChange: ["t/$(touch MARK)"] }, {}, { "t/$(touch MARK)": "file 644 0:0 0 e3" }).violations).toEqual([]);
  });

  it("allows only the paths a task case names, and requires its literal effect", () => {
    const c: Partial<AdversarialCase> = { kind: "task", exit: 0, message: /ok/, mayChange: ["t/a", { prefix: "t/b." }], literal: ["t/a"] };
    expect(verdict(c, { code: 0, stdout: "ok\n" }, { "t/a": "file 644 0:0 1 cc", "t/b.1~": "file 644 0:0 1 dd" }).violations).toEqual([]);
    expect(verdict(c, { code: 0, stdout: "ok\n" }, { "t/c": "file 644 0:0 1 cc" }).violations).toEqual([
      "files changed that must not have: t/c (created: file 644 0:0 1 cc)",
      "the task did not do the literal thing: t/a missing",
    ]);
  });

  it("holds hostile inputs to 30 s and 1 GiB", () => {
    const v = verdict({ hostile: true }, { wallMs: 31_000, peakRssKiB: 1_100_000 });
    expect(v.overBounds).toBe(true);
    expect(v.violations).toEqual(["took 31.0 s, more than 30 s", "peak resident memory 1074 MiB, more than 1024 MiB"]);
  });
});
