import { constants, copyFileSync, readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { makeDirectories } from "../control-node/make-directories.js";
import { WriteFileError, errorReason } from "../control-node/write-file.js";

const STAMPED = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.json$/;

/**
 * Keeps a copy of a just-written report under history/ beside it, named by the time (so names
 * sort in time order), and deletes the oldest beyond `keep`: a bounded record of past runs.
 */
export function keepReport(report: string, keep: number, now = new Date()): string {
  const dir = join(dirname(report), "history");
  const copy = join(dir, `${now.toISOString().replace(/:/g, "-").replace(".", "-")}.json`);
  try {
    makeDirectories(dir);
    // Exclusive: a name that can be guessed never writes through a symlink planted there.
    copyFileSync(report, copy, constants.COPYFILE_EXCL);
    const stamped = readdirSync(dir)
      .filter((f) => STAMPED.test(f))
      .sort();
    for (const old of stamped.slice(0, Math.max(0, stamped.length - keep))) rmSync(join(dir, old), { force: true });
  } catch (err) {
    throw new WriteFileError(copy, errorReason(err));
  }
  return copy;
}
