import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cronCommand, cronTimes, renderCronFile, withCrontabBlock, withoutCrontabBlock, crontabBlock } from "../../../src/schedule/cron.js";
import { parseDuration, systemdSpan } from "../../../src/schedule/duration.js";
import { scheduledArgv } from "../../../src/schedule/run-argv.js";
import { type ScheduleSpec, readSpecLine } from "../../../src/schedule/spec.js";
import { parseSystemdCommand, systemdCommand, unitSetting, unitSettings } from "../../../src/schedule/systemd-quote.js";
import { renderUnits, timerSchedule } from "../../../src/schedule/systemd-units.js";

const spec = (over: Partial<ScheduleSpec> = {}): ScheduleSpec => ({
  name: "infra",
  backend: "systemd",
  site: "/srv/infra/site.ts",
  every: 1800,
  randomDelay: 300,
  check: false,
  inventory: ["/srv/infra/inventory/digitalocean.yml"],
  knownHosts: [],
  passwordFile: "/etc/do-converge/password",
  reportDir: "/var/lib/do-converge/infra",
  keepReports: 30,
  node: process.execPath,
  bin: "/srv/infra/node_modules/do-converge/bin/do-converge.js",
  ...over,
});

describe("durations", () => {
  it("parse the short forms and print back as systemd spans", () => {
    expect(parseDuration("30m", "--every")).toBe(1800);
    expect(parseDuration("1h30m", "--every")).toBe(5400);
    expect(parseDuration("1d", "--every")).toBe(86400);
    expect(parseDuration("90s", "--every")).toBe(90);
    expect(systemdSpan(5400)).toBe("1h 30min");
    expect(systemdSpan(20)).toBe("20s");
    for (const bad of ["", "30", "m", "30x", "1h 30", "-5m"]) expect(() => parseDuration(bad, "--every")).toThrow(/--every .*not a duration/);
  });
});

describe("systemd command lines", () => {
  it("quote every argument so that systemd's parsing gives it back unchanged", () => {
    const argv = ["/usr/bin/node", "/srv/my infra/site.ts", `a"b\\c`, "100%", "$HOME", "it's", ""];
    const line = systemdCommand(argv);
    expect(line).toContain("100%%");
    expect(line).toContain("$$HOME");
    expect(parseSystemdCommand(line)).toEqual(argv);
  });

  it("refuse a newline", () => {
    expect(() => systemdCommand(["a\nb"])).toThrow(/newline/);
  });
});

describe("systemd units", () => {
  it("pick a calendar time (Persistent) for divisors of the hour or day, else monotonic timers", () => {
    expect(timerSchedule(1800)).toEqual(["OnCalendar=*-*-* *:00/30:00", "Persistent=true"]);
    expect(timerSchedule(3600)).toEqual(["OnCalendar=*-*-* *:00:00", "Persistent=true"]);
    expect(timerSchedule(6 * 3600)).toEqual(["OnCalendar=*-*-* 00/6:00:00", "Persistent=true"]);
    expect(timerSchedule(86400)).toEqual(["OnCalendar=*-*-* 00:00:00", "Persistent=true"]);
    expect(timerSchedule(45 * 60)).toEqual(["OnActiveSec=45min", "OnUnitActiveSec=45min"]);
    expect(timerSchedule(20)).toEqual(["OnActiveSec=20s", "OnUnitActiveSec=20s"]);
  });

  it("run the scheduled command from the site's directory, with the password file's path in the environment only", () => {
    const u = renderUnits(spec());
    expect(unitSetting(u.service, "Type")).toBe("oneshot");
    expect(unitSetting(u.service, "WorkingDirectory")).toBe("/srv/infra");
    expect(unitSettings(u.service, "Environment")).toEqual(['"NO_COLOR=1"', '"DO_CONVERGE_PASSWORD_FILE=/etc/do-converge/password"']);
    const argv = parseSystemdCommand(unitSetting(u.service, "ExecStart") ?? "");
    expect(argv).toEqual(scheduledArgv(spec()));
    expect(argv.slice(0, 7)).toEqual([process.execPath, spec().bin, "/srv/infra/site.ts", "--detect-drift", "--json", "/var/lib/do-converge/infra/last.json", "--keep-reports"]);
    expect(argv).toContain("--syslog");
    expect(argv).not.toContain("--check");
    expect(argv.join(" ")).not.toContain("password");
    expect(unitSetting(u.service, "SuccessExitStatus")).toBe("8");
    expect(unitSetting(u.timer, "RandomizedDelaySec")).toBe("5min");
    expect(unitSetting(u.timer, "Unit")).toBe("do-converge-infra.service");
    expect(readSpecLine(u.timer, "t")).toEqual(spec());
    expect(parseSystemdCommand(unitSetting(renderUnits(spec({ check: true })).service, "ExecStart") ?? "")).toContain("--check");
  });

  const hasAnalyze = spawnSync("sh", ["-c", "command -v systemd-analyze"]).status === 0;
  const dir = mkdtempSync(join(tmpdir(), "dcv-units-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!hasAnalyze)("pass systemd-analyze verify without a word of complaint", () => {
    const cases: [string, ScheduleSpec][] = [
      ["calendar", spec()],
      ["monotonic", spec({ name: "mono", every: 45 * 60, randomDelay: 0, runAs: "daemon", check: true, site: "/srv/my infra 100%/site.ts" })],
    ];
    for (const [what, s] of cases) {
      const u = renderUnits(s);
      const base = join(dir, `do-converge-${s.name}`);
      writeFileSync(`${base}.service`, u.service);
      writeFileSync(`${base}.timer`, u.timer);
      const r = spawnSync("systemd-analyze", ["verify", `${base}.timer`, `${base}.service`], { encoding: "utf8" });
      expect({ what, status: r.status, stderr: r.stderr }).toEqual({ what, status: 0, stderr: "" });
    }
  });

  it.skipIf(!hasAnalyze)("are checked by that verify for real (a broken unit fails it)", () => {
    const broken = renderUnits(spec()).service.replace(/^ExecStart=\S+/m, "ExecStart=/nonexistent/node");
    writeFileSync(join(dir, "do-converge-broken.service"), broken);
    expect(spawnSync("systemd-analyze", ["verify", join(dir, "do-converge-broken.service")]).status).not.toBe(0);
  });
});

