import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "./availability.js";
import { CLI_TOPOLOGY, REPO } from "./fixtures/run-cli.js";
import { guardLab } from "./guard.js";
import { Lab } from "./lab.js";
import { waitUntil } from "./net.js";
import { cmdline } from "./processes.js";
import { NO_TRACES, labFootprint, labTraces } from "./traces.js";

// A run that owns a lab and is stopped from outside takes its hosts down: the benchmark stopped
// by SIGTERM to its process group (what `timeout` sends), a vitest run with the e2e's wiring
// stopped by SIGINT to its group (Ctrl-C). Both on the one-host lab of fixtures/cli-topology.yml,
// with the default lab running beside it untouched.

const skip = labSkipReason();

interface Job {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts node with `args` in its own process group (as a shell starts a job), collecting its output. */
function startJob(args: string[], env: NodeJS.ProcessEnv = {}): Job {
  // A nested vitest must not take itself for a worker of this one.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST")));
  const child = spawn(process.execPath, args, { cwd: REPO, detached: true, env: { ...base, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => text, exited };
}

/** Guard processes of a lab, found by their state directory argument. */
function guardPids(stateDir: string): number[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((p) => {
      const argv = cmdline(p);
      return argv.some((a) => a.endsWith("guard-daemon.ts")) && argv.includes(stateDir);
    });
}

const sizeOf = (file: string) => (existsSync(file) ? statSync(file).size : 0);
const logSince = (file: string, offset: number) => (existsSync(file) ? readFileSync(file, "utf8").slice(offset) : "");

describe.skipIf(skip !== undefined)("a run stopped by a signal takes its lab's hosts down", () => {
  const lab = Lab.fromFile(CLI_TOPOLOGY);
  const defaultLab = Lab.fromFile();
  let before: Awaited<ReturnType<typeof labFootprint>>;

  beforeAll(async () => {
    await lab.down();
    before = await labFootprint(defaultLab);
  });

  afterAll(async () => {
    await lab.down();
  });

  /** Waits until the job's lab answers SSH, stops the job's process group with `sig`, waits for the guard to finish. */
  async function stopWhenUp(job: Job, sig: NodeJS.Signals, what: string): Promise<string> {
    const logStart = sizeOf(lab.paths.guardLog);
    const up = await waitUntil(async () => (await lab.status()).hosts.every((h) => h.ssh), 300_000, 500);
    expect(up, `the lab did not come up under ${what}:\n${job.output()}`).toBe(true);
    expect(job.child.exitCode, `${what} ended before it was stopped:\n${job.output()}`).toBe(null);
    expect(guardPids(lab.paths.stateDir)).toHaveLength(1);

    process.kill(-(job.child.pid as number), sig);
    await job.exited;
    const gone = await waitUntil(async () => JSON.stringify(await labTraces(lab)) === JSON.stringify(NO_TRACES), 120_000, 500);
    expect(gone, `${what}: left ${JSON.stringify(await labTraces(lab))}; guard log:\n${logSince(lab.paths.guardLog, logStart)}`).toBe(true);
    await waitUntil(async () => guardPids(lab.paths.stateDir).length === 0, 30_000, 200);
    expect(guardPids(lab.paths.stateDir)).toEqual([]);
    expect(await labFootprint(defaultLab)).toEqual(before);
    return logSince(lab.paths.guardLog, logStart);
  }

  it("npm run bench stopped by SIGTERM (timeout): its guard takes its hosts down", async () => {
    const job = startJob(["--import", "tsx", "test/bench/run.ts", "--topology", CLI_TOPOLOGY, "--workload", "files10", "--rounds", "1"]);
    const log = await stopWhenUp(job, "SIGTERM", "npm run bench");
    expect(log).toMatch(/guarding npm run bench \(pid \d+\): cli1 on dccli0\n/);
    expect(log).toMatch(/npm run bench \(pid \d+\) ended without taking its hosts down: taking down dccli0\n/);
    expect(log).toContain("done: hosts, bridge and state removed\n");
  });

  it("a vitest run with the e2e's wiring stopped by SIGINT (Ctrl-C): its guard takes its hosts down", async () => {
    const job = startJob(["node_modules/vitest/vitest.mjs", "run", "--config", "test/lab/fixtures/guarded/vitest.config.ts"], { GUARDED_TOPOLOGY: CLI_TOPOLOGY });
    const log = await stopWhenUp(job, "SIGINT", "the guarded vitest run");
    expect(log).toMatch(/guarded fixture \(pid \d+\) ended without taking its hosts down: taking down dccli0\n/);
    expect(log).toContain("done: hosts, bridge and state removed\n");
  });

  it("a released guard leaves and takes nothing down", async () => {
    const logStart = sizeOf(lab.paths.guardLog);
    const guard = await guardLab(lab, "released run");
    expect(guardPids(lab.paths.stateDir)).toHaveLength(1);
    guard.release();
    expect(await waitUntil(async () => guardPids(lab.paths.stateDir).length === 0, 30_000, 200)).toBe(true);
    const log = logSince(lab.paths.guardLog, logStart);
    expect(log).toMatch(/released by released run\n/);
    expect(log).not.toContain("taking down");
  });
});
