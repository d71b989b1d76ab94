import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// cron on web3 (this family's host: nothing else runs there), for a user of its own and a cron.d
// file of its own, with the cron package the test installs and removes again. The user's crontab starts as ansible.builtin.cron 2.14 leaves one (a
// "#Ansible: <name>" comment above each job, variables first), so the test also shows that a
// crontab Ansible manages is taken over without a change.

const skip = labSkipReason();
const HOST = "web3";
const U = "dcvcron";
const FILE = "/etc/cron.d/dcv-cron-test";

const PREREQ = playSite("cron package", {}, `    await h.apt({ name: "cron" }, { name: "cron installed" });\n`);

const SITE = playSite(
  "cron",
  { U, FILE },
  `
    await h.cron({ name: "nightly backup", user: U, minute: "30", hour: 2, job: "/usr/local/bin/backup >/dev/null 2>&1" }, { name: "backup" });
    await h.cron({ name: "MAILTO", env: true, job: "ops@example.com", user: U }, { name: "mailto" });
    await h.cron({ name: "PATH", env: true, job: "/usr/bin:/bin", user: U, insertafter: "MAILTO" }, { name: "path" });
    await h.cron({ name: "on boot", user: U, special_time: "reboot", job: "/usr/local/bin/on-boot", disabled: true }, { name: "disabled" });
    await h.cron({ name: "old job", user: U, state: "absent" }, { name: "old job gone" });
    await h.cron({ name: "tmp cleanup", cron_file: "dcv-cron-test", user: "root", minute: "*/10", job: "find /tmp -mtime +7 -delete" }, { name: "cron.d" });
    await h.cron({ name: "report", cron_file: FILE, user: U, weekday: "1-5", minute: 0, hour: 8, job: "/usr/local/bin/report", backup: true }, { name: "cron.d second" });
`,
);

const FAILING = playSite(
  "failing cron",
  { U },
  `
    await h.cron({ name: "bad minute", user: U, minute: "61", job: "true" }, { name: "bad minute", ignoreErrors: true });
    await h.cron({ name: "x", user: "dcv-no-such-user", job: "true" }, { name: "no user", ignoreErrors: true });
`,
);

const REMOVE = playSite(
  "cron file emptied",
  {},
  `
    await h.cron({ name: "tmp cleanup", cron_file: "dcv-cron-test", state: "absent" }, { name: "first gone" });
    await h.cron({ name: "report", cron_file: "dcv-cron-test", state: "absent" }, { name: "last gone" });
`,
);

// As ansible.builtin.cron writes them: the job "nightly backup" (already right) and "old job".
const ANSIBLE_CRONTAB = 'MAILTO="ops@example.com"\n# mine, by hand\n0 * * * * /usr/local/bin/hourly\n#Ansible: nightly backup\n30 2 * * * /usr/local/bin/backup >/dev/null 2>&1\n#Ansible: old job\n*/5 * * * * /usr/local/bin/old\n';

const USER_AFTER =
  'MAILTO="ops@example.com"\nPATH="/usr/bin:/bin"\n# mine, by hand\n0 * * * * /usr/local/bin/hourly\n#Ansible: nightly backup\n30 2 * * * /usr/local/bin/backup >/dev/null 2>&1\n#Ansible: on boot\n#@reboot /usr/local/bin/on-boot\n';
const FILE_AFTER = `#Ansible: tmp cleanup\n*/10 * * * * root find /tmp -mtime +7 -delete\n#Ansible: report\n0 8 * * 1-5 ${U} /usr/local/bin/report\n`;

describe.skipIf(skip !== undefined)("cron on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  const userCrontab = () => sh(`crontab -u ${U} -l 2>&1`);
  let site: TestSite;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING, "remove.ts": REMOVE, "prereq.ts": PREREQ });
    const pre = await site.converge([], { site: "prereq.ts" });
    if (pre.code !== 0) throw new Error(`installing cron failed:\n${explain(pre)}`);
    await sh(`id ${U} >/dev/null 2>&1 || useradd -m ${U}; rm -f ${FILE} /tmp/crontab*; printf '%s' '${ANSIBLE_CRONTAB}' | crontab -u ${U} -`);
  }, 300_000);
  afterAll(() => closeSite(root, site, () => sh(`crontab -u ${U} -r; userdel -r ${U}; rm -f ${FILE} /tmp/crontab*; DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cron >/dev/null`)));

  it("converges a crontab Ansible managed and a cron.d file, then a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    // "nightly backup" was already right, as Ansible left it.
    expect(changedTasks(first)).toEqual(["path", "disabled", "old job gone", "cron.d", "cron.d second"]);
    expect(await userCrontab()).toBe(USER_AFTER);
    expect(await sh(`cat ${FILE}; stat -c '%a %U' ${FILE}`)).toBe(`${FILE_AFTER}644 root\n`);
    // backup: true kept the file as it was (one job) in a /tmp/crontab* file.
    expect(await sh("cat /tmp/crontab*")).toBe("#Ansible: tmp cleanup\n*/10 * * * * root find /tmp -mtime +7 -delete\n");
    expect(first.stdout).toMatch(/changed: \[\S+\] old job gone/);

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff reports drift made by hand and changes nothing; the next converge repairs it", async () => {
    await sh(`crontab -u ${U} -l | sed 's#^30 2 #45 3 #; /^PATH=/d' | crontab -u ${U} -; sed -i 's/1-5/0-6/' ${FILE}`);
    const drifted = (await userCrontab()) + (await sh(`cat ${FILE}`));

    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["backup", "path", "cron.d second"]);
    expect(check.stdout).toContain("-45 3 * * * /usr/local/bin/backup >/dev/null 2>&1\n+30 2 * * * /usr/local/bin/backup >/dev/null 2>&1\n");
    expect(check.stdout).toContain(`crontab for user "${U}"`);
    expect(check.stdout).toContain(`-0 8 * * 0-6 ${U} /usr/local/bin/report\n+0 8 * * 1-5 ${U} /usr/local/bin/report\n`);
    expect((await userCrontab()) + (await sh(`cat ${FILE}`))).toBe(drifted);

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["backup", "path", "cron.d second"]);
    expect(await userCrontab()).toBe(USER_AFTER);
    expect(await sh(`cat ${FILE}`)).toBe(FILE_AFTER);

    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a line crontab refuses leaves the crontab alone; an unknown user is a clear error", async () => {
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName["bad minute"]?.status).toBe("ignored");
    expect(byName["bad minute"]?.msg).toMatch(new RegExp(`^crontab refused the new crontab for user "${U}": .*bad minute`, "s"));
    expect(byName["no user"]?.msg).toBe("cannot read the crontab of dcv-no-such-user: user dcv-no-such-user does not exist");
    expect(await userCrontab()).toBe(USER_AFTER);
  });

  it("removing the last job of a cron file removes the file", async () => {
    const check = await site.converge(["--check"], { site: "remove.ts" });
    expect(changedTasks(check)).toEqual(["first gone", "last gone"]);
    expect(await sh(`cat ${FILE}`)).toBe(FILE_AFTER);
    const r = await site.converge([], { site: "remove.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r)).toEqual(["first gone", "last gone"]);
    expect(await sh(`ls ${FILE} 2>&1 || true`)).toMatch(/No such file/);
    const again = await site.converge([], { site: "remove.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
