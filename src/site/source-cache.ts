import { createHash } from "node:crypto";
import { type Dirent, closeSync, constants, fstatSync, openSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, extname, join, relative } from "node:path";
import { makeDirectories } from "../control-node/make-directories.js";
import { errorReason } from "../control-node/write-file.js";
import { SiteError } from "./errors.js";

const SOURCE = new Set([".ts", ".mts", ".cts", ".tsx"]);

export function isTypeScriptSource(file: string): boolean {
  return SOURCE.has(extname(file));
}

/** TypeScript sources under dirs (node_modules and dot-folders skipped), sorted. */
export function sourcesUnder(dirs: readonly string[]): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === "node_modules" || e.name.startsWith(".")) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (isTypeScriptSource(e.name)) out.add(p);
    }
  };
  for (const d of dirs) walk(d);
  return [...out].sort();
}

/**
 * A TypeScript source of the site, read for hashing or scanning. What cannot be read (a dangling
 * symlink, a symlink to a directory, a FIFO that would block the read forever) is a SiteError
 * naming the file, not a crash: the run stops before any host is touched.
 */
export function readSource(file: string): Buffer {
  let fd: number | undefined;
  try {
    // Non-blocking: opening a FIFO for reading would otherwise wait for a writer forever.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) throw new SiteError(`${shownPath(file)}: cannot read the site's source: ${st.isDirectory() ? "is a directory" : "not a regular file"}`);
    return readFileSync(fd);
  } catch (err) {
    if (err instanceof SiteError) throw err;
    throw new SiteError(`${shownPath(file)}: cannot read the site's source: ${errorReason(err)}`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** A path as the type-checker's messages show one: relative to the working directory when below it. */
export function shownPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === "" || rel.startsWith("..") ? file : rel;
}

// One run asks for the same directories twice (type-check, then the template-variable scan):
// their sources are read and hashed once.
const digests = new Map<string, string>();

function contentDigest(dirs: readonly string[]): string {
  const key = dirs.join("\0");
  let d = digests.get(key);
  if (d === undefined) {
    const h = createHash("sha256");
    for (const f of sourcesUnder(dirs)) h.update(f).update("\0").update(readSource(f));
    d = h.digest("hex");
    digests.set(key, d);
  }
  return d;
}

/**
 * A cache entry keyed by the content of every TypeScript source under `dirs` (plus `key`):
 * work that depends only on the site's code — type-checking it, scanning it — is done once per
 * change of that code, so an unchanged site starts without loading the TypeScript compiler.
 */
export class SourceCache {
  readonly file: string;

  constructor(kind: string, dirs: readonly string[], key: string) {
    const h = createHash("sha256").update(key).update(contentDigest(dirs));
    const base = process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache");
    this.file = join(base, "do-converge", kind, h.digest("hex"));
  }

  read(): string | undefined {
    try {
      return readFileSync(this.file, "utf8");
    } catch {
      // Missing (the usual case) or unreadable: the work is done again.
      return undefined;
    }
  }

  write(text: string): void {
    try {
      makeDirectories(dirname(this.file));
      writeFileSync(this.file, text);
    } catch {
      // An unwritable cache only costs the next run the same work again.
    }
  }
}
