import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { git } from "../../../src/modules/git.js";
import { parseLsRemote, resolveVersion } from "../../../src/modules/git-refs.js";
import { RemoteShell } from "../../../src/remote/shell.js";
import { LocalConnection } from "../../../src/transport/local.js";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const T = "d".repeat(40);

describe("which commit version names", () => {
  const refs = parseLsRemote(`${A}\tHEAD\n${A}\trefs/heads/main\n${B}\trefs/heads/dev\n${T}\trefs/tags/v1\n${C}\trefs/tags/v1^{}\n${B}\trefs/tags/dev\n`);
  const clone = { present: true, head: A, localMods: false, remoteUrl: "", headBranch: "dev", localVersion: "" };

  it("HEAD: the remote's HEAD for a new clone, the checked-out branch's remote commit for a clone", () => {
    expect(resolveVersion("HEAD", refs, undefined)).toEqual({ kind: "HEAD", sha: A });
    expect(resolveVersion("HEAD", refs, clone)).toEqual({ kind: "HEAD", branch: "dev", sha: B });
  });

  it("a branch before a tag of the same name; an annotated tag's commit", () => {
    expect(resolveVersion("dev", refs, undefined)).toEqual({ kind: "branch", sha: B });
    expect(resolveVersion("v1", refs, undefined)).toEqual({ kind: "tag", sha: C });
  });

  it("anything else is a commit id: resolved in the clone when it has it", () => {
    expect(resolveVersion(C, refs, undefined)).toEqual({ kind: "commit", sha: C });
    expect(resolveVersion("abc123", refs, undefined)).toEqual({ kind: "commit" });
    expect(resolveVersion("abc123", refs, { ...clone, localVersion: A })).toEqual({ kind: "commit", sha: A });
  });

  it("refuses dest-less clones and two host-key policies", () => {
    expect(git.args.safeParse({ repo: "/srv/r.git" }).success).toBe(false);
    expect(git.args.safeParse({ repo: "/srv/r.git", clone: false }).success).toBe(true);
    expect(git.args.safeParse({ repo: "x", dest: "/x", accept_hostkey: true, accept_newhostkey: true }).success).toBe(false);
    expect(git.args.safeParse({ repo: "x", dest: "/x", recursive: false }).success).toBe(false);
  });
});

describe("git on a local repository", () => {
  let work: string;
  let bare: string;
  let sh: RemoteShell;
  const ctx = (check = false): ModuleContext => ({ host: "local", check, wantDiff: true, sh, renderTemplate: () => "", readControlFile: () => Buffer.alloc(0) });
  const run = (cmd: string, cwd = work) => execFileSync("sh", ["-c", cmd], { cwd, encoding: "utf8", env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@x" } }).trim();

  /** One converge of the module: probe, diff, apply unless unchanged or check mode. */
  const converge = async (raw: Record<string, unknown>, check = false) => {
    const args = git.args.parse(raw);
    const st = await git.probe(ctx(check), args);
    const change = git.diff(args, st, ctx(check));
    const result = change && !check ? await git.apply(ctx(check), args, st, change) : git.unchanged(args, st);
    return { change, result };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "dcv-git-"));
    bare = join(work, "origin.git");
    run(`git init -q --bare -b main ${bare} && git clone -q ${bare} seed`);
    const seed = join(work, "seed");
    writeFileSync(join(seed, "README"), "one\n");
    run("git add README && git commit -qm one && git tag -a v1 -m v1 && git push -q origin main v1", seed);
    writeFileSync(join(seed, "README"), "two\n");
    run("git commit -qam two && git push -q origin main && git checkout -qb dev && echo dev > DEV && git add DEV && git commit -qm dev && git push -q origin dev", seed);
    sh = await RemoteShell.open(new LocalConnection("local"));
  });
  afterAll(() => {
    sh.close();
    rmSync(work, { recursive: true, force: true });
  });

  const sha = (ref: string) => run(`git --git-dir=${bare} rev-parse ${ref}^{commit}`);

  it("clones (check mode first: nothing cloned), then changes nothing; a tag, a branch, drift and force", async () => {
    const dest = join(work, "co");
    const args = { repo: bare, dest };
    const check = await converge(args, true);
    expect(check.change?.summary).toBe(`clone ${bare} (HEAD) at ${sha("main").slice(0, 12)}`);
    expect(check.result).toEqual({ before: null, after: sha("main") });
    expect(run(`ls ${work}`)).not.toContain("co");

    const first = await converge(args);
    expect(first.result).toEqual({ before: null, after: sha("main") });
    expect(run("cat README", dest)).toBe("two");
    expect((await converge(args)).change).toBeUndefined();

    const tag = await converge({ ...args, version: "v1" });
    expect(tag.result).toMatchObject({ before: sha("main"), after: sha("v1") });
    expect(run("cat README", dest)).toBe("one");
    expect((await converge({ ...args, version: "v1" })).change).toBeUndefined();

    const dev = await converge({ ...args, version: "dev" });
    expect(dev.result).toMatchObject({ after: sha("dev") });
    expect(run("git symbolic-ref --short HEAD; cat DEV", dest)).toBe("dev\ndev");

    // A new commit on the remote moves the checkout; local changes fail without force.
    run(`git checkout -q dev && echo three > DEV && git commit -qam three && git push -q origin dev`, join(work, "seed"));
    writeFileSync(join(dest, "DEV"), "mine\n");
    await expect(converge({ ...args, version: "dev" })).rejects.toThrow(`Local modifications exist in the destination: ${dest} (force=no).`);
    const forced = await converge({ ...args, version: "dev", force: true });
    expect(forced.change?.summary).toBe(`discard local modifications, ${sha("dev~1").slice(0, 12)} -> ${sha("dev").slice(0, 12)}`);
    expect(run("cat DEV; git status --porcelain", dest)).toBe("three");
    expect((await converge({ ...args, version: "dev" })).change).toBeUndefined();

    // A commit id (short), and update: false.
    const one = sha("v1").slice(0, 10);
    expect((await converge({ ...args, version: one })).result).toMatchObject({ after: sha("v1") });
    expect((await converge({ ...args, version: one })).change).toBeUndefined();
    expect((await converge({ ...args, update: false })).change).toBeUndefined();
  });

  it("shallow, single-branch clones of a file:// URL; clone: false only reports", async () => {
    const dest = join(work, "shallow");
    await converge({ repo: `file://${bare}`, dest, depth: 1, version: "dev", single_branch: true });
    expect(run("git rev-list --count HEAD; git branch -a | wc -l", dest)).toBe("1\n2");
    expect((await converge({ repo: `file://${bare}`, dest, depth: 1, version: "dev", single_branch: true })).change).toBeUndefined();
    expect(await converge({ repo: bare, clone: false, version: "v1" })).toEqual({ change: undefined, result: { before: null, after: sha("v1") } });
  });

  it("a remote that cannot be read and a version that names nothing fail clearly", async () => {
    const dest = join(work, "none");
    await expect(converge({ repo: join(work, "missing.git"), dest })).rejects.toThrow(/^cannot read the refs of .*missing\.git: /);
    await expect(converge({ repo: bare, dest, version: "no-such-branch" })).rejects.toThrow(/git failed to check out no-such-branch/);
  });
});
