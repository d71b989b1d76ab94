import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeDirectories } from "../../../src/control-node/make-directories.js";
import { RunLockError, acquireRunLock } from "../../../src/control-node/run-lock.js";
import { writeProblem } from "../../../src/control-node/write-file.js";
import { run } from "../../lab/exec.js";
import { TSX, scratchDir } from "./cli-helpers.js";

const dir = scratchDir("run-lock-files");

describe("a --lock-file that cannot be a lock", () => {
  // Node's recursive mkdir never returns under /proc: the run spun at 100% CPU before doing anything.
  // In a child with a deadline, so a spin fails the test instead of hanging the test runner.
  it("under a missing /proc directory fails at once instead of spinning", async () => {
    const module = (name: string) => JSON.stringify(new URL(`../../../src/control-node/${name}.ts`, import.meta.url).pathname);
    const script = `const lock = await import(${module("run-lock")}); const write = await import(${module("write-file")});
      for (const f of [() => lock.acquireRunLock("/proc/no-such-dir/run.lock"), () => write.writeFileAtomic("/proc/no-such-dir/report.json", "{}")]) {
        try { f(); } catch (e) { console.log(e.name + ": " + e.message); }
      }`;
    const r = await run(process.execPath, ["--import", TSX, "--input-type=module", "-e", script], { allowFailure: true, timeoutMs: 30_000 });
    expect(r.stdout).toBe(
      "RunLockError: cannot use /proc/no-such-dir/run.lock as the run lock: no such file or directory (ENOENT) (choose another with --lock-file)\n" +
        "WriteFileError: cannot write /proc/no-such-dir/report.json: no such file or directory (ENOENT)\n",
    );
    expect(() => makeDirectories("/proc/no-such-dir/deeper")).toThrow(expect.objectContaining({ code: "ENOENT" }));
  }, 60_000);

  it("a kernel file is refused before anything is written to it (writing the pid to /proc/version crashed with EIO)", () => {
    expect(() => acquireRunLock("/proc/version")).toThrow("cannot use /proc/version as the run lock: it is on the kernel's proc file system");
    const pidMax = readFileSync("/proc/sys/kernel/pid_max", "utf8");
    expect(() => acquireRunLock("/proc/sys/kernel/pid_max")).toThrow(RunLockError);
    expect(readFileSync("/proc/sys/kernel/pid_max", "utf8")).toBe(pidMax);
  });

  it("a file holding anything but a pid is not emptied, and a device is refused", () => {
    const site = join(dir, "site.ts");
    writeFileSync(site, "export default 1;\n");
    expect(() => acquireRunLock(site)).toThrow(`cannot use ${site} as the run lock: it holds something other than a run's pid, so it is not a run lock`);
    expect(readFileSync(site, "utf8")).toBe("export default 1;\n");
    expect(() => acquireRunLock("/dev/null")).toThrow("cannot use /dev/null as the run lock: not a regular file");
  });

  it("a new lock in directories still to be made, and a lock holding an old pid, are taken", () => {
    const fresh = join(dir, "a/b/run.lock");
    const lock = acquireRunLock(fresh);
    expect(readFileSync(fresh, "utf8")).toBe(`${process.pid}\n`);
    lock.release();
    for (const content of ["12345\n", "\n", ""]) {
      const old = join(dir, "old.lock");
      writeFileSync(old, content);
      acquireRunLock(old).release();
      expect(readFileSync(old, "utf8")).toBe(`${process.pid}\n`);
    }
  });
});

describe("a report under /proc", () => {
  it("is refused by the check before the run", () => {
    expect(writeProblem("/proc/no-such-dir/report.json")).toBe("/proc is on the kernel's proc file system");
    mkdirSync(join(dir, "reports"));
    expect(writeProblem(join(dir, "reports/new/r.json"))).toBeUndefined();
    expect(existsSync(join(dir, "reports/new"))).toBe(false);
  });
});
