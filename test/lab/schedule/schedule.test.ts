import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "../modules/helpers.js";
import { type Ran, runCli, runService, serviceCommand } from "./scheduled-command.js";

const skip = labSkipReason();
const HOST = "spare1";
const DIR = "/srv/dcv-schedule";
const GATE = `${DIR}/gate`;
const bin = new URL("../../../bin/do-converge.js", import.meta.url).pathname;

// The first task holds a run until the test opens the gate (bounded: 120 s, then it fails), so
// two runs started together certainly overlap, whatever the machine's speed.
const SITE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "scheduled", hosts: "all", become: true, gatherFacts: false, tasks: async (h) => {
    await h.command({ argv: ["sh", "-c", ${JSON.stringify(`i=0; while [ ! -e ${GATE} ]; do i=$((i+1)); [ $i -gt 1200 ] && exit 1; sleep 0.1; done`)}] }, { name: "gate", changedWhen: false });
    await h.copy({ dest: ${JSON.stringify(`${DIR}/motd`)}, content: "managed by do-converge\\n", mode: "0644" }, { name: "motd" });
  } })],
});
`;

const explain = (r: Ran) => `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe.skipIf(skip)("scheduled runs from this control node, on spare1", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let units: string;
  let reports: string;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE }, () => sh(`rm -rf ${DIR}`));
    units = join(site.dir, "units");
    reports = join(site.dir, "reports");
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  /** `schedule install` as an operator types it, writing units where the test reads them. */
  async function install(extra: string[]): Promise<void> {
    const args = ["schedule", "install", "site.ts", "--every", "15m", "--backend", "systemd", "--unit-dir", units, "--no-manage", "--known-hosts", lab.knownHostsFile];
    const r = await runCli([process.execPath, bin, ...args, ...extra], site.dir);
    expect(r.code, explain(r)).toBe(0);
  }

  it("two scheduled runs started together: exactly one converges, the other exits 8 at once and says why", async () => {
    await install(["--report-dir", reports]);
    const cmd = serviceCommand(join(units, "do-converge-" + site.dir.split("/").pop() + ".service"));
    expect(cmd.cwd).toBe(site.dir);
    expect(cmd.argv).toContain("--detect-drift");

    const tag = (name: string) => (r: Ran) => ({ name, r });
    const a = runService(cmd).then(tag("a"));
    const b = runService(cmd).then(tag("b"));
    // The loser ends while the winner still waits at the gate: it did not wait for the lock.
    const loser = await Promise.race([a, b]);
    expect(loser.r.code, explain(loser.r)).toBe(8);
    expect(loser.r.stderr).toMatch(/^ERROR: another do-converge run holds \S+\/\.do-converge\.lock \(pid \d+\): not starting a second one\n$/);
    expect(loser.r.stdout).toMatch(/^summary: site=\S+\/site\.ts mode=converge skipped: another run holds the lock \(pid \d+\) exit=8\n$/);
    expect(await sh(`test -e ${DIR}/motd && echo present || echo absent`)).toBe("absent\n");

    await sh(`mkdir -p ${DIR} && touch ${GATE}`);
    const winner = await (loser.name === "a" ? b : a);
    expect(winner.r.code, explain(winner.r)).toBe(3);
    expect(winner.r.stdout).toMatch(/\nsummary: site=\S+\/site\.ts mode=converge hosts=1 ok=2 changed=1 failed=0 unreachable=0 drift=yes exit=3\n$/);
    expect(await sh(`cat ${DIR}/motd`)).toBe("managed by do-converge\n");
    const report = JSON.parse(readFileSync(join(reports, "last.json"), "utf8"));
    expect(report.drift).toEqual({ detected: true, tasks: [{ host: HOST, task: "motd" }] });

    // The next scheduled run finds nothing to do.
    const again = await runService(cmd);
    expect(again.code, explain(again)).toBe(0);
    expect(again.stdout).toContain("changed=0 failed=0 unreachable=0 drift=no exit=0\n");
  });

  it("a --check schedule on a drifted host exits 3, changes nothing, and says so in its summary line", async () => {
    const checkReports = join(site.dir, "check-reports");
    await install(["--check", "--name", "watch", "--report-dir", checkReports]);
    const cmd = serviceCommand(join(units, "do-converge-watch.service"));
    expect(cmd.argv).toContain("--check");
    await sh(`echo tampered > ${DIR}/motd`);

    const r = await runService(cmd);
    expect(r.code, explain(r)).toBe(3);
    expect(await sh(`cat ${DIR}/motd`)).toBe("tampered\n");
    expect(r.stdout).toMatch(/\nsummary: site=\S+\/site\.ts mode=check hosts=1 ok=1 changed=1 failed=0 unreachable=0 drift=yes exit=3\n$/);
    const report = JSON.parse(readFileSync(join(checkReports, "last.json"), "utf8"));
    expect(report.check).toBe(true);
    expect(report.drift.tasks).toEqual([{ host: HOST, task: "motd" }]);

    const status = await runCli([process.execPath, bin, "schedule", "status", "site.ts", "--name", "watch", "--backend", "systemd", "--unit-dir", units, "--no-manage"], site.dir);
    expect(status.stdout).toContain("check (drift reported, nothing fixed)");
    expect(status.stdout).toContain(`drift: yes, 1 task(s) would change\n      ${HOST}: motd`);
  });
});
