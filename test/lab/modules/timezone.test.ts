import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// timezone on web3 (this family's host: nothing else runs there). The container runs systemd, so
// timedatectl works and is the way; with systemd-timedated masked it does not, and Debian's way
// (/etc/timezone, the /etc/localtime link, dpkg-reconfigure tzdata) is taken instead.

const skip = labSkipReason();
const HOST = "web3";

const SITE = playSite("timezone", {}, `    await h.timezone({ name: String(h.vars.tz), hwclock: h.vars.rtc === "local" ? "local" : "UTC" }, { name: "timezone" });\n`);
const NAME_ONLY = playSite("timezone name", {}, `    await h.timezone({ name: String(h.vars.tz) }, { name: "timezone" });\n`);
const FAILING = playSite(
  "failing timezone",
  {},
  `
    await h.timezone({ name: "Mars/Olympus_Mons" }, { name: "unknown zone", ignoreErrors: true });
    await h.timezone({ hwclock: "local" }, { name: "hwclock", ignoreErrors: true });
`,
);

// As the lab's image has it (timedatectl itself would leave a relative link).
const RESTORE = "systemctl unmask systemd-timedated >/dev/null 2>&1; timedatectl set-timezone Etc/UTC; timedatectl set-local-rtc no; echo Etc/UTC > /etc/timezone; ln -sfn /usr/share/zoneinfo/Etc/UTC /etc/localtime";
/** /etc/localtime's target, absolute (timedatectl writes it relative to /etc). */
const LINK = "readlink /etc/localtime | sed 's#^[.][.]/#/#'";

describe.skipIf(skip !== undefined)("timezone on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  const state = () => sh(`timedatectl show -p Timezone -p LocalRTC; ${LINK}`);
  let site: TestSite;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "name.ts": NAME_ONLY, "failing.ts": FAILING }, () => sh(RESTORE));
  });
  afterAll(() => closeSite(root, site, () => sh(RESTORE)));

  it("sets the zone and the RTC mode through timedatectl, then a second converge changes nothing", async () => {
    const first = await site.converge(["-e", "tz=Europe/Paris", "-e", "rtc=local"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["timezone"]);
    expect(first.stdout).toMatch(/timezone \(name Etc\/UTC -> Europe\/Paris, hwclock UTC -> local\)/);
    expect(await state()).toBe("Timezone=Europe/Paris\nLocalRTC=yes\n/usr/share/zoneinfo/Europe/Paris\n");

    const second = await site.converge(["-e", "tz=Europe/Paris", "-e", "rtc=local"]);
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff reports a zone changed by hand and changes nothing; the next converge repairs it", async () => {
    await sh("timedatectl set-timezone Asia/Tokyo");
    const check = await site.converge(["--check", "--diff", "-e", "tz=Europe/Paris", "-e", "rtc=local"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["timezone"]);
    expect(check.stdout).toContain("-name: Asia/Tokyo\n+name: Europe/Paris\n");
    expect(await state()).toBe("Timezone=Asia/Tokyo\nLocalRTC=yes\n/usr/share/zoneinfo/Asia/Tokyo\n");

    const fix = await site.converge(["-e", "tz=Europe/Paris", "-e", "rtc=UTC"]);
    expect(fix.code, explain(fix)).toBe(0);
    expect(await state()).toBe("Timezone=Europe/Paris\nLocalRTC=no\n/usr/share/zoneinfo/Europe/Paris\n");
    const again = await site.converge(["-e", "tz=Europe/Paris", "-e", "rtc=UTC"]);
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("an unknown zone is a clear error, and so is hwclock where timedatectl does not work", async () => {
    await sh("systemctl stop systemd-timedated; systemctl mask systemd-timedated >/dev/null 2>&1");
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName["unknown zone"]?.msg).toBe('given timezone "Mars/Olympus_Mons" is not available (no /usr/share/zoneinfo/Mars/Olympus_Mons: is tzdata installed?)');
    expect(byName.hwclock?.msg).toMatch(/^hwclock can only be set through timedatectl, which does not work on this host/);
    expect(await sh(LINK)).toBe("/usr/share/zoneinfo/Europe/Paris\n");
  });

  it("without a working timedatectl, writes /etc/timezone and the /etc/localtime link as Ansible does on Debian", async () => {
    await sh("systemctl stop systemd-timedated; systemctl mask systemd-timedated >/dev/null 2>&1; echo Europe/Paris > /etc/timezone");
    const check = await site.converge(["--check", "--diff", "-e", "tz=America/New_York"], { site: "name.ts" });
    expect(check.code, explain(check)).toBe(0);
    expect(check.stdout).toContain("-name: Europe/Paris\n+name: America/New_York\n");
    expect(await sh(`cat /etc/timezone; ${LINK}`)).toBe("Europe/Paris\n/usr/share/zoneinfo/Europe/Paris\n");

    const r = await site.converge(["-e", "tz=America/New_York"], { site: "name.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r)).toEqual(["timezone"]);
    expect(await sh("readlink /etc/localtime; cat /etc/timezone")).toBe("/usr/share/zoneinfo/America/New_York\nAmerica/New_York\n");
    const again = await site.converge(["-e", "tz=America/New_York"], { site: "name.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);

    // The link changed by hand is drift even when /etc/timezone still has the name.
    await sh("ln -sfn /usr/share/zoneinfo/Asia/Tokyo /etc/localtime");
    const fix = await site.converge(["-e", "tz=America/New_York"], { site: "name.ts" });
    expect(changedTasks(fix)).toEqual(["timezone"]);
    expect(await sh("readlink /etc/localtime")).toBe("/usr/share/zoneinfo/America/New_York\n");
  });
});
