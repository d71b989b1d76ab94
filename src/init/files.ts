import { existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../control-node/write-file.js";
import { InitError } from "./errors.js";

export interface PlannedFile {
  readonly path: string;
  /** As the summary names it: ~/... or relative to where init was run. */
  readonly shown: string;
  readonly content: string;
  readonly mode: number;
}

/**
 * Refuses, before anything is asked or written, to replace files that exist, naming every one
 * of them, unless --force.
 */
export function refuseExisting(files: readonly { path: string; shown: string }[], force: boolean): void {
  if (force) return;
  const taken = files.filter((f) => existsSync(f.path));
  if (taken.length === 0) return;
  const names = taken.map((f) => f.shown).join(", ");
  throw new InitError(`refusing to overwrite ${names}: ${taken.length === 1 ? "it exists" : "they exist"} (give --force to replace ${taken.length === 1 ? "it" : "them"}); nothing was written`, "--force");
}

/** Whether a file already holds exactly this content (a token file shared by several sites). */
export function sameContent(path: string, content: string): boolean {
  try {
    return readFileSync(path, "utf8") === content;
  } catch {
    return false;
  }
}

/** Each file atomically (a reader sees the old or the new), created with its final mode. */
export function writePlanned(files: readonly PlannedFile[]): void {
  for (const f of files) writeFileAtomic(f.path, f.content, f.mode);
}
