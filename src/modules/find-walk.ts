import { posix } from "node:path";

// The pure half of find: what the host listed (GNU find's lstat fields, NUL-separated) read
// back into Python's os.walk order, and the entries Ansible's find keeps.

/** One entry as the host listed it. */
export interface Listed {
  /** Path relative to the searched directory. */
  rel: string;
  depth: number;
  /** lstat type, as find's %y: f d l b c p s. */
  type: string;
  /** Type after following a symlink (%Y): "d" for a link to a directory. */
  followedType: string;
  mode: number;
  uid: number;
  gid: number;
  user: string;
  group: string;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
}

/** What the listing of one `paths` entry gave. */
export interface PathListing {
  /** The path as searched (after ~ expansion). */
  path: string;
  /** Not a directory: nothing was listed. */
  notDir: boolean;
  entries: Listed[];
  /** find's complaints (a directory it could not read): the path was not wholly examined. */
  error: string;
}

export interface Listing {
  /** The host's clock, seconds since the epoch, for age. */
  now: number;
  paths: PathListing[];
}

/** Fields printed after the "F" mark of each entry, in this order. */
export const ENTRY_FORMAT = "%P\\0%d\\0";
export const STAT_FORMAT = "%y\\0%Y\\0%m\\0%U\\0%G\\0%u\\0%g\\0%s\\0%i\\0%D\\0%n\\0%A@\\0%T@\\0%C@\\0";
const STAT_FIELDS = 14;

export class ListingError extends Error {
  override name = "ListingError";
}

/** Reads the NUL-separated stream of the probe script (see find.ts) back into listings. */
export function parseListing(out: string): Listing {
  const tokens = out.split("\0");
  let at = 0;
  const next = (): string => {
    if (at >= tokens.length) throw new ListingError("the listing ended early");
    return tokens[at++] ?? "";
  };
  if (next() !== "T") throw new ListingError("the listing does not start with the host's time");
  const now = Number(next());
  const paths: PathListing[] = [];
  for (;;) {
    const mark = next();
    if (mark === "") break;
    if (mark !== "P") throw new ListingError(`unexpected mark ${JSON.stringify(mark)}`);
    const path = next();
    const kind = next();
    if (kind === "N") {
      paths.push({ path, notDir: true, entries: [], error: "" });
      continue;
    }
    const entries: Listed[] = [];
    for (let m = next(); m === "F"; m = next()) {
      const rel = next();
      const depth = Number(next());
      const f = Array.from({ length: STAT_FIELDS }, next);
      const num = (i: number) => Number(f[i]);
      const uid = num(3);
      const gid = num(4);
      entries.push({
        rel,
        depth,
        type: f[0] ?? "",
        followedType: f[1] ?? "",
        mode: Number.parseInt(f[2] ?? "0", 8),
        uid,
        gid,
        // find prints the number when no name is known; Python's pwd lookup then gives "".
        user: f[5] === String(uid) ? "" : (f[5] ?? ""),
        group: f[6] === String(gid) ? "" : (f[6] ?? ""),
        size: num(7),
        inode: num(8),
        dev: num(9),
        nlink: num(10),
        atime: num(11),
        mtime: num(12),
        ctime: num(13),
      });
    }
    const error = next();
    paths.push({ path, notDir: false, entries, error: error.trim() });
  }
  return { now, paths };
}

/**
 * The entries in os.walk's order: per directory, its files then its subdirectories (each group
 * in directory order), then the subdirectories walked one after another. A symlink to a
 * directory counts among the subdirectories, as os.walk's is_dir() sees it.
 */
export function walkOrder(entries: readonly Listed[]): Listed[] {
  const byParent = new Map<string, Listed[]>();
  for (const e of entries) {
    const parent = posix.dirname(e.rel) === "." ? "" : posix.dirname(e.rel);
    const list = byParent.get(parent) ?? [];
    list.push(e);
    byParent.set(parent, list);
  }
  const out: Listed[] = [];
  const walk = (dir: string) => {
    const children = byParent.get(dir) ?? [];
    const dirs = children.filter((e) => e.followedType === "d");
    out.push(...children.filter((e) => e.followedType !== "d"), ...dirs);
    for (const d of dirs) walk(d.rel);
  };
  walk("");
  return out;
}

/** The lstat numbers find lists and Ansible's statinfo reports unchanged. */
type StatNumbers = Pick<Listed, "uid" | "gid" | "size" | "inode" | "dev" | "nlink" | "atime" | "mtime" | "ctime">;

