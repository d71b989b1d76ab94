import { spawnSync } from "node:child_process";
import { chmodSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { apt } from "../../../src/modules/apt.js";
import { withPolicyRcD } from "../../../src/modules/policy-rc-d.js";
import { scratchDir } from "../safety/cli-helpers.js";

// apt's policy_rc_d: the wrapper run by a real /bin/sh on a policy file in a scratch directory.

const dir = scratchDir("policy-rc-d");
const path = join(dir, "policy-rc.d");
/** The wrapped script reports what the policy says while it runs, then exits with `rc`. */
const run = (rc: number) => spawnSync("/bin/sh", ["-c", withPolicyRcD(`cat ${path}; stat -c %a ${path}; sh ${path} x start; echo "policy says $?"; exit ${rc}`, 101, path)], { encoding: "utf8" });

describe("apt policy_rc_d", () => {
  it("the schema: an exit code, optional", () => {
    expect(apt.args.parse({ name: "x", policy_rc_d: 101 }).policy_rc_d).toBe(101);
    expect(apt.args.parse({ name: "x" }).policy_rc_d).toBeUndefined();
    for (const bad of [-1, 256, "101", 1.5]) expect(apt.args.safeParse({ name: "x", policy_rc_d: bad }).success, String(bad)).toBe(false);
  });

  it("no policy before: one exits 101 while the script runs, and none after; the script's exit code is kept", () => {
    const r = run(3);
    expect(r.status).toBe(3);
    expect(r.stdout).toBe("#!/bin/sh\nexit 101\n755\npolicy says 101\n");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a policy before: moved aside for the run, then put back as it was", () => {
    writeFileSync(path, "#!/bin/sh\nexit 0\n");
    chmodSync(path, 0o700);
    const r = run(0);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe("#!/bin/sh\nexit 101\n755\npolicy says 101\n");
    expect(readFileSync(path, "utf8")).toBe("#!/bin/sh\nexit 0\n");
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual(["policy-rc.d"]);
  });

  it("a policy that cannot be written fails before the script runs (exit 10, named)", () => {
    const r = spawnSync("/bin/sh", ["-c", withPolicyRcD("echo ran", 101, join(dir, "no-such-dir", "policy-rc.d"))], { encoding: "utf8" });
    expect(r.status).toBe(10);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`cannot write ${join(dir, "no-such-dir", "policy-rc.d")}`);
  });
});
