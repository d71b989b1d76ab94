import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shellQuote } from "../../../src/remote/quote.js";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { Lab } from "../lab.js";
import { waitUntil } from "../net.js";
import { type LabSsh, knownKeys, labSsh } from "../ssh.js";
import { makeBundle } from "./bundle.js";

const skip = labSkipReason();
// spare1 is the control node here: it runs systemd, so its timer really fires. The site it
// converges is spare1 itself (ansible_connection: local).
const HOST = "spare1";
const REMOTE = "/opt/dcv-schedule-test";
const NAME = "dcv-lab-timer";
const STAMP_DIR = "/srv/dcv-schedule-timer";
const SITE_FILE = `${REMOTE}/app/site.ts`;
const CLI = `cd ${REMOTE}/app && ${REMOTE}/node node_modules/do-converge/bin/do-converge.js`;

const SITE = `import { play, site } from "do-converge";

export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "timer", hosts: "all", gatherFacts: false, tasks: async (h) => {
    await h.file({ path: ${JSON.stringify(STAMP_DIR)}, state: "directory", mode: "0755" }, { name: "dir" });
    await h.copy({ dest: ${JSON.stringify(`${STAMP_DIR}/stamp`)}, content: "converged by a systemd timer\\n", mode: "0644" }, { name: "stamp" });
  } })],
});
`;

