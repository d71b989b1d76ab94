import { posix } from "node:path";
import { z } from "zod";
import { shellJoin, shellQuote } from "../remote/quote.js";
import { AbsPath } from "./args.js";
import { type Change, type ModuleContext, ModuleError, defineModule } from "./contract.js";
import { type CloneState, type Target, VersionError, parseLsRemote, repoUrl, resolveVersion, sameRepo, short } from "./git-refs.js";

// git: a checkout of a repository at a version, as ansible.builtin.git of ansible-core 2.14. The
// probe reads the clone (HEAD, local changes, the remote's URL) and the remote's refs (ls-remote);
// the checkout changes only when the commit it should be at differs, or force must discard local
// changes, or the remote's URL must change.

const GitArgs = z
  .strictObject({
    repo: z.string().min(1).describe("The repository: a URL (https, ssh, git, file) or a path on the host."),
    dest: AbsPath.optional().describe("Where the checkout lives; required unless clone is false."),
    version: z.string().min(1).default("HEAD").describe("A branch, a tag or a commit id; HEAD: the remote's default branch (or the branch the clone has checked out)."),
    remote: z.string().min(1).regex(/^[^\s-][^\s]*$/, "a remote name").default("origin").describe("The remote's name."),
    force: z.boolean().default(false).describe("Discard local changes to tracked files; without it they fail the task."),
    depth: z.number().int().positive().optional().describe("A shallow clone of that many commits (HEAD, branches and tags)."),
    clone: z.boolean().default(true).describe("false: never clone; only report the remote's commit."),
    update: z.boolean().default(true).describe("false: leave an existing checkout as it is."),
    accept_hostkey: z.boolean().default(false).describe("ssh: accept any host key (StrictHostKeyChecking=no)."),
    accept_newhostkey: z.boolean().default(false).describe("ssh: accept the host key of a host not known yet (StrictHostKeyChecking=accept-new)."),
    single_branch: z.boolean().default(false).describe("Clone only the history of version (or of the remote's HEAD)."),
  })
  .superRefine((a, ctx) => {
    if (a.dest === undefined && a.clone) ctx.addIssue({ code: "custom", path: ["dest"], message: "the destination directory must be specified unless clone=no" });
    if (a.accept_hostkey && a.accept_newhostkey) ctx.addIssue({ code: "custom", path: ["accept_newhostkey"], message: "accept_hostkey and accept_newhostkey are mutually exclusive" });
  });

type GitArgs = z.output<typeof GitArgs>;

export interface GitState {
  url: string;
  clone: CloneState | undefined;
  target: Target;
}

export interface GitResult {
  /** The commit before; null when there was no checkout. */
  before: string | null;
  /** The commit after (in check mode: the one it would be at). */
  after: string | null;
  remote_url_changed?: boolean;
  msg?: string;
}

/** Every git command runs with this: never a prompt, and the host-key policy asked for. */
function gitEnv(args: GitArgs): string {
  const ssh = args.accept_hostkey ? "ssh -o StrictHostKeyChecking=no" : args.accept_newhostkey ? "ssh -o StrictHostKeyChecking=accept-new" : undefined;
  return `export GIT_TERMINAL_PROMPT=0${ssh ? ` GIT_SSH_COMMAND=${shellQuote(ssh)}` : ""}`;
}

const SEP = "\x1f";

async function probeClone(ctx: ModuleContext, args: GitArgs): Promise<CloneState | undefined> {
  if (args.dest === undefined) return undefined;
  const q = shellQuote;
  const script = [
    gitEnv(args),
    `d=${q(args.dest)}`,
    `if [ -f "$d/.git/config" ] || [ -f "$d/.git" ]; then :; else echo absent; exit 0; fi`,
    `cd "$d" || exit 3`,
    "head=$(git rev-parse -q --verify HEAD) || head=''",
    // Untracked files are not local changes to Ansible.
    "mods=$(git status --porcelain | grep -v '^??' | head -n 1)",
    `url=$(git config --get remote.${q(args.remote)}.url) || url=''`,
    `branch=$(git symbolic-ref -q --short HEAD) || branch=$(git symbolic-ref -q --short refs/remotes/${q(args.remote)}/HEAD | sed 's|^[^/]*/||') || branch=''`,
    args.version === "HEAD" ? "local=''" : `local=$(git rev-parse -q --verify ${q(`${args.version}^{commit}`)}) || local=''`,
    `printf 'present${SEP}%s${SEP}%s${SEP}%s${SEP}%s${SEP}%s\\n' "$head" "\${mods:+1}" "$url" "$branch" "$local"`,
  ].join("\n");
  const r = await ctx.sh.run(script);
  if (r.rc !== 0) throw new ModuleError(`${args.dest}: cannot read the checkout: ${r.stderr.trim()}`, r);
  const line = r.stdout.trim();
  if (line === "absent") return { present: false, head: "", localMods: false, remoteUrl: "", headBranch: "", localVersion: "" };
  const f = line.split(SEP);
  return { present: true, head: f[1] ?? "", localMods: f[2] === "1", remoteUrl: f[3] ?? "", headBranch: f[4] ?? "", localVersion: f[5] ?? "" };
}

