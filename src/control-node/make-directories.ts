import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * `mkdir -p` that fails instead of spinning. Node's recursive mkdir never returns under /proc
 * (/proc/foo/bar): mkdir of the missing entry says ENOENT although its parent exists, and Node
 * retries the pair forever. Here each missing directory is made once, from the nearest existing
 * ancestor down, and the first refusal is thrown as the system's error.
 */
export function makeDirectories(dir: string, mode?: number): void {
  const missing: string[] = [];
  for (let d = resolve(dir); ; d = dirname(d)) {
    try {
      statSync(d);
      break;
    } catch (err) {
      if (!(err instanceof Error && "code" in err && err.code === "ENOENT") || dirname(d) === d) throw err;
      missing.push(d);
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d, mode === undefined ? undefined : { mode });
    } catch (err) {
      // Made meanwhile by someone else: fine when it is a directory.
      if (!(err instanceof Error && "code" in err && err.code === "EEXIST" && statSync(d).isDirectory())) throw err;
    }
  }
}
