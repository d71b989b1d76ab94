import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite, statuses } from "./helpers.js";

// More arguments of modules we already had, as public roles use them, on one real host: file's
// force, modification_time/access_time and setype (geerlingguy.apache, geerlingguy.mysql),
// template's follow (mariadb-galera-cluster), unarchive's copy: false (geerlingguy.git), apt's
// policy_rc_d (geerlingguy.mysql) and service's sleep (geerlingguy.postgresql).

const skip = labSkipReason();
const HOST = "web1";
const DIR = "/srv/dcv-args2-work";
const UNIT = "dcv-args2";
const PKG = "dcv-args2-pkg";
const POLICY = "/usr/sbin/policy-rc.d";
/** What the host's policy-rc.d is during the test: apt's policy_rc_d must put it back. */
const OUR_POLICY = "#!/bin/sh\n# dcv-args2: the host's own policy\nexit 0\n";
/** 2024-01-02 15:30:45 in modification_time_format's default (the host's time zone reads it). */
const STAMP = "202401021530.45";

/** A command writing `text` to `path` on the host with `mode` (base64: nothing in it is shell). */
const put = (path: string, text: string, mode: string) => `printf %s ${Buffer.from(text).toString("base64")} | base64 -d > ${path} && chmod ${mode} ${path}`;

