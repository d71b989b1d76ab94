import { constants, copyFileSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { makeDirectories } from "../control-node/make-directories.js";
import { WriteFileError, errorReason } from "../control-node/write-file.js";
import { type ReportFile, reportFileSchema } from "./report-file.js";

const STAMPED = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.json$/;

/** The history/ directory where `--keep-reports` keeps the copies of the report `report`. */
export function historyDir(report: string): string {
  return join(dirname(report), "history");
}

/**
 * Keeps a copy of a just-written report under history/ beside it, named by the time (so names
 * sort in time order), and deletes the oldest beyond `keep`: a bounded record of past runs.
 */
export function keepReport(report: string, keep: number, now = new Date()): string {
  const dir = historyDir(report);
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

/** One kept report, by its file name in history/. */
export interface KeptRun {
  file: string;
  report: ReportFile;
}

/** The reports kept in a history/ directory, oldest first; the files that are not one, by name. */
export interface ReportHistory {
  runs: KeptRun[];
  unreadable: string[];
}

/**
 * The reports kept under `dir`, oldest first, for a page that shows them over time; `except`: a
 * copy not to count (the one this run just kept: its page shows it from the run itself). Never
 * throws: the hosts are converged when this is read, and a report damaged or left by another tool
 * is named as unreadable rather than losing the page.
 */
export function readHistory(dir: string, except?: string): ReportHistory {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => STAMPED.test(f));
  } catch {
    return { runs: [], unreadable: [] };
  }
  const skip = except === undefined ? undefined : basename(except);
  const out: ReportHistory = { runs: [], unreadable: [] };
  for (const file of names.sort()) {
    if (file === skip) continue;
    try {
      const parsed = reportFileSchema.safeParse(JSON.parse(readFileSync(join(dir, file), "utf8")));
      if (parsed.success) out.runs.push({ file, report: parsed.data });
      else out.unreadable.push(file);
    } catch {
      out.unreadable.push(file);
    }
  }
  return out;
}