/** A found entry as Ansible's find reports it (statinfo of the lstat, plus its path). */
export interface FoundFile extends StatNumbers {
  path: string;
  mode: string;
  isdir: boolean;
  ischr: boolean;
  isblk: boolean;
  isreg: boolean;
  isfifo: boolean;
  islnk: boolean;
  issock: boolean;
  gr_name: string;
  pw_name: string;
  wusr: boolean;
  rusr: boolean;
  xusr: boolean;
  wgrp: boolean;
  rgrp: boolean;
  xgrp: boolean;
  woth: boolean;
  roth: boolean;
  xoth: boolean;
  isuid: boolean;
  isgid: boolean;
  /** sha1 of a regular file's content, with get_checksum. */
  checksum?: string;
}

export function statInfo(path: string, e: Listed): FoundFile {
  const bit = (b: number) => (e.mode & b) !== 0;
  return {
    path,
    mode: e.mode.toString(8).padStart(4, "0"),
    isdir: e.type === "d",
    ischr: e.type === "c",
    isblk: e.type === "b",
    isreg: e.type === "f",
    isfifo: e.type === "p",
    islnk: e.type === "l",
    issock: e.type === "s",
    uid: e.uid,
    gid: e.gid,
    size: e.size,
    inode: e.inode,
    dev: e.dev,
    nlink: e.nlink,
    atime: e.atime,
    mtime: e.mtime,
    ctime: e.ctime,
    gr_name: e.group,
    pw_name: e.user,
    wusr: bit(0o200),
    rusr: bit(0o400),
    xusr: bit(0o100),
    wgrp: bit(0o20),
    rgrp: bit(0o40),
    xgrp: bit(0o10),
    woth: bit(0o2),
    roth: bit(0o4),
    xoth: bit(0o1),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
  };
}

/** Python's os.path.normpath(os.path.join(root, rel)) for an absolute root. */
export function entryPath(root: string, rel: string): string {
  const p = posix.normalize(posix.join(root, rel));
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

/** The filters of Ansible's find, decided from the listing alone (contains comes later). */
export interface EntryFilter {
  fileType: "any" | "directory" | "file" | "link";
  /** Basename test: patterns and excludes (pfilter). */
  name: (basename: string) => boolean;
  hidden: boolean;
  /** Seconds: >= 0 at least this old, < 0 at most |age| old. */
  age?: number | undefined;
  ageStamp: "atime" | "ctime" | "mtime";
  /** Bytes: >= 0 at least this big, < 0 at most |size|. */
  size?: number | undefined;
  /** Only entries at most this deep (recurse with depth). */
  depth?: number | undefined;
}

function ageOk(e: Listed, now: number, f: EntryFilter): boolean {
  if (f.age === undefined) return true;
  const elapsed = now - e[f.ageStamp];
  return f.age >= 0 ? elapsed >= Math.abs(f.age) : elapsed <= Math.abs(f.age);
}

function sizeOk(e: Listed, f: EntryFilter): boolean {
  if (f.size === undefined) return true;
  return f.size >= 0 ? e.size >= Math.abs(f.size) : e.size <= Math.abs(f.size);
}

/** Whether find keeps an entry (contains aside), as Ansible's main loop decides. */
export function keeps(e: Listed, now: number, f: EntryFilter): boolean {
  if (f.depth !== undefined && e.depth > f.depth) return false;
  const base = posix.basename(e.rel);
  if (base.startsWith(".") && !f.hidden) return false;
  switch (f.fileType) {
    case "any":
      return f.name(base) && ageOk(e, now, f) && (e.type !== "f" || sizeOk(e, f));
    case "directory":
      return e.type === "d" && f.name(base) && ageOk(e, now, f);
    case "file":
      return e.type === "f" && f.name(base) && ageOk(e, now, f) && sizeOk(e, f);
    case "link":
      return e.type === "l" && f.name(base) && ageOk(e, now, f);
  }
}

/** pfilter: a name passes when a pattern matches it and, with excludes, no exclude does. */
export function nameFilter(patterns: ReadonlyArray<(s: string) => boolean>, excludes: ReadonlyArray<(s: string) => boolean>): (name: string) => boolean {
  return (name) => patterns.some((p) => p(name)) && !excludes.some((x) => x(name));
}

/**
 * contains on a file's bytes as Ansible reads it: text (UTF-8; undecodable text matches
 * nothing) with universal newlines, the pattern matched at the start of each line (re.match),
 * or searched in the whole text with read_whole_file.
 */
export function contentMatches(bytes: Buffer, test: { match: (line: string) => boolean; search: (text: string) => boolean }, wholeFile: boolean): boolean {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  text = text.replace(/\r\n?/g, "\n");
  if (wholeFile) return test.search(text);
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  return lines.some((l) => test.match(l));
}