describe.skipIf(skip !== undefined)("more module arguments Ansible roles use (file, template, unarchive, apt, service) on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let hadPolicy = false;
  /** STAMP as epoch seconds in the host's time zone, as the host's date reads it. */
  let STAMP_EPOCH = "";

  const siteFile = (tasks: string) => playSite("args2", { DIR, PKG, UNIT, STAMP }, tasks);
  const MAIN = siteFile(`
    await h.file({ src: DIR + "/avail/site.conf", path: DIR + "/enabled/site.conf", state: "link", force: true }, { name: "link over a file" });
    await h.file({ path: DIR + "/log/slow.log", state: "touch", mode: "0640", modification_time: "preserve", access_time: "preserve" }, { name: "touch preserving" });
    await h.file({ path: DIR + "/stamp", state: "touch", modification_time: STAMP, access_time: STAMP }, { name: "touch at a time" });
    await h.file({ path: DIR + "/data", state: "directory", mode: "0755", setype: "mysqld_db_t" }, { name: "setype without selinux" });
    await h.template({ src: "my.cnf.j2", dest: DIR + "/etc/my.cnf", mode: "0644", follow: true }, { name: "template followed" });
    await h.unarchive({ src: DIR + "/app.tar.gz", dest: DIR + "/app", copy: false }, { name: "unarchive on the host" });
    await h.apt({ deb: DIR + "/" + PKG + "_1.0_all.deb", policy_rc_d: 101 }, { name: "apt with policy" });
`);
  const RESTART = siteFile(`    await h.systemd({ name: UNIT, state: "restarted", sleep: 2 }, { name: "restart with sleep" });`);

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": MAIN, "restart.ts": RESTART, "templates/my.cnf.j2": "[mysqld]\nport = {{ 1000 + 2306 }}\n" }, async () => {
      hadPolicy = (await sh(`test -e ${POLICY} && echo yes || echo no`)) === "yes\n";
      STAMP_EPOCH = (await sh("date -d '2024-01-02 15:30:45' +%s")).trim();
      await sh(
        [
          `dpkg -P ${PKG} >/dev/null 2>&1 || true`,
          `rm -rf ${DIR} && mkdir -p ${DIR}/avail ${DIR}/enabled ${DIR}/log ${DIR}/real ${DIR}/etc ${DIR}/app ${DIR}/src/app-1.0`,
          `echo site > ${DIR}/avail/site.conf && echo 'in the way' > ${DIR}/enabled/site.conf`,
          `echo keep > ${DIR}/log/slow.log && touch -d @1000000000 ${DIR}/log/slow.log`,
          `echo old > ${DIR}/real/my.cnf && ln -s ${DIR}/real/my.cnf ${DIR}/etc/my.cnf`,
          `echo readme > ${DIR}/src/app-1.0/README && tar -C ${DIR}/src -czf ${DIR}/app.tar.gz app-1.0`,
          // A package whose postinst records the policy it ran under.
          `mkdir -p ${DIR}/pkg/DEBIAN && printf 'Package: ${PKG}\\nVersion: 1.0\\nArchitecture: all\\nMaintainer: dcv <dcv@example.com>\\nDescription: do-converge test package\\n' > ${DIR}/pkg/DEBIAN/control`,
          put(`${DIR}/pkg/DEBIAN/postinst`, `#!/bin/sh\ncat ${POLICY} > ${DIR}/seen-policy 2>/dev/null || echo none > ${DIR}/seen-policy\n`, "755"),
          `dpkg-deb --build --root-owner-group ${DIR}/pkg ${DIR}/${PKG}_1.0_all.deb >/dev/null`,
          hadPolicy ? `cp -a ${POLICY} ${DIR}/policy-rc.d.orig` : "true",
          put(POLICY, OUR_POLICY, "700"),
          // The unit logs its starts and stops with the time; $$ and %% are systemd's escapes of $ and %.
          put(`/etc/systemd/system/${UNIT}.service`, `[Service]\nExecStartPre=/bin/sh -c 'echo start $$(date +%%s.%%N) >> ${DIR}/svc.log'\nExecStart=/bin/sleep infinity\nExecStopPost=/bin/sh -c 'echo stop $$(date +%%s.%%N) >> ${DIR}/svc.log'\n`, "644"),
          `systemctl daemon-reload && systemctl start ${UNIT}`,
        ].join(" && "),
      );
    });
  });
  afterAll(async () => {
    await closeSite(root, site, () =>
      sh(
        [
          `systemctl stop ${UNIT}; rm -f /etc/systemd/system/${UNIT}.service; systemctl daemon-reload`,
          `dpkg -P ${PKG} >/dev/null 2>&1`,
          hadPolicy ? `cp -a ${DIR}/policy-rc.d.orig ${POLICY}` : `rm -f ${POLICY}`,
          `rm -rf ${DIR}`,
        ].join("; "),
      ),
    );
  });

  it("converges; the host has it all; the host's policy-rc.d is back; a second run changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(statuses(first)).toEqual([
      "link over a file: changed",
      "touch preserving: changed",
      "touch at a time: changed",
      "setype without selinux: changed",
      "template followed: changed",
      "unarchive on the host: changed",
      "apt with policy: changed",
    ]);
    expect(await sh(`readlink ${DIR}/enabled/site.conf; stat -c '%a %Y' ${DIR}/log/slow.log; stat -c '%Y %X' ${DIR}/stamp; stat -c %a ${DIR}/data`)).toBe(
      `${DIR}/avail/site.conf\n640 1000000000\n${STAMP_EPOCH} ${STAMP_EPOCH}\n755\n`,
    );
    // Followed: the link stays, its target has the content.
    expect(await sh(`readlink ${DIR}/etc/my.cnf; cat ${DIR}/real/my.cnf`)).toBe(`${DIR}/real/my.cnf\n[mysqld]\nport = 3306\n`);
    expect(await sh(`cat ${DIR}/app/app-1.0/README`)).toBe("readme\n");
    // The package's postinst ran under policy_rc_d's policy; the host's own is back as it was.
    expect(await sh(`cat ${DIR}/seen-policy`)).toBe("#!/bin/sh\nexit 101\n");
    expect(await sh(`cat ${POLICY}; stat -c %a ${POLICY}; ls -a /usr/sbin | grep -c dcv-policy || true`)).toBe(`${OUR_POLICY}700\n0\n`);

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("drift is reported by --check --diff without being changed, and repaired by the next converge", async () => {
    await sh(`touch -d @1000000000 ${DIR}/stamp && echo tampered > ${DIR}/real/my.cnf && rm ${DIR}/app/app-1.0/README && dpkg -r ${PKG} >/dev/null && rm ${DIR}/seen-policy`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(statuses(check)).toEqual([
      "link over a file: ok",
      "touch preserving: ok",
      "touch at a time: changed",
      "setype without selinux: ok",
      "template followed: changed",
      "unarchive on the host: changed",
      "apt with policy: changed",
    ]);
    expect(check.stdout).toContain("-mtime: 2001-09-09T01:46:40Z");
    expect(check.stdout).toContain(`+mtime: ${new Date(Number(STAMP_EPOCH) * 1000).toISOString().replace(".000Z", "Z")}`);
    expect(check.stdout).toContain(`+++ after: ${DIR}/real/my.cnf`);
    expect(await sh(`stat -c %Y ${DIR}/stamp; cat ${DIR}/real/my.cnf; test -e ${DIR}/app/app-1.0/README || echo gone; test -e ${DIR}/seen-policy || echo not-run`)).toBe("1000000000\ntampered\ngone\nnot-run\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(total(fix, "changed"), explain(fix)).toBe(4);
    expect(await sh(`stat -c %Y ${DIR}/stamp; cat ${DIR}/real/my.cnf; readlink ${DIR}/etc/my.cnf; cat ${DIR}/app/app-1.0/README ${DIR}/seen-policy ${POLICY}`)).toBe(
      `${STAMP_EPOCH}\n[mysqld]\nport = 3306\n${DIR}/real/my.cnf\nreadme\n#!/bin/sh\nexit 101\n${OUR_POLICY}`,
    );
    expect(total(await site.converge(), "changed")).toBe(0);
  });

  it("service sleep: restarted is stop, the pause, start (--check does neither)", async () => {
    await sh(`: > ${DIR}/svc.log`);
    const check = await site.converge(["--check"], { site: "restart.ts" });
    expect(statuses(check), explain(check)).toEqual(["restart with sleep: changed"]);
    expect(await sh(`cat ${DIR}/svc.log`)).toBe("");
    const r = await site.converge([], { site: "restart.ts" });
    expect(statuses(r), explain(r)).toEqual(["restart with sleep: changed"]);
    const log = (await sh(`cat ${DIR}/svc.log; systemctl is-active ${UNIT}`)).trim().split("\n");
    expect(log.map((l) => l.split(" ")[0])).toEqual(["stop", "start", "active"]);
    const [stop, start] = log.slice(0, 2).map((l) => Number(l.split(" ")[1]));
    // The pause is at least what sleep asked for (a lower bound: it cannot be shorter).
    expect((start ?? 0) - (stop ?? 0)).toBeGreaterThanOrEqual(2);
  });

  it("fails clearly: a file in the way without force, a link to nothing, a time that is no time", async () => {
    await sh(`echo 'in the way' > ${DIR}/enabled/other.conf`);
    site.write(
      "bad.ts",
      siteFile(`
    await h.file({ src: DIR + "/avail/site.conf", path: DIR + "/enabled/other.conf", state: "link" }, { name: "no force", ignoreErrors: true });
    await h.file({ src: DIR + "/avail/missing.conf", path: DIR + "/enabled/missing.conf", state: "link" }, { name: "no src", ignoreErrors: true });
`),
    );
    const r = await site.converge([], { site: "bad.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(r.report?.tasks.map((t) => `${t.task}: ${t.status}: ${t.msg ?? ""}`)).toEqual([
      `no force: ignored: ${DIR}/enabled/other.conf is a file; refusing to replace it with a link (force: true replaces it)`,
      `no src: ignored: ${DIR}/enabled/missing.conf: src ${DIR}/avail/missing.conf does not exist (force: true makes the link anyway)`,
    ]);
    expect(await sh(`cat ${DIR}/enabled/other.conf; test -e ${DIR}/enabled/missing.conf || echo absent`)).toBe("in the way\nabsent\n");

    site.write("badtime.ts", siteFile(`    await h.file({ path: DIR + "/stamp", state: "touch", modification_time: "yesterday" });`));
    const t = await site.converge([], { site: "badtime.ts" });
    expect(t.code).toBe(2);
    expect(t.report?.tasks[0]?.msg).toBe("invalid arguments: modification_time: time data 'yesterday' does not match format '%Y%m%d%H%M.%S'");
  });
});
