import type { HookConfig } from "./config.js";
import { type HookEvent, isNullRev, parseRefUpdates, shortRev } from "./events.js";
import { git, gitMaybe, nulList } from "./git.js";
import { matchingPaths } from "./paths.js";
import type { Repo } from "./repo.js";

/** What the event changed: the revisions, and every path that differs between them. */
export interface Change {
  /** "OLD..NEW" for the log. */
  label: string;
  changed: string[];
  /** post-receive: the pushed revision, to check out into the work directory. */
  rev?: string;
}

export type Decision = { run: true; label: string; matched: string[]; rev?: string } | { run: false; label: string; reason: string };

/** Whether this event calls for a run, and why not when it does not. */
export function decide(event: HookEvent, args: readonly string[], stdin: string, config: HookConfig, repo: Repo): Decision {
  const change = whatChanged(event, args, stdin, config, repo);
  if ("skip" in change) return { run: false, label: change.label, reason: change.skip };
  const matched = matchingPaths(change.changed, config.paths, config.site);
  if (matched.length === 0) {
    const what = change.changed.length === 0 ? "no path changed" : `changed: ${listed(change.changed)}`;
    return { run: false, label: change.label, reason: `no changed path matches ${config.paths.join(", ")} (${what})` };
  }
  return { run: true, label: change.label, matched, ...(change.rev ? { rev: change.rev } : {}) };
}

type Skip = { label: string; skip: string };

function whatChanged(event: HookEvent, args: readonly string[], stdin: string, config: HookConfig, repo: Repo): Change | Skip {
  const at = { cwd: repo.cwd };
  switch (event) {
    case "post-merge": {
      const head = git(["rev-parse", "HEAD"], at).trim();
      // `git merge --squash` leaves HEAD where it was: the merged changes are staged, not committed.
      if (args[0] === "1") {
        return { label: `${shortRev(head)}+squash`, changed: nulList(git(["diff", "--cached", "--name-only", "--no-renames", "-z", "HEAD"], at)) };
      }
      const orig = gitMaybe(["rev-parse", "-q", "--verify", "ORIG_HEAD^{commit}"], at);
      if (!orig) return { label: `(none)..${shortRev(head)}`, changed: allPaths(head, repo) };
      return between(orig, head, repo);
    }
    case "post-checkout": {
      const [old = "", neu = "", branch = ""] = args;
      const label = `${shortRev(old)}..${shortRev(neu)}`;
      if (branch !== "1") return { label, skip: "a checkout of files, not of a branch" };
      // The first checkout (a new worktree) has no old revision: everything is new.
      if (isNullRev(old)) return { label, changed: allPaths(neu, repo) };
      return between(old, neu, repo);
    }
    case "post-receive": {
      const branch = convergedBranch(config, repo);
      const updates = parseRefUpdates(stdin);
      const u = updates.find((x) => x.ref === branch);
      if (!u) return { label: "-", skip: `no update of ${branch} (pushed: ${updates.map((x) => x.ref).join(", ") || "nothing"})` };
      const label = `${branch} ${shortRev(u.old)}..${shortRev(u.new)}`;
      if (isNullRev(u.new)) return { label, skip: `${branch} was deleted: nothing to converge` };
      if (isNullRev(u.old)) return { label, changed: allPaths(u.new, repo), rev: u.new };
      return { ...between(u.old, u.new, repo), label, rev: u.new };
    }
  }
}

/** The branch whose pushes post-receive converges: the configured one, else the repository's HEAD. */
export function convergedBranch(config: HookConfig, repo: Repo): string {
  if (config.branch) return config.branch.startsWith("refs/") ? config.branch : `refs/heads/${config.branch}`;
  return gitMaybe(["symbolic-ref", "-q", "HEAD"], { cwd: repo.cwd }) ?? "refs/heads/main";
}

function between(old: string, neu: string, repo: Repo): Change {
  const label = `${shortRev(old)}..${shortRev(neu)}`;
  if (old === neu) return { label, changed: [] };
  // A rename is a deletion and an addition: both names count.
  return { label, changed: nulList(git(["diff", "--name-only", "--no-renames", "-z", old, neu, "--"], { cwd: repo.cwd })) };
}

function allPaths(rev: string, repo: Repo): string[] {
  return nulList(git(["ls-tree", "-r", "-z", "--name-only", rev], { cwd: repo.cwd }));
}

/** A list of paths for one log line: the first few, then how many more. */
export function listed(paths: readonly string[], max = 10): string {
  const shown = paths.slice(0, max).join(", ");
  return paths.length > max ? `${shown} and ${paths.length - max} more` : shown;
}
