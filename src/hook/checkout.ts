import { git } from "./git.js";
import { makeDirectories } from "../control-node/make-directories.js";

export interface Checkout {
  /** The repository that received the push (a bare one, usually). */
  gitDir: string;
  rev: string;
  workDir: string;
  /** The work directory's own index, so the repository's HEAD and index are never touched. */
  indexFile: string;
}

/**
 * Makes workDir hold exactly the tree of rev: files of the previous revision that rev lacks are
 * removed, edited or deleted files are put back; untracked files (node_modules, the run lock, the
 * inventory cache) stay. `git checkout` would move the repository's HEAD; read-tree with an
 * index of the work directory's own does not.
 */
export function checkoutRevision(c: Checkout): void {
  makeDirectories(c.workDir);
  const env = { ...withoutGitVars(process.env), GIT_DIR: c.gitDir, GIT_WORK_TREE: c.workDir, GIT_INDEX_FILE: c.indexFile };
  git(["read-tree", "--reset", "-u", c.rev], { cwd: c.workDir, env });
  git(["checkout-index", "--all", "--force"], { cwd: c.workDir, env });
}

/**
 * The environment without the variables git sets for a hook (GIT_DIR, GIT_INDEX_FILE, ...): the
 * converge and the git commands it may run work on their own repository, not on the hook's.
 */
export function withoutGitVars(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("GIT_")));
}
