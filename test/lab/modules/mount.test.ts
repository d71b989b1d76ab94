import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// mount on a real host: tmpfs and bind mounts (what an nspawn container may mount) under a scratch
// directory, in /etc/fstab and in another fstab file; /etc/fstab is put back byte for byte after.

const skip = labSkipReason();
const HOST = "lb1";
const DIR = "/srv/dcv-mount-test";

const SITE = playSite(
  "mounts",
  { D: DIR },
  `
    await h.mount({ path: D + "/tmp", src: "tmpfs", fstype: "tmpfs", opts: "size=1m,mode=0750", state: "mounted" }, { name: "tmpfs mounted" });
    await h.mount({ path: D + "/bind", src: D + "/src", fstype: "none", opts: "bind", state: "mounted" }, { name: "bind mounted" });
    await h.mount({ path: D + "/later", src: "tmpfs", fstype: "tmpfs", opts: "size=2m", boot: false, state: "present" }, { name: "present only" });
    await h.mount({ path: D + "/alt", src: "tmpfs", fstype: "tmpfs", opts: "size=1m", fstab: D + "/fstab.alt", state: "mounted" }, { name: "other fstab" });
    await h.mount({ path: D + "/off", state: "unmounted" }, { name: "unmounted" });
    await h.mount({ path: D + "/gone", state: "absent" }, { name: "absent" });
`,
);

const AGAIN = playSite(
  "remount and ephemeral",
  { D: DIR },
  `
    await h.mount({ path: D + "/tmp", state: "remounted" }, { name: "remounted" });
    await h.mount({ path: D + "/eph", src: "tmpfs", fstype: "tmpfs", opts: "size=3m", state: "ephemeral" }, { name: "ephemeral" });
`,
);

const FAILING = playSite(
  "failing mounts",
  { D: DIR },
  `
    await h.mount({ path: D + "/bad/deep", src: "nothing", fstype: "nosuchfs", state: "mounted" }, { name: "unknown fstype", ignoreErrors: true });
    await h.mount({ path: D + "/tmp", src: "/dev/nosuchdisk", fstype: "ext4", state: "ephemeral" }, { name: "ephemeral over another", ignoreErrors: true });
    await h.mount({ path: D + "/nothere", state: "remounted" }, { name: "remount of nothing", ignoreErrors: true });
`,
);

// Arguments the schema refuses fail the task before the host is touched, ignoreErrors or not.
const NO_SRC = playSite("no src", { D: DIR }, `    await h.mount({ path: D + "/nosrc", fstype: "tmpfs", state: "mounted" }, { name: "no src" });`);

/** The hand-made part of fstab the test starts from: a comment, a line with tabs, one to remove. */
const SEEDED = `# dcv mount test: kept as it is\ntmpfs\t${DIR}/off\ttmpfs\tsize=1m\t0\t0\ntmpfs ${DIR}/gone tmpfs defaults 0 0\n`;
const WRITTEN = [
  `tmpfs ${DIR}/tmp tmpfs size=1m,mode=0750 0 0\n`,
  `${DIR}/src ${DIR}/bind none bind 0 0\n`,
  `tmpfs ${DIR}/later tmpfs size=2m,noauto 0 0\n`,
].join("");
const KEPT = `# dcv mount test: kept as it is\ntmpfs\t${DIR}/off\ttmpfs\tsize=1m\t0\t0\n`;

