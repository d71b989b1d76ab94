import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "./availability.js";
import { AS_NOBODY, CLI_TOPOLOGY, labCli, stackFrames, stderrLines } from "./fixtures/run-cli.js";
import { Lab } from "./lab.js";
import { labPaths } from "./paths.js";
import { NO_TRACES, labFootprint, labTraces, runningHosts } from "./traces.js";

// `npm run lab` on a one-host lab of its own (fixtures/cli-topology.yml) while the default lab
// may be running for other tests: -t picks the topology wherever it is written, up/status/down
// act on that topology's lab only, and a non-root user gets one line, not a stack trace.

const skip = labSkipReason();

describe.skipIf(skip !== undefined)("npm run lab -- -t TOPOLOGY acts on that topology's lab only", () => {
  const lab = Lab.fromFile(CLI_TOPOLOGY);
  const defaultLab = Lab.fromFile();
  let before: Awaited<ReturnType<typeof labFootprint>>;

  beforeAll(async () => {
    before = await labFootprint(defaultLab);
  });

  afterAll(async () => {
    await lab.down();
  });

  it("keeps its state beside the default lab's, named after its bridge: its own state, lock and apt cache", () => {
    const root = labPaths().cacheDir;
    expect(lab.paths.stateDir).toBe(`${root}/lab-dccli0`);
    expect(lab.paths.lockFile).toBe(`${root}/lab-dccli0.lock`);
    expect(lab.paths.aptCacheDir).toBe(`${root}/apt-cacher-ng-lab-dccli0`);
    expect(defaultLab.paths.stateDir).toBe(`${root}/state`);
    expect(defaultLab.paths.lockFile).toBe(`${root}/lab.lock`);
  });

  it("up (with -t before the command) boots exactly its hosts", async () => {
    const r = await labCli(["-t", CLI_TOPOLOGY, "up"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^cli1 +10\.81\.0\.10 +up\n$/);
    const t = await labTraces(lab);
    expect(t.bridge).toBe(true);
    expect(t.links).toEqual(["vb-cli1"]);
    expect(Object.keys(runningHosts(lab))).toEqual(["cli1"]);
    expect(existsSync(lab.paths.lockFile)).toBe(false);
    expect(existsSync(lab.paths.aptCacheDir)).toBe(true);
  });

  it("status (with -t after the command) shows its hosts and nothing of the default lab", async () => {
    const r = await labCli(["status", "-t", CLI_TOPOLOGY]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^bridge present\ncli1 +10\.81\.0\.10 +running ssh=yes\n$/);
  });

  it("ssh passes the command's own options on to the host", async () => {
    const r = await labCli(["-t", CLI_TOPOLOGY, "ssh", "cli1", "sudo", "-n", "hostname"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("cli1\n");
    const ls = await labCli(["-t", CLI_TOPOLOGY, "ssh", "cli1", "--", "ls", "-d", "-t", "/etc"]);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toBe("/etc\n");
  });

  it("as a user other than root, up and down refuse in one line and change nothing", async () => {
    const running = runningHosts(lab);
    for (const cmd of ["up", "down"]) {
      const r = await labCli(["-t", CLI_TOPOLOGY, cmd], { prefix: AS_NOBODY });
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(1);
      expect(stderrLines(r), cmd).toHaveLength(1);
      expect(r.stderr, cmd).toMatch(/^lab: error: .*needs root/);
      expect(r.stderr, cmd).not.toContain("EACCES");
      expect(stackFrames(r.stderr + r.stdout), cmd).toEqual([]);
    }
    const up = await labCli(["-t", CLI_TOPOLOGY, "up"], { prefix: AS_NOBODY });
    expect(up.stderr).toContain(`run it as root: sudo npm run lab -- -t ${CLI_TOPOLOGY} up`);
    expect(runningHosts(lab)).toEqual(running);
  });

  it("down stops its hosts and leaves no trace of them; the default lab runs on untouched", async () => {
    const r = await labCli(["-t", CLI_TOPOLOGY, "down"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("lab: stopping cli1\n");
    expect(await labTraces(lab)).toEqual(NO_TRACES);
    expect(await labFootprint(defaultLab)).toEqual(before);

    const s = await labCli(["status", "-t", CLI_TOPOLOGY]);
    expect(s.code).toBe(1);
    expect(s.stdout).toMatch(/^bridge absent\ncli1 +10\.81\.0\.10 +stopped ssh=no\n$/);
  });

  it("usage errors and a missing topology file are one line each, exit 1", async () => {
    const unknown = await labCli(["-t", CLI_TOPOLOGY, "reboot"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown command 'reboot'\n/);
    const missing = await labCli(["-t", "/nonexistent/topology.yml", "status"]);
    expect(missing.code).toBe(1);
    expect(stderrLines(missing)).toEqual(["lab: error: /nonexistent/topology.yml: cannot read topology: ENOENT: no such file or directory, open '/nonexistent/topology.yml'"]);
    for (const r of [unknown, missing]) expect(stackFrames(r.stderr + r.stdout)).toEqual([]);
  });
});