describe("cron", () => {
  it("expresses divisors of the hour or the day, and says why not otherwise", () => {
    expect(cronTimes(60)).toBe("* * * * *");
    expect(cronTimes(1800)).toBe("*/30 * * * *");
    expect(cronTimes(3600)).toBe("0 * * * *");
    expect(cronTimes(4 * 3600)).toBe("0 */4 * * *");
    expect(cronTimes(86400)).toBe("0 0 * * *");
    expect(() => cronTimes(45 * 60)).toThrow(/cron cannot run every 45m/);
  });

  it("a cron.d line: the user, a random sleep, the scheduled command with its log; % escaped", () => {
    const s = spec({ backend: "cron", site: "/srv/100%/site.ts" });
    const file = renderCronFile(s);
    const line = file.split("\n").find((l) => l.startsWith("*/30 ")) ?? "";
    expect(line).toMatch(/^\*\/30 \* \* \* \* root cd \/srv\/100\\%/);
    expect(line).toContain(`sleep "$(shuf -i 0-300 -n 1)"`);
    expect(line).toContain("NO_COLOR=1 DO_CONVERGE_PASSWORD_FILE=/etc/do-converge/password exec ");
    expect(line).toMatch(/ >\/var\/lib\/do-converge\/infra\/last\.log 2>&1$/);
    // Every % is escaped, or cron would cut the command there.
    expect(line.replace(/\\%/g, "")).not.toContain("%");
    expect(readSpecLine(file, "f")).toEqual(s);
    expect(cronCommand(spec({ randomDelay: 0 }))).not.toContain("sleep");
  });

  it("a crontab block is added, replaced and removed without touching other lines", () => {
    const mine = "MAILTO=ops\n0 3 * * * /usr/local/bin/backup\n";
    const once = withCrontabBlock(mine, spec({ backend: "cron" }));
    expect(once.startsWith(mine)).toBe(true);
    const twice = withCrontabBlock(once, spec({ backend: "cron", every: 3600 }));
    expect(twice.match(/# BEGIN do-converge schedule infra/g)).toHaveLength(1);
    expect(crontabBlock(twice, "infra")).toContain("\n0 * * * * cd /srv/infra");
    const other = withCrontabBlock(twice, spec({ backend: "cron", name: "other" }));
    expect(withoutCrontabBlock(withoutCrontabBlock(other, "infra"), "other").replace(/\n+$/, "\n")).toBe(mine);
    expect(() => withoutCrontabBlock("# BEGIN do-converge schedule infra\nx\n", "infra")).toThrow(/no "# END/);
  });
});
