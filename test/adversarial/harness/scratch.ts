import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

/** What a case puts at a relative path of its scratch directory. */
export type ScratchEntry =
  | string
  | Buffer
  | { readonly content: string | Buffer; readonly mode: number }
  | { readonly symlink: string };

/**
 * Placeholders a case writes in its files, argv and environment for what is only known when it
 * runs: `@@DIR@@` (its scratch directory), `@@DO_URL@@`/`@@DO_TOKEN@@` (the fake DigitalOcean
 * API), `@@RAW_URL@@` (the loopback server with scripted bad answers).
 */
export type Placeholders = Readonly<Record<string, string>>;

/** The scratch directory's placeholder, for case tables. */
export const DIR = "@@DIR@@";

export function substitute(text: string, values: Placeholders): string {
  return text.replace(/@@([A-Z_]+)@@/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * In TypeScript, where the scratch directory is only ever written inside double-quoted strings,
 * it is read at run time instead: the CLI runs in that directory. tsx compiles a site once per
 * path and content, so a site that is the same text in a reused directory (see run-case.ts) is
 * not compiled again; a path written in would make every case's site new to it.
 */
const AT_RUN_TIME = '" + process.cwd() + "';

/** Lays out a case's files under dir; text (not Buffers) has its placeholders substituted. */
export function layOut(dir: string, files: Readonly<Record<string, ScratchEntry>>, values: Placeholders): void {
  for (const [rel, entry] of Object.entries(files)) {
    const path = join(dir, substitute(rel, values));
    mkdirSync(dirname(path), { recursive: true });
    if (typeof entry === "string") writeFileSync(path, substitute(entry, path.endsWith(".ts") ? { ...values, DIR: AT_RUN_TIME } : values));
    else if (Buffer.isBuffer(entry)) writeFileSync(path, entry);
    else if ("symlink" in entry) symlinkSync(substitute(entry.symlink, values), path);
    else {
      writeFileSync(path, typeof entry.content === "string" ? substitute(entry.content, values) : entry.content);
      chmodSync(path, entry.mode);
    }
  }
}

/** One path of a snapshot: its type, permission bits, owner, and content hash or link target. */
export type Snapshot = Map<string, string>;

/**
 * Every path under dir with what would show a change: type, mode, owner, size and sha256 of a
 * file's content, a link's target. Other kinds (a FIFO a run made) are recorded, never opened.
 */
export function snapshot(dir: string): Snapshot {
  const out: Snapshot = new Map();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      const attrs = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid}`;
      const rel = relative(dir, p);
      if (st.isSymbolicLink()) out.set(rel, `link -> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(rel, `dir ${attrs}`);
        walk(p);
      } else if (st.isFile()) out.set(rel, `file ${attrs} ${st.size} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`);
      else out.set(rel, `other ${attrs}`);
    }
  };
  walk(dir);
  return out;
}

/** Paths added, removed or changed between two snapshots, each with what happened. */
export function changes(before: Snapshot, after: Snapshot): { path: string; what: string }[] {
  const out: { path: string; what: string }[] = [];
  for (const [path, was] of before) {
    const now = after.get(path);
    if (now === undefined) out.push({ path, what: "removed" });
    else if (now !== was) out.push({ path, what: `changed: ${was} => ${now}` });
  }
  for (const [path, now] of after) if (!before.has(path)) out.push({ path, what: `created: ${now}` });
  return out;
}
