import { readLines } from "./line-edit.js";

// Pure edits of an fstab's text with the semantics of ansible.posix.mount 1.5.4 on Linux (the
// version in Debian 12's `ansible` package): which lines are the path's, when one counts as
// different, how a new or changed line is written. Lines that are not the path's stay byte for byte.

/** fstab(5)'s escapes for a field: backslash, space and "&", as the module writes them. */
export function escapeFstab(v: string): string {
  return v.replaceAll("\\", "\\134").replaceAll(" ", "\\040").replaceAll("&", "\\046");
}

/** The fields of a line as Ansible's mount writes it. */
export interface FstabEntry {
  src: string;
  name: string;
  fstype: string;
  opts: string;
  dump: string;
  passno: string;
}

export interface FstabEdit {
  content: string;
  changed: boolean;
}

const FIELDS = ["src", "name", "fstype", "opts", "dump", "passno"] as const;

/** Python's str.split(): runs of whitespace, none at either end. */
function words(line: string): string[] {
  const t = line.trim();
  return t === "" ? [] : t.split(/\s+/);
}

function isComment(line: string): boolean {
  const t = line.trim();
  return t === "" || t.startsWith("#");
}

/**
 * Whether a parsed line is the one for `name` (escaped): a swap line (mount point "none") is
 * told apart by its source, as Ansible does when src is given.
 */
function isTheLine(ld: Record<string, string>, escapedName: string, src: string | undefined): boolean {
  if (ld.name !== escapedName) return false;
  return !(src !== undefined && ld.name === "none" && ld.fstype === "swap" && ld.src !== src);
}

function format(e: Record<(typeof FIELDS)[number], string>): string {
  return `${e.src} ${e.name} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`;
}

/**
 * state=present (and mounted): every line for the path (4 to 6 fields; the missing dump and
 * passno count as different, so such a line is rewritten whole) gets the wanted fields; a path
 * without a line gets one at the end. As in Ansible, once a difference is found, every later line
 * for the path is rewritten too, and a last line without a newline gets one when the file changes.
 */
export function setFstabEntry(text: string, want: FstabEntry): FstabEdit {
  const esc = Object.fromEntries(FIELDS.map((k) => [k, escapeFstab(want[k])])) as Record<(typeof FIELDS)[number], string>;
  const out: string[] = [];
  let exists = false;
  let changed = false;
  for (const raw of readLines(text)) {
    const line = raw.endsWith("\n") ? raw : `${raw}\n`;
    const fields = words(line);
    if (isComment(line) || fields.length < 4 || fields.length > 6) {
      out.push(line);
      continue;
    }
    // A missing dump or passno is Ansible's int 0, never equal to a string: the line differs.
    const ld: Record<string, string | undefined> = { dump: undefined, passno: undefined };
    fields.forEach((f, i) => (ld[FIELDS[i] as string] = f));
    if (!isTheLine(ld as Record<string, string>, esc.name, want.src)) {
      out.push(line);
      continue;
    }
    exists = true;
    for (const k of ["src", "fstype", "opts", "dump", "passno"] as const) if (ld[k] !== esc[k]) changed = true;
    out.push(changed ? format(esc) : line);
  }
  if (!exists) {
    out.push(format(esc));
    changed = true;
  }
  return changed ? { content: out.join(""), changed } : { content: text, changed };
}

/**
 * state=absent (and absent_from_fstab): the path's lines go. Only lines of exactly six fields are
 * looked at, as Ansible's mount does (a line without dump and passno stays).
 */
export function removeFstabEntry(text: string, name: string, src: string | undefined): FstabEdit {
  const escapedName = escapeFstab(name);
  const out: string[] = [];
  let changed = false;
  for (const line of readLines(text)) {
    const fields = words(line);
    if (isComment(line) || fields.length !== 6) {
      out.push(line);
      continue;
    }
    const ld = Object.fromEntries(FIELDS.map((k, i) => [k, fields[i] ?? ""]));
    if (!isTheLine(ld, escapedName, src)) {
      out.push(line);
      continue;
    }
    changed = true;
  }
  return { content: changed ? out.join("") : text, changed };
}

/**
 * The options written, with boot: false as Ansible's mount applies it on Linux: "noauto" is added
 * unless the options already have it, or have "defaults" (then boot is ignored with a warning).
 */
export function bootOptions(opts: string, boot: boolean): { opts: string; boot: "yes" | "no"; warnings: string[] } {
  const list = opts.split(",");
  if (list.includes("noauto")) return { opts, boot: "yes", warnings: ["Ignore the 'boot' due to 'opts' contains 'noauto'."] };
  if (boot) return { opts, boot: "yes", warnings: [] };
  if (list.includes("defaults")) return { opts, boot: "no", warnings: ["Ignore the 'boot' due to 'opts' contains 'defaults'."] };
  return { opts: [...list, "noauto"].join(","), boot: "no", warnings: [] };
}
