import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeDigitalOcean } from "../fake-do/index.js";
import type { AdversarialCase } from "./case.js";
import { CASES } from "./cases/index.js";
import { ENTRY } from "../cli-entry.js";
import { type CaseOutcome, type Workspace, createWorkspace, runCase } from "./harness/run-case.js";
import { DO_TOKEN, type RawServer, startDigitalOcean, startRawServer } from "./harness/servers.js";
import { localSite } from "./harness/site-source.js";
import { KNOWN_FAILURES } from "./known-failures.js";

// The standing adversarial suite: every bad input of cases/ given to the real CLI in a scratch
// directory, judged on exit code, message, absence of stack traces, nothing run or changed, and
// (hostile inputs) time and memory. Cases listed in known-failures.ts must still fail: one that
// starts passing fails the suite until it is taken off the list.

let ws: Workspace;
let fakeDo: FakeDigitalOcean;
let raw: RawServer;
const outcomes = new Map<string, CaseOutcome>();
const placeholders = () => ({ DO_URL: fakeDo.url, DO_TOKEN, RAW_URL: raw.url });

beforeAll(async () => {
  ws = createWorkspace();
  [fakeDo, raw] = await Promise.all([startDigitalOcean(), startRawServer()]);
});

afterAll(async () => {
  await Promise.all([fakeDo?.close(), raw?.close()]);
  if (ws) rmSync(ws.root, { recursive: true, force: true });
  const all = [...outcomes.entries()];
  const n = (f: (o: CaseOutcome, id: string) => boolean) => all.filter(([id, o]) => f(o, id)).length;
  const payloads = CASES.filter((c) => outcomes.has(c.id)).reduce((sum, c) => sum + (c.payloads ?? 0), 0);
  const known = n((o, id) => id in KNOWN_FAILURES && o.verdict.violations.length > 0);
  // ADVERSARIAL_REPORT=FILE keeps every case's verdict and output, for triage.
  if (process.env.ADVERSARIAL_REPORT) {
    const report = all.map(([id, o]) => ({ id, known: KNOWN_FAILURES[id], ...o.verdict, code: o.run.code, wallMs: o.run.wallMs, peakRssKiB: o.run.peakRssKiB, stdout: o.run.stdout.slice(-4000), stderr: o.run.stderr.slice(-4000) }));
    writeFileSync(process.env.ADVERSARIAL_REPORT, JSON.stringify(report, null, 2));
  }
  process.stdout.write(
    `adversarial (${ENTRY.kind}): ${all.length} inputs, ${n((o) => o.verdict.clear)} clear, ${payloads} injection payloads, ` +
      `${n((o) => o.verdict.stackTrace)} with stack trace, ${n((o) => o.verdict.overBounds)} over time/memory bounds, ` +
      `${n((o) => o.verdict.changed)} ran or changed something, ${known} known failures still failing, ` +
      `${n((o, id) => !(id in KNOWN_FAILURES) && o.verdict.violations.length > 0)} new failures\n`,
  );
  const waiting = new Map<string, number>();
  for (const [id, o] of all) {
    const defect = KNOWN_FAILURES[id];
    if (defect !== undefined && o.verdict.violations.length > 0) waiting.set(defect, (waiting.get(defect) ?? 0) + 1);
  }
  for (const [defect, cases] of waiting) process.stdout.write(`  waiting for a fix (${cases}): ${defect}\n`);
});

/** Commands the cases run on this machine (the local connection's host), with their Debian package. */
const COMMANDS: Record<string, string> = {
  curl: "curl",
  unzip: "unzip",
  tar: "tar",
  sysctl: "procps",
  getent: "libc-bin",
  "apt-cache": "apt",
  "debconf-communicate": "debconf",
  flock: "util-linux",
  bash: "bash",
};

describe("the machine", () => {
  it("has the commands the cases run on it", () => {
    const missing = Object.entries(COMMANDS).filter(([cmd]) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status !== 0);
    expect(missing.map(([cmd, pkg]) => `${cmd} (Debian package ${pkg})`)).toEqual([]);
  });
});

describe("the case table", () => {
  it("lists as known failures only cases that exist", () => {
    const ids = new Set(CASES.map((c) => c.id));
    expect(Object.keys(KNOWN_FAILURES).filter((id) => !ids.has(id))).toEqual([]);
  });

  it("has unique case ids", () => {
    const seen = new Set<string>();
    const dup = CASES.map((c) => c.id).filter((id) => (seen.has(id) ? true : (seen.add(id), false)));
    expect(dup).toEqual([]);
  });
});

describe("the harness", () => {
  // A positive control through the real CLI: a site that does run a payload (a shell task that
  // touches MARK, relative to the local shell's working directory) and has no error at all.
  it("sees a run that went ahead and a payload that ran", async () => {
    const control: AdversarialCase = {
      id: "control/payload-ran",
      kind: "config",
      files: localSite({ tasks: 'await h.shell({ cmd: "touch MARK" });' }),
      argv: ["site.ts", "--no-typecheck"],
      exit: 1,
      message: /ERROR/,
    };
    const { verdict } = await runCase(control, ws, placeholders());
    expect(verdict.violations).toEqual([
      "exit code 0, expected 1",
      "the output does not match /ERROR/",
      "the sentinel task ran: the run went ahead on bad input",
      "an injection payload ran: MARK exists",
    ]);
  });
});

/**
 * Hostile cases are judged on their own time and memory: they run one at a time, so that two
 * 20 MB inputs parsed side by side on a 2-core machine (the GC starved of CPU) do not push each
 * other over the bounds. The other cases still run beside them.
 */
let hostileTurn: Promise<unknown> = Promise.resolve();
function alone<T>(fn: () => Promise<T>): Promise<T> {
  const run = hostileTurn.then(fn, fn);
  hostileTurn = run.catch(() => undefined);
  return run;
}

describe.concurrent("bad input is refused clearly and changes nothing", () => {
  for (const c of CASES) {
    it(c.id, async () => {
      const outcome = c.hostile === true ? await alone(() => runCase(c, ws, placeholders())) : await runCase(c, ws, placeholders());
      outcomes.set(c.id, outcome);
      const { violations } = outcome.verdict;
      const shown = `${c.id}: ${violations.join("\n  ")}\n--- stdout ---\n${outcome.run.stdout.slice(-3000)}\n--- stderr ---\n${outcome.run.stderr.slice(-3000)}`;
      const known = KNOWN_FAILURES[c.id];
      if (known === undefined) expect(violations, shown).toEqual([]);
      else expect(violations, `${c.id} is a known failure (${known}) that now passes: take it off test/adversarial/known-failures.ts`).not.toEqual([]);
    });
  }
});
