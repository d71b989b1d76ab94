import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join } from "node:path";
import { fnmatcher } from "../python/fnmatch.js";

// Ansible's fileglob lookup (with_fileglob) on the control node: a term with a directory part
// globs its last part in the first of the search places where that directory exists (each search
// directory's files/<dir>, then <dir>; an absolute directory as it is); a bare pattern tries each
// search directory's files/ then the directory itself and keeps the first that matches. Files
// only, as absolute paths. Python's glob returns names in directory order, which varies between
// file systems: they are sorted here, so a run is the same on every control node.

/** Whether a file is a regular file (following links), as os.path.isfile. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** glob.glob of one name pattern in one directory: dot files only for a pattern starting with a dot. */
function globIn(dir: string, pattern: string): string[] {
  if (!/[*?[]/.test(pattern)) return isFile(join(dir, pattern)) ? [join(dir, pattern)] : [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const match = fnmatcher(pattern);
  const hidden = pattern.startsWith(".");
  return names
    .filter((n) => (hidden || !n.startsWith(".")) && match(n))
    .sort()
    .map((n) => join(dir, n))
    .filter(isFile);
}

/** The files `terms` name, searched in `dirs` (a role's directory, then the site's). */
export function fileglob(terms: readonly string[], dirs: readonly string[]): string[] {
  const out: string[] = [];
  for (const term of terms) {
    const name = basename(term);
    let places: string[];
    if (name !== term) {
      const dir = dirname(term);
      const candidates = isAbsolute(dir) ? [dir] : dirs.flatMap((d) => (dir.split("/")[0] === "files" ? [join(d, dir)] : [join(d, "files", dir), join(d, dir)]));
      const found = candidates.find((c) => existsSync(c));
      places = found === undefined ? [] : [found];
    } else places = dirs.flatMap((d) => [join(d, "files"), d]);
    for (const place of places) {
      const found = globIn(place, name);
      if (found.length > 0) {
        out.push(...found);
        break;
      }
    }
  }
  return out;
}
