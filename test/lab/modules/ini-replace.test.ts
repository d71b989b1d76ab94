import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web1";
const DIR = "/srv/dcv-ini-replace";

const PHP = "[PHP]\nengine = On\nmemory_limit = 128M\n\n[Date]\n;date.timezone =\n\n[mail function]\nSMTP = localhost\n";
const SSHD = "#PermitRootLogin yes\nListenAddress 10.0.0.1\n";
const APP = "[a]\nport=1\n[b]\nport=2\n";

const SITE = playSite(
  "ini and replace",
  { D: DIR },
  `
    await h.ini_file({ path: D + "/php.ini", section: "PHP", option: "memory_limit", value: "256M", mode: "0640" }, { name: "memory" });
    await h.ini_file({ path: D + "/php.ini", section: "Date", option: "date.timezone", value: "UTC" }, { name: "timezone" });
    await h.ini_file({ path: D + "/php.ini", section: "mail function", state: "absent" }, { name: "section gone" });
    await h.ini_file({ path: D + "/sub/my.cnf", section: "mysqld", option: "skip-name-resolve", allow_no_value: true, group: "adm" }, { name: "bare" });
    await h.replace({ path: D + "/sshd.conf", regexp: "^#?PermitRootLogin .*$", replace: "PermitRootLogin no" }, { name: "root login" });
    await h.replace({ path: D + "/sshd.conf", regexp: "^(ListenAddress\\\\s+)10\\\\.0\\\\.0\\\\.1$", replace: "\\\\g<1>0.0.0.0", backup: true, validate: "grep -q '^ListenAddress 0.0.0.0$' %s" }, { name: "listen" });
    await h.replace({ path: D + "/app.conf", regexp: "^port=\\\\d+$", replace: "port=9", after: "\\\\[b\\\\]" }, { name: "after" });
`,
);

const FAILING = playSite(
  "failing ini and replace",
  { D: DIR },
  `
    await h.replace({ path: D + "/sshd.conf", regexp: "^PermitRootLogin no$", replace: "PermitRootLogin maybe", validate: "grep -q '^never' %s" }, { name: "invalid", ignoreErrors: true });
    await h.replace({ path: D + "/missing.conf", regexp: "a", replace: "b" }, { name: "missing", ignoreErrors: true });
    await h.ini_file({ path: D + "/missing.conf", section: "s", option: "a", value: "1", create: false }, { name: "not created", ignoreErrors: true });
`,
);

const PHP_AFTER = "[PHP]\nengine = On\nmemory_limit = 256M\n\n[Date]\ndate.timezone = UTC\n\n";
const MY_AFTER = "\n[mysqld]\nskip-name-resolve\n";
const SSHD_AFTER = "PermitRootLogin no\nListenAddress 0.0.0.0\n";
const APP_AFTER = "[a]\nport=1\n[b]\nport=9\n";

describe.skipIf(skip !== undefined)("ini_file and replace on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING }, () =>
      sh(`rm -rf ${DIR}; mkdir -p ${DIR}; printf '%s' '${PHP}' > ${DIR}/php.ini; printf '%s' '${SSHD}' > ${DIR}/sshd.conf; printf '%s' '${APP}' > ${DIR}/app.conf`),
    );
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  it("converges, then a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["memory", "timezone", "section gone", "bare", "root login", "listen", "after"]);
    expect(await sh(`cat ${DIR}/php.ini; stat -c '%a %U' ${DIR}/php.ini`)).toBe(`${PHP_AFTER}640 root\n`);
    expect(await sh(`cat ${DIR}/sub/my.cnf; stat -c '%U %G' ${DIR}/sub/my.cnf`)).toBe(`${MY_AFTER}root adm\n`);
    expect(await sh(`cat ${DIR}/sshd.conf ${DIR}/app.conf`)).toBe(SSHD_AFTER + APP_AFTER);
    // backup: true keeps the file replaced.
    expect(await sh(`cat ${DIR}/sshd.conf.*~`)).toBe("PermitRootLogin no\nListenAddress 10.0.0.1\n");
    // The recap line carries the module's message (the JSON report keeps none for changed tasks).
    expect(first.stdout).toMatch(/changed: \[\S+\] after \(1 replacements made\)/);
    expect(first.stdout).toMatch(/changed: \[\S+\] timezone \(option changed\)/);

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff reports drift made by hand and changes nothing; the next converge repairs it", async () => {
    await sh(`sed -i 's/^memory_limit = 256M/memory_limit = 64M/' ${DIR}/php.ini; chmod 0644 ${DIR}/php.ini; rm ${DIR}/sub/my.cnf; sed -i 's/^PermitRootLogin no/PermitRootLogin yes/' ${DIR}/sshd.conf`);
    const drifted = await sh(`cat ${DIR}/php.ini ${DIR}/sshd.conf`);

    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["memory", "bare", "root login"]);
    expect(check.stdout).toContain("-memory_limit = 64M\n+memory_limit = 256M\n");
    expect(check.stdout).toContain("-mode: 0644\n+mode: 0640\n");
    expect(check.stdout).toContain("+skip-name-resolve\n");
    expect(check.stdout).toContain("-PermitRootLogin yes\n+PermitRootLogin no\n");
    expect(await sh(`cat ${DIR}/php.ini ${DIR}/sshd.conf`)).toBe(drifted);
    expect(await sh(`stat -c %a ${DIR}/php.ini; ls ${DIR}/sub`)).toBe("644\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["memory", "bare", "root login"]);
    expect(await sh(`cat ${DIR}/php.ini; stat -c %a ${DIR}/php.ini; cat ${DIR}/sub/my.cnf ${DIR}/sshd.conf`)).toBe(`${PHP_AFTER}640\n${MY_AFTER}${SSHD_AFTER}`);

    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a failed validate leaves the file alone; a missing file is an error", async () => {
    const before = await sh(`cat ${DIR}/sshd.conf`);
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName.invalid?.status).toBe("ignored");
    expect(byName.invalid?.msg).toMatch(/validation failed/);
    expect(byName.missing?.msg).toBe(`${DIR}/missing.conf does not exist`);
    expect(byName["not created"]?.msg).toBe(`${DIR}/missing.conf does not exist (create: true would create it)`);
    expect(await sh(`cat ${DIR}/sshd.conf`)).toBe(before);
    expect(await sh(`ls -a ${DIR} | grep -c dcv-tmp || true; ls ${DIR}/missing.conf 2>&1 || true`)).toMatch(/^0\n.*No such file/);
  });
});
