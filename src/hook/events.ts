import { z } from "zod";
import { HookError } from "./errors.js";

/** The git hooks do-converge installs: after a merge (pull), a branch checkout, a push received. */
export const HookEvent = z.enum(["post-merge", "post-checkout", "post-receive"]);
export type HookEvent = z.infer<typeof HookEvent>;
export const HOOK_EVENTS: readonly HookEvent[] = HookEvent.options;

/** git's null object name (40 zeros, or 64 in a SHA-256 repository): no revision, on one side of an update. */
export function isNullRev(rev: string): boolean {
  return /^0+$/.test(rev);
}

export interface RefUpdate {
  old: string;
  new: string;
  ref: string;
}

/**
 * post-receive's standard input: one "OLD NEW REF" line per updated ref. A line of another
 * shape is named in the error (git never writes one; a hand-run hook might).
 */
export function parseRefUpdates(stdin: string): RefUpdate[] {
  const updates: RefUpdate[] = [];
  stdin.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    const m = /^([0-9a-f]{40}|[0-9a-f]{64}) ([0-9a-f]{40}|[0-9a-f]{64}) (\S+)$/.exec(line);
    if (!m) throw new HookError(`post-receive input line ${i + 1}: expected "OLD-REV NEW-REV REFNAME", got ${JSON.stringify(line)}`);
    updates.push({ old: m[1] as string, new: m[2] as string, ref: m[3] as string });
  });
  return updates;
}

/** A short form of a revision for log lines (the full names are in git's reflog). */
export function shortRev(rev: string): string {
  return isNullRev(rev) ? "(none)" : rev.slice(0, 12);
}
