import { describe, expect, it } from "vitest";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { type MountState, maskOptions, mount } from "../../../src/modules/mount.js";
import { ansibleSource, describeMount, mountAt, mountedAs, parseMountinfo, sameSource } from "../../../src/modules/mountinfo.js";

// What mount decides from a host's mount table and fstab: the mountinfo reading (a lab host's,
// with a tmpfs and a bind mount added) and the plan of each state.

const MOUNTINFO = `1019 996 0:88 / / rw,relatime shared:336 - overlay overlay rw,lowerdir=/base,upperdir=/up,workdir=/work
1020 1019 0:104 / /tmp rw,nosuid,nodev shared:352 - tmpfs tmpfs rw,size=2468380k
1025 1019 0:108 / /run rw,nosuid,nodev shared:356 - tmpfs tmpfs rw,mode=755
1026 1025 0:108 /host /run/host ro,nosuid,nodev,noexec shared:356 - tmpfs tmpfs rw,mode=755
5098 1019 0:342 / /srv/dcv\\040x rw,relatime shared:1831 - tmpfs tmpfs rw,size=1024k
5103 1019 0:88 /srv/a /srv/b rw,relatime shared:336 - overlay overlay rw,lowerdir=/base
`;
const mounts = parseMountinfo(MOUNTINFO);

describe("mountinfo as Ansible's mount reads it", () => {
  it("parses mount points (unescaped), sources and roots", () => {
    expect(mounts).toHaveLength(6);
    expect(mountAt(mounts, "/srv/dcv x/")).toMatchObject({ dst: "/srv/dcv x", fstype: "tmpfs", source: "tmpfs", opts: "rw,relatime" });
    expect(mountAt(mounts, "/srv/c")).toBeUndefined();
  });

  it("the source Ansible compares with src: the bound directory of a bind mount, the parent's mount point before a sub-root", () => {
    const at = (p: string) => {
      const m = mountAt(mounts, p);
      if (!m) throw new Error(`no mount at ${p}`);
      return ansibleSource(mounts, m);
    };
    expect(at("/srv/b")).toBe("/srv/a");
    expect(at("/srv/dcv x")).toBe("/");
    expect(at("/run/host")).toBe("/run/host");
    expect(at("/")).toBe("overlay");
  });

  it("mounted for state=mounted: another file system, or a bind mount of src; a bind mount of another directory is not", () => {
    expect(mountedAs(mounts, "/srv/dcv x", "anything")).toBe(true);
    expect(mountedAs(mounts, "/srv/b", "/srv/a")).toBe(true);
    expect(mountedAs(mounts, "/srv/b", "/srv/other")).toBe(false);
    expect(mountedAs(mounts, "/srv/c", "tmpfs")).toBe(false);
    expect(sameSource(mounts, "/srv/dcv x", "tmpfs")).toBe(true);
    expect(sameSource(mounts, "/srv/b", "/srv/a")).toBe(true);
    expect(sameSource(mounts, "/srv/dcv x", "/dev/sdb1")).toBe(false);
    expect(describeMount(mountAt(mounts, "/srv/b"), "/srv/b")).toBe("overlay[/srv/a] on /srv/b type overlay (rw,relatime)\n");
    expect(describeMount(undefined, "/srv/c/")).toBe("/srv/c: not mounted\n");
  });
});

const FSTAB = "# UNCONFIGURED FSTAB FOR BASE SYSTEM\n";
const LINE = "tmpfs /srv/dcv x tmpfs size=1m 0 0\n".replace("dcv x", "dcv\\040x");

function state(fstab: string | undefined, pathExists: boolean, table = MOUNTINFO): MountState {
  const file = fstab === undefined ? { type: "absent" as const, path: "/etc/fstab" } : { type: "file" as const, path: "/etc/fstab", owner: "root", group: "root", mode: "644", size: fstab.length, sha256: "", target: "" };
  return { fstab: { realPath: "/etc/fstab", file, ...(fstab === undefined ? {} : { content: Buffer.from(fstab) }), parentExists: true }, mounts: parseMountinfo(table), pathExists };
}

const ctx = {} as ModuleContext;
const plan = (args: Record<string, unknown>, st: MountState) => mount.diff(mount.args.parse(args), st, ctx);
const NOT_MOUNTED = MOUNTINFO.split("\n").filter((l) => !l.includes("dcv")).join("\n");

