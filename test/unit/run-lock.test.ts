import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RunLockBusy, acquireRunLock } from "../../src/control-node/run-lock.js";
import { run } from "../lab/exec.js";

const bin = new URL("../../bin/do-converge.js", import.meta.url).pathname;
const DSL = new URL("../../src/index.ts", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "dcv-run-lock-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (args: string[]) => run(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, allowFailure: true });

describe("the run lock", () => {
  it("is exclusive, also within one process, and free again once released", () => {
    const file = join(dir, "a.lock");
    const first = acquireRunLock(file);
    expect(() => acquireRunLock(file)).toThrow(RunLockBusy);
    expect(() => acquireRunLock(file)).toThrow(`another do-converge run holds ${file} (pid ${process.pid})`);
    first.release();
    acquireRunLock(file).release();
  });

  it("is freed when its holder is killed (-9): the kernel drops it with the process", async () => {
    const file = join(dir, "killed.lock");
    const holder = spawn(process.execPath, ["--import", "tsx", "-e", `import("${new URL("../../src/control-node/run-lock.ts", import.meta.url).pathname}").then((m) => { m.acquireRunLock(${JSON.stringify(file)}); console.log("locked"); setInterval(() => {}, 1000); })`], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => holder.stdout.on("data", () => resolve()));
    expect(() => acquireRunLock(file)).toThrow(RunLockBusy);
    holder.kill("SIGKILL");
    await new Promise((r) => holder.on("close", r));
    acquireRunLock(file).release();
  }, 30_000);
});

describe("a lock handed to a child", () => {
  // What the git hook does: it holds the lock while it checks out a revision, then the converge
  // it starts runs under that same lock (fd 3 and DO_CONVERGE_INHERITED_LOCK), not against it.
  const child = (file: string, fd: number, env: Record<string, string>) =>
    new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ["--import", "tsx", "-e", `import("${new URL("../../src/control-node/run-lock.ts", import.meta.url).pathname}").then((m) => { try { m.acquireRunLock(${JSON.stringify(file)}); console.log("locked"); } catch (e) { console.log(e.name); } })`], {
        stdio: ["ignore", "pipe", "inherit", fd],
        env: { ...process.env, ...env },
      });
      let out = "";
      c.stdout?.on("data", (d: Buffer) => (out += d.toString()));
      c.on("error", reject);
      c.on("close", () => resolve(out.trim()));
    });

  it("is the child's with the variable naming the file, and busy without it or for another file", async () => {
    const file = join(dir, "handed.lock");
    const other = join(dir, "other.lock");
    writeFileSync(other, "");
    const held = acquireRunLock(file);
    try {
      expect(await child(file, held.fd, { DO_CONVERGE_INHERITED_LOCK: file })).toBe("locked");
      expect(await child(file, held.fd, {})).toBe("RunLockBusy");
      // fd 3 must be the named file: a lock of another file is not taken for it.
      const otherLock = acquireRunLock(other);
      expect(await child(file, otherLock.fd, { DO_CONVERGE_INHERITED_LOCK: file })).toBe("RunLockBusy");
      otherLock.release();
    } finally {
      held.release();
    }
  }, 60_000);
});

describe("runs of one site", () => {
  const marker = join(dir, "marker");
  writeFileSync(join(dir, "hosts.yml"), "all:\n  hosts:\n    localhost: { ansible_connection: local }\n");
  writeFileSync(
    join(dir, "slow.ts"),
    `import { play, site } from "${DSL}";
export default site({ plays: [play({ name: "slow", hosts: "all", gatherFacts: false, tasks: async (h) => {
  await h.command({ argv: ["sleep", "3"] }, { changedWhen: false });
} })] });
`,
  );
  writeFileSync(
    join(dir, "drift.ts"),
    `import { play, site } from "${DSL}";
export default site({ plays: [play({ name: "drift", hosts: "all", gatherFacts: false, tasks: async (h) => {
  await h.file({ path: ${JSON.stringify(marker)}, state: "touch", mode: "0644" });
} })] });
`,
  );
  const common = ["-i", "hosts.yml", "--no-typecheck", "--lock-file", join(dir, "site.lock")];

  it("never overlap: a second run started during the first exits at once with code 8 and says why", async () => {
    const first = cli(["slow.ts", ...common]);
    // The first run holds the lock once its pid is in the lock file.
    for (let i = 0; i < 200 && !(existsSync(join(dir, "site.lock")) && readFileSync(join(dir, "site.lock"), "utf8").trim() !== ""); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const second = await cli(["slow.ts", ...common]);
    expect(second.code).toBe(8);
    expect(second.stderr).toMatch(/^ERROR: another do-converge run holds .*site\.lock \(pid \d+\): not starting a second one\n$/);
    expect(second.stdout).toBe("");
    expect((await first).code).toBe(0);
    // And the lock is free afterwards.
    expect((await cli(["slow.ts", ...common])).code).toBe(0);
  }, 60_000);

  it("--detect-drift exits 3 when something changed and 0 when nothing did; the JSON report lists the drift", async () => {
    rmSync(marker, { force: true });
    const report = join(dir, "drift.json");
    const drifted = await cli(["drift.ts", ...common, "--detect-drift", "--json", report]);
    expect(drifted.code, drifted.stdout + drifted.stderr).toBe(3);
    expect(JSON.parse(readFileSync(report, "utf8")).drift).toEqual({ detected: true, tasks: [{ host: "localhost", task: `file ${marker}` }] });
    // touch with a mode is idempotent once the file is there: no drift.
    const clean = await cli(["drift.ts", ...common, "--detect-drift", "--json", report]);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(JSON.parse(readFileSync(report, "utf8")).drift).toEqual({ detected: false, tasks: [] });
    // Without the flag a change is a success, as always.
    rmSync(marker);
    expect((await cli(["drift.ts", ...common])).code).toBe(0);
  }, 60_000);
});
