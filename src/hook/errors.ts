/**
 * A git hook that cannot be installed, removed or run as configured: the message names the
 * repository, the hook file or the git command, and says what to do.
 */
export class HookError extends Error {
  override name = "HookError";
}
