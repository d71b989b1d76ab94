import { shellJoin } from "../remote/quote.js";
import type { HookEvent } from "./events.js";

/** The line that marks a hook file as ours: install rewrites and remove deletes only such files. */
export const MARKER = "# do-converge git hook";

/** Where a foreign hook goes when `--chain` keeps it: beside ours, run by ours first. */
export function chainedName(event: HookEvent): string {
  return `${event}.do-converge-chained`;
}

export function isOurHook(text: string): boolean {
  return text.split("\n").slice(0, 3).some((l) => l.startsWith(MARKER));
}

/**
 * The hook file: a few lines of sh that run do-converge by absolute paths (git runs hooks with a
 * PATH that may not have node or do-converge on it). Settings are read from the git directory at
 * each run, so they never land on a command line. A chained hook runs first with the same
 * arguments and input; the hook fails if it fails, after ours has run.
 */
export function hookScript(event: HookEvent, node: string, bin: string, chained: boolean): string {
  const ours = shellJoin([node, bin, "hook", "run", event]);
  const head = `#!/bin/sh\n${MARKER}: installed by \`do-converge hook install\`, removed by \`do-converge hook remove\`.\n# Settings and the log: do-converge-hook.json in the git directory.\n`;
  if (!chained) return `${head}exec ${ours} "$@"\n`;
  const other = `"$(dirname "$0")/${chainedName(event)}"`;
  // post-receive's ref list arrives on stdin: both hooks must read all of it.
  if (event === "post-receive") {
    return `${head}# The hook that was here before runs first: ${chainedName(event)}
input=$(cat)
before=0
if [ -x ${other} ]; then printf '%s\\n' "$input" | ${other} "$@"; before=$?; fi
printf '%s\\n' "$input" | ${ours} "$@"
status=$?
[ "$before" -ne 0 ] && exit "$before"
exit "$status"
`;
  }
  return `${head}# The hook that was here before runs first: ${chainedName(event)}
before=0
if [ -x ${other} ]; then ${other} "$@"; before=$?; fi
${ours} "$@"
status=$?
[ "$before" -ne 0 ] && exit "$before"
exit "$status"
`;
}