describe.skipIf(skip !== undefined)("mount on a real host (lb1)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  /** /etc/fstab as the test found it, base64. */
  let original = "";
  let before = "";
  const mounted = () => sh(`findmnt -rn -o TARGET,FSTYPE,OPTIONS | grep '^${DIR}' | sed 's/,inode64//' | sort || true`);
  const unmountAll = () => sh(`for m in $(findmnt -rn -o TARGET | grep '^${DIR}' | sort -r); do umount "$m" || umount -l "$m"; done; true`);

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "again.ts": AGAIN, "failing.ts": FAILING, "nosrc.ts": NO_SRC }, async () => {
      original = (await sh("base64 -w0 /etc/fstab")).trim();
      before = Buffer.from(original, "base64").toString("utf8");
      await unmountAll();
      await sh(
        [
          `rm -rf ${DIR}; mkdir -p ${DIR}/src ${DIR}/off ${DIR}/gone; echo hello > ${DIR}/src/hello`,
          `cp -p /etc/fstab ${DIR}.fstab.orig`,
          `printf '%s' '${SEEDED}' >> /etc/fstab`,
          `mount -t tmpfs -o size=1m tmpfs ${DIR}/off; mount -t tmpfs tmpfs ${DIR}/gone`,
        ].join("\n"),
      );
    });
  });
  afterAll(async () => {
    // fstab goes back first, whatever else fails; a failure to put it back fails the test.
    await unmountAll().catch(() => undefined);
    let now = original;
    if (original !== "") {
      await sh(`printf '%s' '${original}' | base64 -d > /etc/fstab && rm -f ${DIR}.fstab.orig`);
      now = (await sh("base64 -w0 /etc/fstab")).trim();
    }
    await closeSite(root, site, () => sh(`rm -rf ${DIR}`));
    expect(now).toBe(original);
  });

  it("mounts, writes fstab, unmounts and removes; a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["tmpfs mounted", "bind mounted", "present only", "other fstab", "unmounted", "absent"]);
    expect(await sh("cat /etc/fstab")).toBe(before + KEPT + WRITTEN);
    expect(await sh(`cat ${DIR}/fstab.alt`)).toBe(`tmpfs ${DIR}/alt tmpfs size=1m 0 0\n`);
    const table = await mounted();
    expect(table).toMatch(new RegExp(`^${DIR}/alt tmpfs rw,relatime,size=1024k\n${DIR}/bind \\S+ \\S+\n${DIR}/tmp tmpfs rw,relatime,size=1024k,mode=750\n$`));
    expect(await sh(`cat ${DIR}/bind/hello; stat -c %a ${DIR}/tmp; ls ${DIR}`)).toBe("hello\n750\nalt\nbind\nfstab.alt\noff\nsrc\ntmp\n");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
    expect(await sh("cat /etc/fstab")).toBe(before + KEPT + WRITTEN);
  });

  it("--check --diff reports drift (an fstab line, a mount gone) and changes nothing; the next converge repairs and remounts", async () => {
    await sh(`sed -i 's#^tmpfs ${DIR}/tmp tmpfs size=1m,mode=0750 0 0#tmpfs   ${DIR}/tmp   tmpfs   size=3m   0   0#' /etc/fstab; mount -o remount,size=3m ${DIR}/tmp; umount ${DIR}/bind`);
    const drifted = await sh("cat /etc/fstab");
    const table = await mounted();
    expect(table).toContain(`${DIR}/tmp tmpfs rw,relatime,size=3072k,mode=750`);

    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["tmpfs mounted", "bind mounted"]);
    expect(check.stdout).toContain(`-tmpfs   ${DIR}/tmp   tmpfs   size=3m   0   0\n+tmpfs ${DIR}/tmp tmpfs size=1m,mode=0750 0 0\n`);
    expect(check.stdout).toContain(`-${DIR}/bind: not mounted\n+${DIR}/src on ${DIR}/bind type none (bind)\n`);
    expect(await sh("cat /etc/fstab")).toBe(drifted);
    expect(await mounted()).toBe(table);

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["tmpfs mounted", "bind mounted"]);
    expect(await sh("cat /etc/fstab")).toBe(before + KEPT + WRITTEN);
    expect(await mounted()).toContain(`${DIR}/tmp tmpfs rw,relatime,size=1024k,mode=750`);
    expect(await sh(`cat ${DIR}/bind/hello`)).toBe("hello\n");
  });

  it("remounted and ephemeral change on every run, and leave fstab alone", async () => {
    for (let i = 0; i < 2; i++) {
      const r = await site.converge([], { site: "again.ts" });
      expect(r.code, explain(r)).toBe(0);
      expect(changedTasks(r)).toEqual(["remounted", "ephemeral"]);
    }
    expect(await mounted()).toContain(`${DIR}/eph tmpfs rw,relatime,size=3072k`);
    expect(await sh("cat /etc/fstab")).toBe(before + KEPT + WRITTEN);
  });

  it("failures say why in mount's words, and leave fstab and the directories as they were", async () => {
    const table = await mounted();
    for (const mode of [["--check"], []]) {
      const r = await site.converge([...mode, "--no-typecheck"], { site: "failing.ts" });
      expect(r.code, explain(r)).toBe(0);
      const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
      expect(byName["ephemeral over another"]?.msg).toMatch(new RegExp(`^${DIR}/tmp: ephemeral mount point is already mounted with a different source than /dev/nosuchdisk \\(tmpfs on ${DIR}/tmp type tmpfs`));
      if (mode.length === 0) {
        expect(byName["unknown fstype"]?.msg).toBe(`Error mounting ${DIR}/bad/deep: mount: ${DIR}/bad/deep: unknown filesystem type 'nosuchfs'.\n       dmesg(1) may have more information after failed mount system call.`);
        expect(byName["remount of nothing"]?.msg).toMatch(new RegExp(`^Error remounting ${DIR}/nothere: umount: ${DIR}/nothere: .*(not mounted|no mount point|No such file)`));
      } else {
        expect(byName["unknown fstype"]?.status).toBe("changed");
      }
    }
    const nosrc = await site.converge(["--no-typecheck"], { site: "nosrc.ts" });
    expect(nosrc.code, explain(nosrc)).toBe(2);
    expect(nosrc.stdout).toContain("fatal: [lb1] no src => invalid arguments: src: src is required with state=mounted\n");
    expect(await sh("cat /etc/fstab")).toBe(before + KEPT + WRITTEN);
    expect(await sh(`ls ${DIR}`)).toBe("alt\nbind\neph\nfstab.alt\noff\nsrc\ntmp\n");
    expect(await mounted()).toBe(table);
  });
});
