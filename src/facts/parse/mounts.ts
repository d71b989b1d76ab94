import type { AnsibleFacts } from "../schema.js";
import type { Sections } from "../sections.js";

type Mount = AnsibleFacts["mounts"][number];

/** An mtab field with its octal escapes (`\040` for a space) replaced, as Ansible does. */
export function unescapeOctal(field: string): string {
  return field.replace(/\\[0-9]{3}/g, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 8)));
}

/**
 * hardware/linux.py get_mount_facts: every mtab entry of a block device, a path or a network
 * share, with statvfs figures (when this user may stat the mount point), the file system UUID
 * (lsblk, else udevadm, else "N/A"), and `,bind` on the options of a bind mount (findmnt shows
 * its source with a [path]). One entry per mount point: a later line replaces an earlier one in
 * its place.
 */
export function mountFacts(s: Sections, bins: ReadonlySet<string>): Mount[] {
  const bind = new Set<string>();
  if (s.rc("findmnt") === 0) {
    for (const line of s.lines("findmnt")) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 2 && (f[1] ?? "").includes("]")) bind.add(f[0] ?? "");
    }
  }
  const uuids = new Map<string, string>();
  if (s.rc("lsblk") === 0) {
    for (const line of s.lines("lsblk")) {
      const m = /^(.*\S)\s+(\S+)$/.exec(line.trim());
      if (m?.[1] !== undefined && m[2] !== undefined && !uuids.has(m[1])) uuids.set(m[1], m[2]);
    }
  }
  // `stat -f -c '%S %s %b %a %f %c %d %n'`: seven figures, then the mount point.
  const statvfs = new Map<string, number[]>();
  for (const line of s.lines("statvfs")) {
    const f = line.split(" ");
    statvfs.set(f.slice(7).join(" "), f.slice(0, 7).map(Number));
  }
  const results = new Map<string, Mount>();
  // get_mtab_entries: /etc/mtab when it exists, else /proc/mounts (the script read only that one).
  for (const line of s.lines("/etc/mtab").concat(s.has("/etc/mtab") ? [] : s.lines("/proc/mounts"))) {
    const raw = line.trim().split(/\s+/);
    if (raw.length < 4) continue;
    const [device = "", mount = "", fstype = "", options = ""] = raw.map(unescapeOctal);
    if ((!(device.startsWith("/") || device.startsWith("\\")) && !device.includes(":/")) || fstype === "none") continue;
    const info: Mount = { mount, device, fstype, options: bind.has(mount) && !/bind.*"/.test(options) ? `${options},bind` : options, uuid: "N/A" };
    const st = statvfs.get(mount);
    if (st && st.length === 7 && st.every((n) => Number.isFinite(n))) {
      const [frsize = 0, bsize = 0, blocks = 0, bavail = 0, , files = 0, ffree = 0] = st;
      Object.assign(info, {
        size_total: frsize * blocks,
        size_available: frsize * bavail,
        block_size: bsize,
        block_total: blocks,
        block_available: bavail,
        block_used: blocks - bavail,
        inode_total: files,
        inode_available: ffree,
        inode_used: files - ffree,
      });
    }
    const udev = bins.has("udevadm") ? /^ID_FS_UUID=(.*)$/m.exec(s.raw(`udev ${device}`) ?? "")?.[1] : undefined;
    info.uuid = uuids.get(device) ?? udev ?? "N/A";
    if (info.uuid === "") info.uuid = "N/A";
    // Python's dict keeps a replaced key where it first stood.
    results.set(mount, { ...info, uuid: info.uuid });
  }
  return [...results.values()];
}