async function probe(ctx: ModuleContext, args: GitArgs): Promise<GitState> {
  const url = repoUrl(args.repo);
  const clone = await probeClone(ctx, args);
  const r = await ctx.sh.run(`${gitEnv(args)}\ncd / && git ls-remote ${shellJoin(["--", url])}`);
  if (r.rc === 127) throw new ModuleError("git is not installed on the host", r);
  if (r.rc !== 0) throw new ModuleError(`cannot read the refs of ${args.repo}: ${r.stderr.trim()}`, r);
  try {
    return { url, clone, target: resolveVersion(args.version, parseLsRemote(r.stdout), clone) };
  } catch (err) {
    if (err instanceof VersionError) throw new ModuleError(`${args.repo}: ${err.message}`);
    throw err;
  }
}

function stateText(url: string, version: string, sha: string | undefined): string {
  return `repo: ${url}\nversion: ${version}\ncommit: ${sha ?? "(known after fetching)"}\n`;
}

function plan(args: GitArgs, st: GitState): Change | undefined {
  const c = st.clone;
  const label = `${args.dest ?? args.repo} (git checkout)`;
  if (!c?.present) {
    if (!args.clone) return undefined;
    return { summary: `clone ${args.repo} (${args.version}) at ${short(st.target.sha)}`, diffs: [{ label, before: "", after: stateText(st.url, args.version, st.target.sha) }] };
  }
  if (!args.update) return undefined;
  if (c.localMods && !args.force) throw new ModuleError(`Local modifications exist in the destination: ${args.dest} (force=no).`);
  const parts: string[] = [];
  if (c.localMods) parts.push("discard local modifications");
  if (!sameRepo(c.remoteUrl, st.url)) parts.push(`remote ${args.remote} ${c.remoteUrl || "(none)"} -> ${st.url}`);
  if (st.target.sha === undefined || st.target.sha !== c.head) parts.push(`${short(c.head)} -> ${short(st.target.sha)}`);
  if (parts.length === 0) return undefined;
  return {
    summary: parts.join(", "),
    diffs: [{ label, before: stateText(c.remoteUrl, args.version, c.head) + (c.localMods ? "local modifications\n" : ""), after: stateText(st.url, args.version, st.target.sha) }],
  };
}

/** git checkout of version, as Ansible's switch_version: a branch is tracked and reset to the remote's. */
function switchVersion(args: GitArgs, st: GitState): string[] {
  const q = shellQuote;
  const rem = q(args.remote);
  if (st.target.kind === "HEAD") {
    return [
      `branch=$(git symbolic-ref -q --short HEAD) || branch=$(git symbolic-ref -q --short refs/remotes/${rem}/HEAD | sed 's|^[^/]*/||')`,
      'git checkout -q --force "$branch"',
      `git reset -q --hard ${rem}/"$branch" --`,
    ];
  }
  const v = q(args.version);
  if (st.target.kind === "branch") {
    return [
      ...(args.depth ? [`git show-ref --verify -q ${q(`refs/heads/${args.version}`)} || git fetch -q --depth ${args.depth} ${rem} ${q(`+refs/heads/${args.version}:refs/remotes/${args.remote}/${args.version}`)}`] : []),
      `if git show-ref --verify -q ${q(`refs/heads/${args.version}`)}; then git checkout -q --force ${v} && git reset -q --hard ${q(`${args.remote}/${args.version}`)}; else git checkout -q --track -b ${v} ${q(`${args.remote}/${args.version}`)}; fi`,
    ];
  }
  return [`git checkout -q --force ${v}`];
}

