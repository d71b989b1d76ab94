// The pure half of git: the remote's refs (git ls-remote), the clone's state as the probe read
// it, and which commit `version` names, as ansible.builtin.git (2.14) resolves it.

/** ref name → sha, from `git ls-remote` ("<sha>\t<ref>" lines). */
export function parseLsRemote(out: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of out.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab > 0) refs.set(line.slice(tab + 1), line.slice(0, tab));
  }
  return refs;
}

/** What the probe found at dest. */
export interface CloneState {
  /** dest holds a repository (its .git config, or a .git file). */
  present: boolean;
  /** HEAD's commit; "" in a repository without commits. */
  head: string;
  /** Tracked files changed (untracked ones do not count, as in Ansible). */
  localMods: boolean;
  /** The remote's configured URL; "" when the remote is not configured. */
  remoteUrl: string;
  /** The checked-out branch, or (detached HEAD) the branch the remote's HEAD names; "" if none. */
  headBranch: string;
  /** `version` resolved in the clone itself (a sha or short sha it has), or "". */
  localVersion: string;
}

export type VersionKind = "HEAD" | "branch" | "tag" | "commit";

export interface Target {
  kind: VersionKind;
  /** The branch that version HEAD follows. */
  branch?: string;
  /** The commit the checkout should be at; undefined when only fetching tells (a short sha not yet here). */
  sha?: string;
}

export class VersionError extends Error {
  override name = "VersionError";
}

/**
 * Which commit `version` names. A branch wins over a tag of the same name; an annotated tag
 * stands for the commit it points to; anything else is taken as a commit id, as Ansible does.
 */
export function resolveVersion(version: string, refs: ReadonlyMap<string, string>, clone: CloneState | undefined): Target {
  if (version === "HEAD") {
    if (!clone?.present) {
      const sha = refs.get("HEAD");
      if (sha === undefined) throw new VersionError("Could not determine remote revision for HEAD (the remote has no HEAD: an empty repository?)");
      return { kind: "HEAD", sha };
    }
    const sha = refs.get(`refs/heads/${clone.headBranch}`);
    if (!clone.headBranch || sha === undefined) throw new VersionError(`Could not determine remote revision for HEAD (the remote has no branch ${JSON.stringify(clone.headBranch)})`);
    return { kind: "HEAD", branch: clone.headBranch, sha };
  }
  const branch = refs.get(`refs/heads/${version}`);
  if (branch !== undefined) return { kind: "branch", sha: branch };
  const tag = refs.get(`refs/tags/${version}^{}`) ?? refs.get(`refs/tags/${version}`);
  if (tag !== undefined) return { kind: "tag", sha: tag };
  if (clone?.present && clone.localVersion) return { kind: "commit", sha: clone.localVersion };
  return /^[0-9a-f]{40}$/.test(version) ? { kind: "commit", sha: version } : { kind: "commit" };
}

/** Ansible's rule for a repo given as a local path: fetched as a file:// URL (so depth works). */
export function repoUrl(repo: string): string {
  return repo.startsWith("/") ? `file://${repo}` : repo;
}

/** A URL as git may hold it for the same repository: file:///x and /x, with or without a final slash. */
export function sameRepo(a: string, b: string): boolean {
  const norm = (u: string) => u.replace(/^file:\/\//, "").replace(/\/+$/, "");
  return a === b || norm(a) === norm(b);
}

export const short = (sha: string | undefined): string => (sha ? sha.slice(0, 12) : "?");
