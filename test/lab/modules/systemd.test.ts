import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { closeSite, openSite } from "./helpers.js";

// systemd against lb2 (this family's host). The unit lives in /usr/local/lib/systemd/system, as
// a package's would in /lib: `systemctl mask` refuses a unit whose file is in /etc/systemd/system.
const skip = labSkipReason();
const HOST = "lb2";
const UNIT = "dcv-sleeper.service";
const UNIT_DIR = "/usr/local/lib/systemd/system";
const RELOADS = "/run/dcv-sleeper.reloads";

const unitFile = (env: string) => `[Unit]
Description=do-converge test sleeper

[Service]
Environment=DCV_VERSION=${env}
ExecStart=/bin/sleep infinity
ExecReload=/bin/sh -c 'echo reload >> ${RELOADS}'

[Install]
WantedBy=multi-user.target
`;

// The unit file by copy, then the systemd task; both take their arguments from -e.
const SITE = `import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "sleeper", hosts: "${HOST}", become: true, gatherFacts: false, tasks: async (h) => {
    await h.file({ path: "${UNIT_DIR}", state: "directory" });
    await h.copy({ dest: "${UNIT_DIR}/${UNIT}", content: String(h.vars.unit_text) });
    await h.systemd(h.vars.svc as Parameters<typeof h.systemd>[0], { name: "sleeper" });
  } })],
});
`;

// A SysV init script (the seed's database balancer role installs one, floatip), started and
// enabled through the unit systemd-sysv-generator makes of it after a daemon-reload.
const SYSV = "dcv-sysv";
const SYSV_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${SYSV}
# Required-Start:    $local_fs
# Required-Stop:     $local_fs
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: do-converge test script
### END INIT INFO
case "$1" in
  start) touch /run/${SYSV}.started ;;
  stop) rm -f /run/${SYSV}.started ;;
  status) [ -e /run/${SYSV}.started ] ;;
  *) echo "no such command $1"; exit 1 ;;