describe("mount's plan for each state", () => {
  const TMP = { path: "/srv/dcv x", src: "tmpfs", fstype: "tmpfs", opts: "size=1m" };

  it("mounted: the directory, the line and the mount; then nothing; a changed line remounts", () => {
    const first = plan({ ...TMP, state: "mounted" }, state(FSTAB, false, NOT_MOUNTED));
    expect(first?.summary).toBe("create /srv/dcv x, fstab line set, mount");
    expect(first?.diffs).toEqual([
      { label: "/etc/fstab", before: FSTAB, after: FSTAB + LINE },
      { label: "/srv/dcv x (mount)", before: "/srv/dcv x: not mounted\n", after: "tmpfs on /srv/dcv x type tmpfs (size=1m)\n" },
    ]);
    expect(plan({ ...TMP, state: "mounted" }, state(FSTAB + LINE, true))).toBeUndefined();
    expect(plan({ ...TMP, opts: "size=2m", state: "mounted" }, state(FSTAB + LINE, true))?.summary).toBe("fstab line set, remount");
    // Mounted but not in fstab: the line is written and, as in Ansible, the mount remounted.
    expect(plan({ ...TMP, state: "mounted" }, state(FSTAB, true))?.summary).toBe("fstab line set, remount");
  });

  it("present writes the line only; absent_from_fstab removes it only", () => {
    expect(plan({ ...TMP, state: "present" }, state(undefined, false, NOT_MOUNTED))?.summary).toBe("fstab created");
    expect(plan({ ...TMP, state: "present" }, state(FSTAB + LINE, true))).toBeUndefined();
    expect(plan({ path: "/srv/dcv x", state: "absent_from_fstab" }, state(FSTAB + LINE, true))?.summary).toBe("fstab line removed");
  });

  it("unmounted unmounts when mounted; absent acts only on a path that has an fstab line, as Ansible", () => {
    expect(plan({ path: "/srv/dcv x", state: "unmounted" }, state(FSTAB + LINE, true))?.summary).toBe("umount");
    expect(plan({ path: "/srv/dcv x", state: "unmounted" }, state(FSTAB + LINE, true, NOT_MOUNTED))).toBeUndefined();
    expect(plan({ path: "/srv/dcv x", state: "absent" }, state(FSTAB + LINE, true))?.summary).toBe("fstab line removed, umount, remove /srv/dcv x");
    expect(plan({ path: "/srv/dcv x", state: "absent" }, state(FSTAB + LINE, true, NOT_MOUNTED))?.summary).toBe("fstab line removed, remove /srv/dcv x");
    expect(plan({ path: "/srv/dcv x", state: "absent" }, state(FSTAB, true))).toBeUndefined();
  });

  it("remounted and ephemeral are a change on every run; ephemeral refuses a mount of another source", () => {
    expect(plan({ path: "/srv/dcv x", state: "remounted" }, state(FSTAB + LINE, true))?.diffs?.[0]).toEqual({
      label: "/srv/dcv x (mount)",
      before: "tmpfs on /srv/dcv x type tmpfs (rw,relatime)\n",
      after: "tmpfs on /srv/dcv x type tmpfs (remount)\n",
    });
    expect(plan({ ...TMP, state: "ephemeral" }, state(undefined, true))?.summary).toBe("remount");
    expect(plan({ ...TMP, state: "ephemeral" }, state(undefined, false, NOT_MOUNTED))?.summary).toBe("create /srv/dcv x, mount");
    expect(() => plan({ ...TMP, src: "/dev/sdb1", fstype: "ext4", state: "ephemeral" }, state(undefined, true))).toThrow(/already mounted with a different source than \/dev\/sdb1 \(tmpfs on \/srv\/dcv x/);
  });

  it("arguments: state is required, src and fstype with mounted, present and ephemeral; no tabs; unknown arguments refused", () => {
    const problem = (a: Record<string, unknown>) => mount.args.safeParse(a).error?.issues[0]?.message;
    expect(problem({ path: "/mnt/x" })).toMatch(/state|expected/i);
    expect(problem({ path: "/mnt/x", state: "mounted", fstype: "tmpfs" })).toBe("src is required with state=mounted");
    expect(problem({ path: "/mnt/x", state: "present", src: "tmpfs" })).toBe("fstype is required with state=present");
    expect(problem({ path: "/mnt/x", state: "mounted", src: "tmpfs", fstype: "tmpfs", opts: "a\tb" })).toBe("opts on one line, without tabs");
    expect(problem({ path: "/mnt/x", state: "unmounted", dest: "/mnt/y" })).toMatch(/unrecognized|dest/i);
    expect(problem({ path: "mnt/x", state: "unmounted" })).toBe("an absolute path");
    expect(mount.args.parse({ path: "/mnt/x", state: "present", src: "tmpfs", fstype: "tmpfs", dump: 1, passno: 2 })).toMatchObject({ dump: "1", passno: "2", fstab: "/etc/fstab", boot: true });
  });

  it("a password in the options is masked in --diff, in fstab's lines and the mount's", () => {
    const cifs = { path: "/mnt/share", src: "//nas/share", fstype: "cifs", opts: "rw,username=u,password=s3cret,vers=3", state: "mounted" };
    const c = plan(cifs, state(`//nas/share /mnt/share cifs rw,password=old 0 0\n`, true, NOT_MOUNTED));
    const shown = JSON.stringify(c?.diffs);
    expect(shown).not.toMatch(/s3cret|old/);
    expect(c?.diffs?.[0]?.after).toBe("//nas/share /mnt/share cifs rw,username=u,password=********,vers=3 0 0\n");
    expect(maskOptions("pass=x,passno=1 password=y")).toBe("pass=********,passno=1 password=********");
  });
});
