import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run as exec } from "../../lab/exec.js";

// The built CLI, as a timer runs it (npm run build first, as for the other CLI tests).
const bin = new URL("../../../bin/do-converge.js", import.meta.url).pathname;
const DSL = new URL("../../../src/index.ts", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "dcv-schedule-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd = dir) => exec(cmd, args, { cwd, env: { ...process.env, NO_COLOR: "1" }, allowFailure: true });
const cli = (args: string[]) => run(process.execPath, [bin, ...args]);

const site = join(dir, "infra", "site.ts");
const marker = join(dir, "marker");
mkdirSync(join(dir, "infra"));
writeFileSync(join(dir, "infra", "hosts.yml"), "all:\n  hosts:\n    localhost: { ansible_connection: local }\n");
writeFileSync(
  site,
  `import { play, site } from "${DSL}";
export default site({ plays: [play({ name: "marker", hosts: "all", gatherFacts: false, tasks: async (h) => {
  await h.file({ path: ${JSON.stringify(marker)}, state: "touch", mode: "0644" });
} })] });
`,
);

describe("schedule install|status|remove with systemd units (files only: no systemd here)", () => {
  const units = join(dir, "units");
  const place = ["--backend", "systemd", "--unit-dir", units, "--no-manage"];

  it("installs the two units, shows them in status, removes exactly them", async () => {
    const pass = join(dir, "password");
    writeFileSync(pass, "never-on-a-command-line\n", { mode: 0o600 });
    const inst = await cli(["schedule", "install", site, "--every", "30m", "--random-delay", "2m", "--password-file", pass, "--report-dir", join(dir, "reports"), ...place]);
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.stdout).toContain("installed schedule infra (systemd): converge");
    expect(readdirSync(units).sort()).toEqual(["do-converge-infra.service", "do-converge-infra.timer"]);
    const service = readFileSync(join(units, "do-converge-infra.service"), "utf8");
    expect(service).toContain(`Environment="DO_CONVERGE_PASSWORD_FILE=${pass}"`);
    expect(service + inst.stdout).not.toContain("never-on-a-command-line");
    writeFileSync(join(units, "unrelated.service"), "[Service]\nExecStart=/bin/true\n");

    const status = await cli(["schedule", "status", site, ...place]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain("schedule infra: installed (systemd,");
    expect(status.stdout).toContain("converge " + site + " every 30m, random delay up to 2m");
    expect(status.stdout).toContain("last report: none yet");

    const removed = await cli(["schedule", "remove", site, ...place]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(readdirSync(units)).toEqual(["unrelated.service"]);
    expect((await cli(["schedule", "remove", site, ...place])).stdout).toContain("not installed, nothing removed");
    const gone = await cli(["schedule", "status", site, ...place]);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe("schedule infra: not installed (systemd)\n");
  }, 60_000);

  it("gives runs an ansible-vault password file or script in their environment, and refuses one every run would refuse", async () => {
    const vault = join(dir, "vault-pass");
    writeFileSync(vault, "vault-secret-never-shown\n", { mode: 0o600 });
    const inst = await cli(["schedule", "install", site, "--name", "vaulted", "--every", "1h", "--vault-password-file", vault, "--report-dir", join(dir, "reports"), ...place]);
    expect(inst.code, inst.stderr).toBe(0);
    const service = readFileSync(join(units, "do-converge-vaulted.service"), "utf8");
    expect(service).toContain(`Environment="ANSIBLE_VAULT_PASSWORD_FILE=${vault}"`);
    expect(service + inst.stdout).not.toContain("vault-secret-never-shown");
    expect((await cli(["schedule", "remove", site, "--name", "vaulted", ...place])).code).toBe(0);

    const script = join(dir, "vault-client.sh");
    writeFileSync(script, "#!/bin/sh\necho from-a-script\n", { mode: 0o755 });
    const fromScript = await cli(["schedule", "install", site, "--name", "vaulted", "--every", "1h", "--vault-password-file", script, "--report-dir", join(dir, "reports"), ...place]);
    expect(fromScript.code, fromScript.stderr).toBe(0);
    expect((await cli(["schedule", "remove", site, "--name", "vaulted", ...place])).code).toBe(0);

    const open = join(dir, "vault-pass-readable");
    writeFileSync(open, "x\n", { mode: 0o644 });
    const refused = await cli(["schedule", "install", site, "--name", "vaulted", "--every", "1h", "--vault-password-file", open, ...place]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(open);
    const missing = await cli(["schedule", "install", site, "--name", "vaulted", "--every", "1h", "--vault-password-file", join(dir, "nope"), ...place]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--vault-password-file ${join(dir, "nope")}: no such file`);
    expect(readdirSync(units)).not.toContain("do-converge-vaulted.service");
  }, 60_000);

  it("never overwrites or deletes a unit of the same name that it did not write", async () => {
    writeFileSync(join(units, "do-converge-theirs.timer"), "[Timer]\nOnCalendar=daily\n");
    const inst = await cli(["schedule", "install", site, "--name", "theirs", "--every", "1h", "--report-dir", join(dir, "reports"), ...place]);
    expect(inst.code).toBe(1);
    expect(inst.stderr).toMatch(/do-converge-theirs\.timer exists and was not written by do-converge schedule install/);
    expect((await cli(["schedule", "remove", site, "--name", "theirs", ...place])).code).toBe(1);
    expect(readFileSync(join(units, "do-converge-theirs.timer"), "utf8")).toBe("[Timer]\nOnCalendar=daily\n");
  }, 60_000);

  it("takes --unit-dir for systemd and --cron-dir for cron without --backend, and refuses a directory of the other backend", async () => {
    const own = join(dir, "implied-units");
    const implied = await cli(["schedule", "install", site, "--name", "implied", "--every", "1h", "--unit-dir", own, "--no-manage", "--report-dir", join(dir, "implied-reports")]);
    expect(implied.code, implied.stderr).toBe(0);
    expect(existsSync(join(own, "do-converge-implied.timer"))).toBe(true);
    expect((await cli(["schedule", "remove", site, "--name", "implied", "--unit-dir", own, "--no-manage"])).code).toBe(0);
    const cronDir = join(dir, "implied-cron");
    const wrong = [
      [["--backend", "cron", "--unit-dir", own], "ERROR: --unit-dir is where systemd units go: not with --backend cron (use --cron-dir)\n"],
      [["--backend", "systemd", "--cron-dir", cronDir], "ERROR: --cron-dir is where a cron file goes: not with --backend systemd (use --unit-dir)\n"],
      [["--unit-dir", own, "--cron-dir", cronDir], "ERROR: --unit-dir is systemd's and --cron-dir is cron's: give one of them\n"],
    ] as const;
    for (const [opts, msg] of wrong) {
      const r = await cli(["schedule", "install", site, "--name", "wrong", "--every", "1h", "--no-manage", "--report-dir", join(dir, "wrong-reports"), ...opts]);
      expect([r.code, r.stderr]).toEqual([1, msg]);
    }
    expect(existsSync(cronDir)).toBe(false);
    expect(existsSync(join(own, "do-converge-wrong.timer"))).toBe(false);
    expect(existsSync(join(dir, "wrong-reports"))).toBe(false);
  }, 60_000);

  it("says what is wrong with an interval", async () => {
    const r = await cli(["schedule", "install", site, "--every", "20s", ...place]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("ERROR: --every 20s: at least 1m between runs\n");
    const c = await cli(["schedule", "install", site, "--every", "45m", "--backend", "cron", "--cron-dir", join(dir, "cron")]);
    expect(c.stderr).toMatch(/^ERROR: cron cannot run every 45m/);
    expect(existsSync(join(dir, "cron"))).toBe(false);
  }, 60_000);
});

describe("a cron schedule's command, run by sh as cron would", () => {
  const cronDir = join(dir, "cron.d");
  const reports = join(dir, "cron-reports");

  /** The shell command of the schedule's line: after 5 time fields and the user, with cron's \% undone. */
  function cronLine(name: string): string {
    const line = readFileSync(join(cronDir, `do-converge-${name}`), "utf8")
      .split("\n")
      .find((l) => /^[*0-9]/.test(l));
    if (!line) throw new Error("no cron line");
    return line.split(" ").slice(6).join(" ").replace(/\\%/g, "%");
  }

  it("converges with --detect-drift: exit 3 then 0, a JSON report, a bounded history and a summary line", async () => {
    rmSync(marker, { force: true });
    const inst = await cli(["schedule", "install", site, "--every", "30m", "--backend", "cron", "--cron-dir", cronDir, "--report-dir", reports, "--keep-reports", "2", "-i", join(dir, "infra", "hosts.yml")]);
    expect(inst.code, inst.stderr).toBe(0);
    const command = cronLine("infra");

    const first = await run("/bin/sh", ["-c", command], "/");
    const log = readFileSync(join(reports, "last.log"), "utf8");
    expect(first.code, log).toBe(3);
    expect(existsSync(marker)).toBe(true);
    expect(log).toContain(`summary: site=${site} mode=converge hosts=1 ok=1 changed=1 failed=0 unreachable=0 drift=yes exit=3\n`);
    const report = JSON.parse(readFileSync(join(reports, "last.json"), "utf8")) as { drift: { detected: boolean }; exit_code: number };
    expect(report.drift.detected).toBe(true);
    // The report carries the exit code the process ended with.
    expect(report.exit_code).toBe(3);

    const second = await run("/bin/sh", ["-c", command], "/");
    expect(second.code, readFileSync(join(reports, "last.log"), "utf8")).toBe(0);
    expect(readFileSync(join(reports, "last.log"), "utf8")).toContain("changed=0 failed=0 unreachable=0 drift=no exit=0\n");
    expect((await run("/bin/sh", ["-c", command], "/")).code).toBe(0);
    // Three runs, two kept: the oldest was pruned.
    expect(readdirSync(join(reports, "history"))).toHaveLength(2);

    const status = await cli(["schedule", "status", site, "--backend", "cron", "--cron-dir", cronDir]);
    expect(status.stdout).toContain("schedule infra: installed (cron,");
    expect(status.stdout).toMatch(/last report: \S+ \([\d.]+s\), converge, exit 0\n {4}hosts=1 ok=1 changed=0 failed=0 unreachable=0\n {4}drift: no\n/);
    expect((await cli(["schedule", "remove", site, "--backend", "cron", "--cron-dir", cronDir])).code).toBe(0);
    expect(readdirSync(cronDir)).toEqual([]);
  }, 120_000);

  it("a --check schedule reports drift (exit 3) and fixes nothing", async () => {
    rmSync(marker, { force: true });
    const inst = await cli(["schedule", "install", site, "--name", "watch", "--check", "--every", "1h", "--backend", "cron", "--cron-dir", cronDir, "--report-dir", reports, "-i", join(dir, "infra", "hosts.yml")]);
    expect(inst.code, inst.stderr).toBe(0);
    const r = await run("/bin/sh", ["-c", cronLine("watch")], "/");
    const log = readFileSync(join(reports, "last.log"), "utf8");
    expect(r.code, log).toBe(3);
    expect(existsSync(marker)).toBe(false);
    expect(log).toContain("mode=check hosts=1 ok=1 changed=1 failed=0 unreachable=0 drift=yes exit=3");
    const status = await cli(["schedule", "status", site, "--name", "watch", "--backend", "cron", "--cron-dir", cronDir]);
    expect(status.stdout).toContain("check (drift reported, nothing fixed)");
    expect(status.stdout).toContain(`drift: yes, 1 task(s) would change\n      localhost: file ${marker}`);
  }, 120_000);
});
