import { posix } from "node:path";

// The host's mounts as /proc/self/mountinfo lists them, and what ansible.posix.mount reads from
// them: whether a path is mounted, and the "source" it compares with src (for a bind mount, the
// directory that was bound; otherwise the device or file system name).

export interface MountEntry {
  id: number;
  parentId: number;
  /** major:minor of the file system. */
  device: string;
  /** The directory of the file system that is mounted ("/" unless a bind mount of a subdirectory). */
  root: string;
  /** The mount point. */
  dst: string;
  opts: string;
  fstype: string;
  /** The mount source: a device, "tmpfs", "server:/export". */
  source: string;
}

/** mountinfo's octal escapes (\040 for a space, \011, \012, \134). */
function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

/** Parses /proc/self/mountinfo; lines it cannot read are skipped. */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/);
    const dash = f.indexOf("-", 6);
    if (dash < 0 || f.length < dash + 3) continue;
    out.push({
      id: Number(f[0]),
      parentId: Number(f[1]),
      device: f[2] ?? "",
      root: unescape(f[3] ?? ""),
      dst: unescape(f[4] ?? ""),
      opts: f[5] ?? "",
      fstype: unescape(f[dash + 1] ?? ""),
      source: unescape(f[dash + 2] ?? ""),
    });
  }
  return out;
}

/** A path as the kernel lists mount points: no trailing slash, no "." or "..". */
export function mountPoint(path: string): string {
  return posix.normalize(path).replace(/(.)\/+$/, "$1");
}

/** The mount on top at a path, or undefined when none (the last listed: a later mount hides an earlier one). */
export function mountAt(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  const p = mountPoint(path);
  return mounts.findLast((m) => m.dst === p);
}

/** The mount holding a directory: the deepest mount point above or at it. */
function mountHolding(mounts: readonly MountEntry[], dir: string): MountEntry | undefined {
  let best: MountEntry | undefined;
  for (const m of mounts) {
    const under = m.dst === "/" || dir === m.dst || dir.startsWith(`${m.dst}/`);
    if (under && (best === undefined || m.dst.length >= best.dst.length)) best = m;
  }
  return best;
}

/**
 * The source Ansible's mount reads for a mount (get_linux_mounts): for a mount under another, the
 * mounted root with the parent's root taken off and the parent's mount point put before it (a bind
 * mount's source directory; "/" for a whole file system); the root mount's own source otherwise.
 */
export function ansibleSource(mounts: readonly MountEntry[], m: MountEntry): string {
  const parent = m.parentId !== 1 ? mounts.find((p) => p.id === m.parentId) : undefined;
  if (parent === undefined) return m.source;
  let root = m.root;
  if (parent.root.length > 1 && root.startsWith(`${parent.root}/`)) root = root.slice(parent.root.length);
  return parent.dst !== "/" ? `${parent.dst}${root}` : root;
}

/**
 * Whether Ansible's mount sees a path as mounted for state=mounted and ephemeral: a file system
 * other than its parent directory's (os.path.ismount), or a mount whose source is src (a bind
 * mount). A bind mount of another directory of the same file system is not: Ansible mounts over it.
 */
export function mountedAs(mounts: readonly MountEntry[], path: string, src: string): boolean {
  const m = mountAt(mounts, path);
  if (m === undefined) return false;
  if (m.dst === "/") return true;
  const holder = mountHolding(
    mounts.filter((x) => x.dst !== m.dst),
    posix.dirname(m.dst),
  );
  if (holder === undefined || holder.device !== m.device) return true;
  return ansibleSource(mounts, m) === src;
}

/** ephemeral's check before remounting: the mount at the path has src as its source (either reading). */
export function sameSource(mounts: readonly MountEntry[], path: string, src: string): boolean {
  const m = mountAt(mounts, path);
  return m !== undefined && (m.source === src || ansibleSource(mounts, m) === src);
}

/** What --diff shows for a path's mount: "SOURCE on PATH type FSTYPE (OPTIONS)", or "not mounted". */
export function describeMount(m: MountEntry | undefined, path: string): string {
  if (m === undefined) return `${mountPoint(path)}: not mounted\n`;
  const bound = m.root !== "/" ? `[${m.root}]` : "";
  return `${m.source}${bound} on ${m.dst} type ${m.fstype} (${m.opts})\n`;
}
