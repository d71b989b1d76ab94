import { describe, expect, it } from "vitest";
import { type UnitWant, parseShow, planUnit, predictText, unitName } from "../../../src/modules/systemd-plan.js";
import { stepsScript, systemd } from "../../../src/modules/systemd.js";

// `systemctl show -p ...` as systemd 252 prints it (its own property order, not the -p order).
const RUNNING = "Id=dcv.service\nLoadState=loaded\nActiveState=active\nSubState=running\nFragmentPath=/usr/local/lib/systemd/system/dcv.service\nUnitFileState=enabled\nCanReload=no\nNeedDaemonReload=no\n";
const props = (over: Record<string, string> = {}) => ({ ...parseShow(RUNNING), ...over });
const want = (w: Partial<UnitWant>): UnitWant => ({ daemon_reload: false, daemon_reexec: false, ...w });
const plan = (w: Partial<UnitWant>, over: Record<string, string> = {}, others = false) => planUnit("dcv.service", props(over), want(w), others);

describe("systemd: unit names and show output", () => {
  it("adds .service like systemctl, keeps other unit types and templates", () => {
    expect(unitName("nginx")).toBe("nginx.service");
    expect(unitName("getty@tty1")).toBe("getty@tty1.service");
    expect(unitName("dcv-health.socket")).toBe("dcv-health.socket");
    expect(unitName("apt-daily.timer")).toBe("apt-daily.timer");
  });

  it("reads KEY=value lines, values with = intact", () => {
    expect(parseShow("A=b\nExecStart={ path=/bin/sleep ; argv[]=/bin/sleep infinity }\n\n")).toEqual({ A: "b", ExecStart: "{ path=/bin/sleep ; argv[]=/bin/sleep infinity }" });
  });
});

describe("systemd: the plan", () => {
  it("started/stopped act only when needed; restarted and reloaded always act", () => {
    expect(plan({ state: "started", enabled: true })).toEqual([]);
    expect(plan({ state: "started" }, { ActiveState: "failed" })).toEqual(["start"]);
    expect(plan({ state: "started" }, { ActiveState: "activating" })).toEqual([]);
    expect(plan({ state: "stopped" })).toEqual(["stop"]);
    expect(plan({ state: "stopped" }, { ActiveState: "inactive" })).toEqual([]);
    expect(plan({ state: "stopped" }, { ActiveState: "deactivating" })).toEqual(["stop"]);
    expect(plan({ state: "restarted" })).toEqual(["restart"]);
    expect(plan({ state: "restarted" }, { ActiveState: "inactive" })).toEqual(["start"]);
    expect(plan({ state: "reloaded" }, { CanReload: "yes" })).toEqual(["reload"]);
    expect(plan({ state: "reloaded" }, { ActiveState: "inactive" })).toEqual(["start"]);
    expect(() => plan({ state: "reloaded" })).toThrow(/cannot reload/);
  });

  it("a unit file changed on disk gets daemon-reload first, whether asked or not", () => {
    expect(plan({ state: "started" }, { NeedDaemonReload: "yes" })).toEqual(["daemon-reload"]);
    expect(plan({ state: "restarted" }, { NeedDaemonReload: "yes" })).toEqual(["daemon-reload", "restart"]);
    expect(plan({ daemon_reload: true })).toEqual([]);
    expect(plan({ daemon_reload: true }, {}, true)).toEqual(["daemon-reload"]);
    expect(planUnit(undefined, undefined, want({ daemon_reload: true, daemon_reexec: true }), false)).toEqual(["daemon-reexec"]);
  });

  it("enables and disables by unit file state; static units cannot be disabled", () => {
    expect(plan({ enabled: false })).toEqual(["disable"]);
    expect(plan({ enabled: true }, { UnitFileState: "disabled" })).toEqual(["enable"]);
    expect(plan({ enabled: true }, { UnitFileState: "static" })).toEqual([]);
    expect(plan({ enabled: true }, { UnitFileState: "enabled-runtime" })).toEqual([]);
    expect(() => plan({ enabled: false }, { UnitFileState: "static" })).toThrow(/cannot be disabled/);
  });

  it("a unit made from a SysV init script is enabled by its rc.d links (systemctl is-enabled), not by its generated state", () => {
    const sysv = { UnitFileState: "generated", SourcePath: "/etc/init.d/dcv", FragmentPath: "/run/systemd/generator.late/dcv.service" };
    expect(planUnit("dcv.service", props(sysv), want({ enabled: true }), false, { sysvEnabled: false })).toEqual(["enable"]);
    expect(planUnit("dcv.service", props(sysv), want({ enabled: true }), false, { sysvEnabled: true })).toEqual([]);
    expect(planUnit("dcv.service", props(sysv), want({ enabled: false }), false, { sysvEnabled: true })).toEqual(["disable"]);
    expect(planUnit("dcv.service", props(sysv), want({ enabled: false }), false, { sysvEnabled: false })).toEqual([]);
    // A generated unit that is not a SysV script's (a fstab mount) stays as it is.
    expect(() => planUnit("dcv.service", props({ UnitFileState: "generated" }), want({ enabled: false }), false)).toThrow(/cannot be disabled/);
  });

  it("masks and unmasks first, in Ansible's order; a missing unit can only be masked", () => {
    expect(plan({ masked: true, state: "stopped" })).toEqual(["mask", "stop"]);
    expect(plan({ masked: false, enabled: true, state: "started" }, { LoadState: "masked", UnitFileState: "masked", ActiveState: "inactive" })).toEqual(["unmask", "enable", "start"]);
    expect(plan({ masked: false }, { LoadState: "loaded" })).toEqual([]);
    const missing = { LoadState: "not-found", UnitFileState: "", ActiveState: "inactive" };
    expect(plan({ masked: true }, missing)).toEqual(["mask"]);
    expect(() => plan({ state: "started" }, missing)).toThrow(/not found/);
  });

  it("predicts the state for --diff", () => {
    expect(predictText(props({ ActiveState: "inactive", UnitFileState: "disabled" }), ["enable", "start"])).toBe("ActiveState: active\nUnitFileState: enabled\nLoadState: loaded\n");
  });
});

describe("systemd: sleep (Ansible's service sleep)", () => {
  it("a restart with sleep is stop, the pause, then start; other steps and sleep 0 are as they were", () => {
    const withSleep = stepsScript(["daemon-reload", "restart"], "dcv.service", false, 5);
    expect(withSleep).toHaveLength(4);
    expect(withSleep[1]).toContain("systemctl stop -- dcv.service ");
    expect(withSleep[2]).toBe("sleep 5");
    expect(withSleep[3]).toContain("systemctl start -- dcv.service ");
    expect(stepsScript(["restart"], "dcv.service", false, 0)).toEqual(stepsScript(["restart"], "dcv.service", false, undefined));
    expect(stepsScript(["restart"], "dcv.service", false, undefined)[0]).toContain("systemctl restart -- dcv.service ");
    expect(stepsScript(["start"], "dcv.service", false, 5)).toHaveLength(1);
  });

  it("the schema: whole seconds, not negative", () => {
    expect(systemd.args.parse({ name: "dcv", state: "restarted", sleep: 5 }).sleep).toBe(5);
    for (const bad of [-1, 1.5, "5"]) expect(systemd.args.safeParse({ name: "dcv", state: "restarted", sleep: bad }).success, String(bad)).toBe(false);
  });
});