function cloneCommands(args: GitArgs, st: GitState): string[] {
  const dest = args.dest ?? "";
  const fetchable = st.target.kind === "branch" || st.target.kind === "tag";
  const argv = ["git", "clone", "-q", "--origin", args.remote];
  // Shallow clones only of what can be fetched by name, as Ansible (a commit id gets the whole history).
  if (args.depth && (st.target.kind === "HEAD" || fetchable)) argv.push("--depth", String(args.depth), ...(fetchable ? ["--branch", args.version] : []));
  if (args.single_branch) argv.push("--single-branch", ...(fetchable ? ["--branch", args.version] : []));
  argv.push("--", st.url, dest);
  return [`mkdir -p -- ${shellQuote(posix.dirname(dest))}`, `cd ${shellQuote(posix.dirname(dest))}`, shellJoin(argv), `cd ${shellQuote(dest)}`];
}

/** git fetch as Ansible's fetch: all tags (or, shallow, only the ref version needs), forced with force. */
function fetchCommands(args: GitArgs, st: GitState): string[] {
  const refspecs: string[] = [];
  const argv = ["git", "fetch", "-q"];
  if (args.depth) {
    if (st.target.kind === "HEAD") refspecs.push(st.target.branch ?? "HEAD");
    else if (st.target.kind === "branch") {
      if (st.clone?.headBranch !== args.version) refspecs.push(`+refs/heads/${args.version}:refs/heads/${args.version}`);
      refspecs.push(`+refs/heads/${args.version}:refs/remotes/${args.remote}/${args.version}`);
    } else if (st.target.kind === "tag") refspecs.push(`+refs/tags/${args.version}:refs/tags/${args.version}`);
    if (refspecs.length > 0) argv.push("--depth", String(args.depth));
  }
  if (!args.depth || refspecs.length === 0) argv.push("--tags");
  if (args.force) argv.push("--force");
  return [shellJoin([...argv, args.remote, ...refspecs])];
}

async function apply(ctx: ModuleContext, args: GitArgs, st: GitState): Promise<GitResult> {
  const c = st.clone;
  const before = c?.present ? c.head : null;
  const remoteUrlChanged = c?.present === true && !sameRepo(c.remoteUrl, st.url);
  const cmds = [gitEnv(args), "set -e"];
  if (!c?.present) cmds.push(...cloneCommands(args, st));
  else {
    cmds.push(`cd ${shellQuote(args.dest ?? "")}`);
    if (c.localMods) cmds.push("git reset -q --hard HEAD");
    if (remoteUrlChanged) cmds.push(c.remoteUrl ? shellJoin(["git", "remote", "set-url", args.remote, st.url]) : shellJoin(["git", "remote", "add", args.remote, st.url]));
    cmds.push(...fetchCommands(args, st));
  }
  cmds.push(...switchVersion(args, st), "git rev-parse HEAD");
  const r = await ctx.sh.run(cmds.join("\n"));
  if (r.rc !== 0) throw new ModuleError(`${args.dest}: git failed to check out ${args.version} of ${args.repo}: ${r.stderr.trim()}`, r);
  const after = r.stdout.trim().split("\n").at(-1) ?? "";
  return {
    before,
    after,
    ...(c?.present ? { remote_url_changed: remoteUrlChanged } : {}),
    ...(c?.localMods ? { msg: `Local modifications exist in the destination: ${args.dest}` } : {}),
  };
}

export const git = defineModule({
  name: "git",
  doc: {
    summary:
      "A checkout of a git repository at a branch, tag or commit, as Ansible's git: it changes only when the commit it should be at differs, force must discard local changes, or the remote's URL must change.",
    example: 'await h.git({ repo: "https://github.com/example/app.git", dest: "/srv/app", version: "v2.3.1" });',
    diff: "The checkout's remote URL, version and commit before and after (and local modifications, if the checkout has some).",
  },
  // ls-remote asks the remote, and `git status` may rewrite the index.
  probeScope: "live",
  args: GitArgs,
  probe: (ctx, args) => probe(ctx, args),
  diff: (args, st) => plan(args, st),
  apply: (ctx, args, st) => apply(ctx, args, st),
  unchanged: (args, st): GitResult => {
    const c = st.clone;
    if (!c?.present) return { before: null, after: st.target.sha ?? null };
    if (!args.update) return { before: c.head, after: c.head };
    return { before: c.head, after: st.target.sha ?? null, remote_url_changed: !sameRepo(c.remoteUrl, st.url) };
  },
});
