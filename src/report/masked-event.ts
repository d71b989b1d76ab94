import type { RunEvent, TaskEnd } from "../runner/events.js";
import type { SecretMasker } from "../secrets/masker.js";

/**
 * An event as every sink may see it: each string masked (task names, messages, -v results,
 * -vvv commands, warnings). A task's diffs stay raw, for the terminal and the HTML report (the
 * other reports carry no diffs): each diffs the raw texts and masks the diff it shows, so a
 * rotated secret still shows as a changed line (`-pass ********` / `+pass ********`) instead of
 * vanishing from the diff.
 */
export function maskEvent(e: RunEvent, masker: SecretMasker): RunEvent {
  if (masker.size === 0) return e;
  if (e.type === "task-end" && e.diffs !== undefined) {
    const { diffs, ...rest } = e;
    return { ...(masker.maskDeep(rest) as Omit<TaskEnd, "diffs">), diffs };
  }
  return masker.maskDeep(e) as RunEvent;
}