describe.skipIf(skip)("a real systemd timer on spare1 (the control node)", () => {
  const lab = Lab.fromFile();
  const local = mkdtempSync(join(tmpdir(), "dcv-timer-"));
  let ssh: LabSsh;
  // The runs' type-check cache lands in root's ~/.cache: removed with the rest.
  let cacheExisted = true;
  let ownCacheExisted = true;
  const root = async (cmd: string) => (await ssh.exec(`sudo -n sh -c ${shellQuote(cmd)}`));
  const ok = async (cmd: string) => {
    const r = await root(cmd);
    if (r.code !== 0) throw new Error(`${HOST}: ${cmd}: exit ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  };
  let since = "";
  let cronInstalled = true;
  /** The summary lines our site's runs sent to the journal since the install, oldest first. */
  const summaries = async () =>
    (await ok(`journalctl -t do-converge --since @${since} -o cat --no-pager`))
      .split("\n")
      .filter((l) => l.startsWith(`site=${SITE_FILE} `));

  beforeAll(async () => {
    await lab.up();
    const h = lab.host(HOST);
    ssh = await labSsh({ host: h.privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, HOST) });
    await ok(`rm -rf ${REMOTE} ${STAMP_DIR}`);
    cacheExisted = (await root("test -e /root/.cache")).code === 0;
    ownCacheExisted = (await root("test -e /root/.cache/do-converge")).code === 0;
    makeBundle(local, {
      "site.ts": SITE,
      "package.json": `${JSON.stringify({ name: "infra", private: true, type: "module" })}\n`,
      "inventory.yml": `all:\n  hosts:\n    ${HOST}: { ansible_connection: local }\n`,
    });
    // Over SSH as the deploy user, unpacked with sudo: as an operator would copy it.
    const push = spawnSync(
      "bash",
      [
        "-c",
        `set -o pipefail; tar -C ${shellQuote(local)} -cz node app | ssh -i ${shellQuote(lab.keyFile)} -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${shellQuote(lab.knownHostsFile)} ${DEPLOY_USER}@${h.privateIpv4} ${shellQuote(`sudo -n mkdir -p ${REMOTE} && sudo -n tar -xz -C ${REMOTE}`)}`,
      ],
      { encoding: "utf8" },
    );
    if (push.status !== 0) throw new Error(`copying the bundle to ${HOST}: ${push.stderr}`);
  });

  afterAll(async () => {
    rmSync(local, { recursive: true, force: true });
    if (!ssh) return;
    // Whatever the test got to: nothing of it stays on spare1 (the journal's lines aside).
    await root(`${CLI} schedule remove --name ${NAME}`);
    await root(`${CLI} schedule remove --name ${NAME} --backend cron`);
    await root(`rm -f /etc/cron.d/do-converge-${NAME}; crontab -u ${DEPLOY_USER} -r 2>/dev/null; ${cronInstalled ? "true" : "apt-get purge -y -q cron cron-daemon-common >/dev/null 2>&1; apt-get autoremove -y -q >/dev/null 2>&1"}`);
    await root(
      `systemctl disable --now do-converge-${NAME}.timer 2>/dev/null; systemctl stop do-converge-${NAME}.service 2>/dev/null; rm -f /etc/systemd/system/do-converge-${NAME}.*; systemctl daemon-reload; systemctl reset-failed 'do-converge-${NAME}.*' 2>/dev/null; rm -rf ${REMOTE} ${STAMP_DIR}${!cacheExisted ? " /root/.cache" : ownCacheExisted ? "" : " /root/.cache/do-converge"}`,
    );
    ssh.close();
  });

  it("install enables a timer that fires and converges, twice; the journal has a summary line per run; remove leaves nothing", async () => {
    since = (await ok("date +%s")).trim();
    const installed = await root(`${CLI} schedule install site.ts --name ${NAME} --every 20s --allow-short-every --report-dir ${REMOTE}/reports`);
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    // systemd was detected (/run/systemd/system), not asked for.
    expect(installed.stdout).toContain(`installed schedule ${NAME} (systemd): converge ${SITE_FILE} every 20s`);
    expect(await ok(`systemctl is-enabled do-converge-${NAME}.timer; systemctl is-active do-converge-${NAME}.timer`)).toBe("enabled\nactive\n");

    // The first run converges (drift: exit 3), the second finds nothing to do (exit 0).
    expect(await waitUntil(async () => (await summaries()).length >= 2, 240_000, 2000), `journal:\n${(await summaries()).join("\n")}\n${await ok(`journalctl -u do-converge-${NAME}.service --since @${since} -o cat --no-pager | tail -40`)}`).toBe(true);
    const [first, second] = await summaries();
    const runs = await ok(`journalctl -u do-converge-${NAME}.service --since @${since} -o cat --no-pager | tail -40`);
    expect(first, runs).toBe(`site=${SITE_FILE} mode=converge hosts=1 ok=2 changed=2 failed=0 unreachable=0 drift=yes exit=3`);
    expect(second, runs).toBe(`site=${SITE_FILE} mode=converge hosts=1 ok=2 changed=0 failed=0 unreachable=0 drift=no exit=0`);
    expect(await ok(`cat ${STAMP_DIR}/stamp`)).toBe("converged by a systemd timer\n");

    const report = JSON.parse(await ok(`cat ${REMOTE}/reports/last.json`));
    expect(report.drift).toEqual({ detected: false, tasks: [] });
    const history = (await ok(`ls ${REMOTE}/reports/history`)).trim().split("\n");
    expect(history.length).toBeGreaterThanOrEqual(2);
    const oldest = JSON.parse(await ok(`cat ${REMOTE}/reports/history/${history[0]}`));
    expect(oldest.drift).toEqual({ detected: true, tasks: [{ host: HOST, task: "dir" }, { host: HOST, task: "stamp" }] });

    const status = await root(`${CLI} schedule status --name ${NAME}`);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain(`schedule ${NAME}: installed (systemd, /etc/systemd/system/do-converge-${NAME}.timer)`);
    expect(status.stdout).toContain("timer: active (enabled)");
    expect(status.stdout).toMatch(/next run: \d{4}-\d\d-\d\dT/);
    expect(status.stdout).toMatch(/last run: \d{4}-\d\d-\d\dT\S+, exit \d \(\S+\) at /);
    expect(status.stdout).toContain("drift: ");

    const removed = await root(`${CLI} schedule remove --name ${NAME}`);
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`deleted /etc/systemd/system/do-converge-${NAME}.timer`);
    expect(await ok(`ls /etc/systemd/system | grep -c do-converge- || true`)).toBe("0\n");
    expect(await ok(`systemctl list-timers --all --no-pager | grep -c do-converge- || true`)).toBe("0\n");
    expect((await root(`${CLI} schedule status --name ${NAME}`)).stdout).toBe(`schedule ${NAME}: not installed (systemd)\n`);
  });

  it("with --backend cron, a real cron daemon runs the /etc/cron.d entry; a user's crontab block is installed and removed beside the user's own lines", async () => {
    // spare1 has no cron: Debian's is installed for this test and purged after it.
    cronInstalled = (await root("dpkg-query -W -f='${Status}' cron 2>/dev/null | grep -q 'install ok installed'")).code === 0;
    if (!cronInstalled) await ok("DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends cron >/dev/null && systemctl start cron");
    await ok(`rm -rf ${STAMP_DIR}`);
    since = (await ok("date +%s")).trim();
    const installed = await root(`${CLI} schedule install site.ts --name ${NAME} --backend cron --every 1m --report-dir ${REMOTE}/cron-reports`);
    expect(installed.code, installed.stdout + installed.stderr).toBe(0);
    const entry = await ok(`cat /etc/cron.d/do-converge-${NAME}`);
    expect(entry).toMatch(new RegExp(`^\\* \\* \\* \\* \\* root .*--detect-drift`, "m"));

    // cron fires at the next minute boundary: the run converges (drift, exit 3).
    expect(await waitUntil(async () => (await summaries()).length >= 1, 150_000, 2000), await ok(`cat ${REMOTE}/cron-reports/last.log 2>/dev/null; true`)).toBe(true);
    const [first] = await summaries();
    expect(first).toBe(`site=${SITE_FILE} mode=converge hosts=1 ok=2 changed=2 failed=0 unreachable=0 drift=yes exit=3`);
    expect(await ok(`cat ${STAMP_DIR}/stamp`)).toBe("converged by a systemd timer\n");
    const report = JSON.parse(await ok(`cat ${REMOTE}/cron-reports/last.json`));
    expect(report.exit_code).toBe(3);

    const status = await root(`${CLI} schedule status --name ${NAME} --backend cron`);
    expect(status.code, status.stdout + status.stderr).toBe(0);
    expect(status.stdout).toContain(`schedule ${NAME}: installed (cron`);
    const removed = await root(`${CLI} schedule remove --name ${NAME} --backend cron`);
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    expect((await root(`test -e /etc/cron.d/do-converge-${NAME}`)).code).toBe(1);

    // A user without root: the schedule is a marked block in the user's crontab; the user's own
    // lines stay as they were through install and remove.
    const asDeploy = (cmd: string) => ssh.exec(`cd ${REMOTE}/app && ${cmd}`);
    await ok(`printf '# mine\\n17 3 * * * /bin/true\\n' | crontab -u ${DEPLOY_USER} -`);
    const userInstall = await asDeploy(`${REMOTE}/node node_modules/do-converge/bin/do-converge.js schedule install site.ts --name ${NAME}-user --backend cron --every 15m --check --report-dir /tmp/dcv-cron-user`);
    expect(userInstall.code, userInstall.stdout + userInstall.stderr).toBe(0);
    const tab = (await asDeploy("crontab -l")).stdout;
    expect(tab).toContain("# mine\n17 3 * * * /bin/true\n");
    expect(tab).toMatch(/^\*\/15 \* \* \* \* .*--detect-drift.* --check >/m);
    const userRemove = await asDeploy(`${REMOTE}/node node_modules/do-converge/bin/do-converge.js schedule remove --name ${NAME}-user --backend cron`);
    expect(userRemove.code, userRemove.stdout + userRemove.stderr).toBe(0);
    expect((await asDeploy("crontab -l")).stdout).toBe("# mine\n17 3 * * * /bin/true\n");
  });
});