esac
`;
const SYSV_SITE = `import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "sysv", hosts: "${HOST}", become: true, gatherFacts: false, tasks: async (h) => {
    await h.copy({ dest: "/etc/init.d/${SYSV}", content: ${JSON.stringify(SYSV_SCRIPT)}, mode: "0755" });
    await h.systemd({ name: "${SYSV}.service", state: "started", enabled: h.vars.enable !== false, daemon_reload: true }, { name: "sysv" });
  } })],
});
`;

describe.skipIf(skip !== undefined)("systemd module on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const converge = (svc: Record<string, unknown>, opts: { env?: string; args?: string[] } = {}) =>
    site.converge(["-e", JSON.stringify({ unit_text: unitFile(opts.env ?? "1"), svc: { name: "dcv-sleeper", ...svc } }), ...(opts.args ?? [])]);
  /** The unit's properties, space-separated in the order asked (systemctl prints its own order). */
  const show = async (...props: string[]) => {
    const lines = (await sh(`systemctl show -p ${props.join(",")} ${UNIT}`)).split("\n");
    return props.map((p) => lines.find((l) => l.startsWith(`${p}=`))?.slice(p.length + 1) ?? "?").join(" ");
  };
  const cleanup = () =>
    sh(
      `systemctl unmask ${UNIT} >/dev/null 2>&1; systemctl disable --now ${UNIT} >/dev/null 2>&1; rm -f ${UNIT_DIR}/${UNIT} ${RELOADS}; ` +
        `systemctl stop ${SYSV} >/dev/null 2>&1; update-rc.d -f ${SYSV} remove >/dev/null 2>&1; rm -f /etc/init.d/${SYSV} /run/${SYSV}.started; ` +
        `systemctl daemon-reload; systemctl reset-failed ${UNIT} ${SYSV}.service 2>/dev/null; true`,
    );

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "sysv.ts": SYSV_SITE }, cleanup);
  });
  afterAll(() => closeSite(root, site, cleanup));

  it("starts and enables a unit written in the same site; a second converge changes nothing", async () => {
    const first = await converge({ state: "started", enabled: true });
    expect(first.code, explain(first)).toBe(0);
    expect(first.stdout).toContain("changed: [lb2] sleeper (enable, start)");
    expect(await show("ActiveState", "SubState", "UnitFileState")).toBe("active running enabled");
    const again = await converge({ state: "started", enabled: true });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("--check reports a unit stopped by hand and starts nothing; the converge starts it", async () => {
    await sh(`systemctl stop ${UNIT}`);
    const check = await converge({ state: "started", enabled: true }, { args: ["--check", "--diff"] });
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["sleeper"]);
    expect(check.stdout).toContain("changed: [lb2] sleeper (start)");
    expect(check.stdout).toContain("-ActiveState: inactive\n+ActiveState: active\n");
    expect(await show("ActiveState")).toBe("inactive");

    const fix = await converge({ state: "started", enabled: true });
    expect(changedTasks(fix), explain(fix)).toEqual(["sleeper"]);
    expect(await show("ActiveState")).toBe("active");
    expect(total(await converge({ state: "started", enabled: true }), "changed")).toBe(0);
  });

  it("a killed daemon is started again without racing its exit", async () => {
    await sh(`systemctl kill -s KILL ${UNIT}`);
    const r = await converge({ state: "started" });
    expect(r.code, explain(r)).toBe(0);
    expect(await show("ActiveState")).toBe("active");
  });

  it("a changed unit file gets daemon-reload by itself; the service restarts only when asked", async () => {
    const pid = await show("MainPID");
    const changed = await converge({ state: "started", enabled: true }, { env: "2" });
    expect(changed.code, explain(changed)).toBe(0);
    expect(changedTasks(changed)).toEqual([`copy ${UNIT_DIR}/${UNIT}`, "sleeper"]);
    expect(changed.stdout).toContain("changed: [lb2] sleeper (daemon-reload)");
    // systemd now knows the new definition; the running process is the old one.
    expect(await show("NeedDaemonReload", "Environment", "MainPID")).toBe(`no DCV_VERSION=2 ${pid}`);
    expect(total(await converge({ state: "started", enabled: true }, { env: "2" }), "changed")).toBe(0);

    // restarted always acts (Ansible's semantics): a new process each time.
    const restart = await converge({ state: "restarted" }, { env: "2" });
    expect(restart.stdout, explain(restart)).toContain("changed: [lb2] sleeper (restart)");
    const newPid = await show("MainPID");
    expect(newPid).not.toBe(pid);
    expect(newPid).not.toBe("0");
  });

  it("reloaded runs ExecReload, keeps the process, and always reports a change", async () => {
    const pid = await show("MainPID");
    for (const n of [1, 2]) {
      const r = await converge({ state: "reloaded" }, { env: "2" });
      expect(r.stdout, explain(r)).toContain("changed: [lb2] sleeper (reload)");
      expect(await sh(`wc -l < ${RELOADS}`)).toBe(`${n}\n`);
    }
    expect(await show("MainPID")).toBe(pid);
  });

  it("masked stops nothing by itself but forbids starting; unmasking brings the unit back", async () => {
    const mask = await converge({ masked: true, state: "stopped" }, { env: "2" });
    expect(mask.code, explain(mask)).toBe(0);
    expect(mask.stdout).toContain("changed: [lb2] sleeper (mask, stop)");
    expect(await show("LoadState", "ActiveState")).toBe("masked inactive");
    expect(await sh(`systemctl start ${UNIT} 2>&1; echo rc=$?`)).toMatch(/masked[\s\S]*rc=1/);
    expect(total(await converge({ masked: true, state: "stopped" }, { env: "2" }), "changed")).toBe(0);

    const check = await converge({ masked: false, enabled: true, state: "started" }, { env: "2", args: ["--check"] });
    expect(check.stdout, explain(check)).toContain("changed: [lb2] sleeper (unmask, enable, start)");
    expect(await show("LoadState")).toBe("masked");

    const unmask = await converge({ masked: false, enabled: true, state: "started" }, { env: "2" });
    expect(unmask.code, explain(unmask)).toBe(0);
    expect(await show("LoadState", "ActiveState", "UnitFileState")).toBe("loaded active enabled");
    expect(total(await converge({ masked: false, enabled: true, state: "started" }, { env: "2" }), "changed")).toBe(0);
  });

  it("stopped and disabled; a unit that does not exist fails in the operator's terms", async () => {
    const off = await converge({ state: "stopped", enabled: false }, { env: "2" });
    expect(off.stdout, explain(off)).toContain("changed: [lb2] sleeper (disable, stop)");
    expect(await show("ActiveState", "UnitFileState")).toBe("inactive disabled");
    expect(total(await converge({ state: "stopped", enabled: false }, { env: "2" }), "changed")).toBe(0);

    const missing = await converge({ name: "dcv-no-such-unit", state: "started" }, { env: "2" });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain("fatal: [lb2] sleeper => unit dcv-no-such-unit.service not found");
  });

  it("an init script written in the same run: daemon_reload makes its unit, enabled means its rc.d links (as Ansible's systemd)", async () => {
    const sysv = (extra: string[] = [], enable = true) => site.converge(["-e", JSON.stringify({ enable }), ...extra], { site: "sysv.ts" });
    const links = () => sh(`ls /etc/rc2.d | grep -c '^S..${SYSV}$'; true`);
    // In --check the copy writes nothing, and a unit that is nowhere fails, under Ansible too: the script is there beforehand.
    await sh(`cat > /etc/init.d/${SYSV} <<'EOF'\n${SYSV_SCRIPT}EOF\nchmod 0755 /etc/init.d/${SYSV}`);
    const check = await sysv(["--check"]);
    expect(check.code, explain(check)).toBe(0);
    expect(check.stdout).toContain("changed: [lb2] sysv (daemon-reload, enable, start)");
    expect(await sh(`systemctl show -p LoadState --value ${SYSV}.service; ls /run/${SYSV}.started 2>&1 | grep -c 'No such'`)).toBe("not-found\n1\n");

    const first = await sysv();
    expect(first.code, explain(first)).toBe(0);
    expect(first.stdout).toContain("changed: [lb2] sysv (daemon-reload, enable, start)");
    expect(await links()).toBe("1\n");
    expect(await sh(`systemctl is-enabled ${SYSV}.service 2>/dev/null; systemctl is-active ${SYSV}.service; ls /run/${SYSV}.started`)).toBe(`enabled\nactive\n/run/${SYSV}.started\n`);
    const again = await sysv();
    expect(total(again, "changed"), explain(again)).toBe(0);

    const off = await sysv([], false);
    expect(changedTasks(off), explain(off)).toEqual(["sysv"]);
    expect(off.stdout).toContain("changed: [lb2] sysv (disable)");
    expect(await links()).toBe("0\n");
    expect(total(await sysv([], false), "changed")).toBe(0);
  });
});
