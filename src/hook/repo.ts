import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { HookError } from "./errors.js";
import { git, gitMaybe } from "./git.js";

/** A repository as its hooks see it: every directory absolute. */
export interface Repo {
  /** Where git commands on it run: the top of the work tree, or the git directory of a bare repository. */
  cwd: string;
  gitDir: string;
  /** The directory shared by linked worktrees: the hook's settings and log live here. */
  commonDir: string;
  /** Where git looks for hooks: core.hooksPath when set, else hooks/ in the common directory. */
  hooksDir: string;
  bare: boolean;
  /** The work tree's top (absent in a bare repository). */
  top?: string;
}

/** The repository at or above `dir` (inside a hook: the one git runs it for, through GIT_DIR). */
export function openRepo(dir: string, env: NodeJS.ProcessEnv = process.env): Repo {
  if (!existsSync(dir)) throw new HookError(`${dir}: no such directory`);
  let lines: string[];
  try {
    lines = git(["rev-parse", "--is-bare-repository", "--absolute-git-dir", "--git-common-dir", "--git-path", "hooks"], { cwd: dir, env }).split("\n");
  } catch (err) {
    throw new HookError(`${resolve(dir)} is not in a git repository (give the infrastructure repository with --repo DIR): ${err instanceof Error ? err.message : String(err)}`);
  }
  const [bareLine, gitDir, common, hooks] = lines as [string, string, string, string];
  const bare = bareLine === "true";
  const top = bare ? undefined : gitMaybe(["rev-parse", "--show-toplevel"], { cwd: dir, env });
  return {
    cwd: top ?? gitDir,
    gitDir,
    commonDir: resolve(dir, common),
    hooksDir: resolve(dir, hooks),
    bare,
    ...(top ? { top } : {}),
  };
}
