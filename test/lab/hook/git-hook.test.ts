import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DSL, GitRepo, type Result, waitForLog } from "../../unit/hook/git-repo.js";
import { labSkipReason } from "../availability.js";
import { RootShells } from "../engine/harness.js";
import { labInventory } from "../inventory.js";
import { Lab } from "../lab.js";

// The git hook on a real repository and a real host: merges, branch checkouts and pushes into a
// bare repository converge web3 when (and only when) the site's files changed. Only /srv/dcv-hook
// on web3 is written, and it is removed afterwards.

const skip = labSkipReason();
const HOST = "web3";
const DIR = "/srv/dcv-hook";

const SITE = `import { site, play } from "${DSL}";
export default site({
  inventory: ["inventory/hosts.yml"],
  plays: [play({ name: "hook", hosts: "all", become: true, gatherFacts: false, tasks: async (h) => {
    await h.file({ path: "${DIR}", state: "directory", mode: "0755" });
    await h.template({ src: "motd.njk", dest: "${DIR}/motd", mode: "0644", validate: "grep -q '^release ' %s" }, { name: "motd" });
  } })],
});
`;

/** The entries of a log that ran a converge, each from its header to its END line. */
function entries(log: string): string[] {
  return [...log.matchAll(/^=== \d{4}-.*?^=== end .*?$/gms)].map((m) => m[0]);
}
function skips(log: string): string[] {
  return log.split("\n").filter((l) => l.includes(": skipped: "));
}
function recapChanged(entry: string): number {
  const m = /^web3 +: ok=\d+ +changed=(\d+) +unreachable=0 +failed=0/m.exec(entry);
  if (!m) throw new Error(`no recap of web3 in:\n${entry}`);
  return Number(m[1]);
}
const ok = (r: Result) => `exit ${r.code}\n${r.stdout}${r.stderr}`;

describe.skipIf(skip !== undefined)("the git hook converges web3 when the site's files change", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  const tmp = mkdtempSync(join(tmpdir(), "dcv-hook-lab-"));
  const repo = new GitRepo(join(tmp, "infra"));
  const log = join(repo.dir, ".git/do-converge-hook.log");
  let convergeArgs: string[];
  /** A branch made from main with one commit, back on main afterwards; the hooks stay quiet meanwhile. */
  const branch = (name: string, files: Record<string, string>) => {
    const back = repo.git("symbolic-ref", "--short", "HEAD").trim();
    repo.git("-c", "core.hooksPath=/dev/null", "checkout", "-q", "-b", name, "main");
    repo.commit(name, files);
    repo.git("-c", "core.hooksPath=/dev/null", "checkout", "-q", back);
  };
  const install = (...args: string[]) => {
    const r = repo.cli(["hook", "install", "site.ts", ...args, "--", ...convergeArgs]);
    expect(r.code, ok(r)).toBe(0);
  };

  beforeAll(async () => {
    await lab.up();
    await sh(`rm -rf ${DIR}`);
    convergeArgs = ["--known-hosts", lab.knownHostsFile, "--no-typecheck"];
    GitRepo.init(repo.dir);
    repo.commit("the site", {
      "site.ts": SITE,
      "templates/motd.njk": "release 1\n",
      "inventory/hosts.yml": labInventory(lab.topology, lab.keyFile, [HOST]),
      "README.md": "infra\n",
      ".gitignore": ".do-converge.lock\n",
    });
  });
  afterAll(async () => {
    await sh(`rm -rf ${DIR}`).catch(() => undefined);
    root.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("a merge that changes only README.md converges nothing: one line in the log says why", async () => {
    install("--on", "post-merge");
    branch("docs", { "README.md": "infra, documented\n" });
    const merge = repo.run(["merge", "-q", "--no-ff", "-m", "docs", "docs"]);
    expect(merge.code, ok(merge)).toBe(0);
    // The hook logs before it returns, so the line is there once git merge is done.
    const text = readFileSync(log, "utf8");
    expect(skips(text)).toHaveLength(1);
    expect(skips(text)[0]).toMatch(
      /^\S+Z post-merge [0-9a-f]{12}\.\.[0-9a-f]{12}: skipped: no changed path matches site\.ts, roles\/, templates\/, inventory\/, \*\.tf, terraform\.tfstate \(changed: README\.md\)$/,
    );
    expect(entries(text)).toEqual([]);
    expect(await sh(`test -e ${DIR} && echo there || echo absent`)).toBe("absent\n");
  });

  it("a merge that changes templates/ converges in the background; the log holds the recap; again, changed=0", async () => {
    branch("release-2", { "templates/motd.njk": "release 2\n" });
    const merge = repo.run(["merge", "-q", "--no-ff", "-m", "release 2", "release-2"]);
    expect(merge.code, ok(merge)).toBe(0);
    expect(merge.stderr).toContain(`converge of site.ts started in the background; log: ${log}`);
    const first = entries(await waitForLog(log, 1))[0] as string;
    expect(first).toMatch(/^=== \S+Z post-merge [0-9a-f]{12}\.\.[0-9a-f]{12}: converge of site\.ts\nchanged: templates\/motd\.njk\n/);
    expect(first).toContain("PLAY RECAP");
    expect(recapChanged(first)).toBe(2);
    expect(first).toMatch(/\n=== end post-merge .*: exit 0$/);
    expect(await sh(`cat ${DIR}/motd`)).toBe("release 2\n");

    // An inventory edit that changes nothing on the host: converged again, changed=0.
    branch("inventory-comment", { "inventory/hosts.yml": `# web3 only\n${labInventory(lab.topology, lab.keyFile, [HOST])}` });
    expect(repo.run(["merge", "-q", "--no-ff", "-m", "comment", "inventory-comment"]).code).toBe(0);
    const second = entries(await waitForLog(log, 2))[1] as string;
    expect(second).toContain("changed: inventory/hosts.yml\n");
    expect(recapChanged(second)).toBe(0);
  });

  it("post-checkout converges on a branch checkout, not on a checkout of files", async () => {
    branch("release-3", { "templates/motd.njk": "release 3\n" });
    install("--on", "post-merge,post-checkout");
    const co = repo.run(["checkout", "-q", "release-3"]);
    expect(co.code, ok(co)).toBe(0);
    const third = entries(await waitForLog(log, 3))[2] as string;
    expect(third).toMatch(/^=== \S+Z post-checkout [0-9a-f]{12}\.\.[0-9a-f]{12}: converge of site\.ts\nchanged: templates\/motd\.njk\n/);
    expect(recapChanged(third)).toBe(1);
    expect(await sh(`cat ${DIR}/motd`)).toBe("release 3\n");

    repo.write("README.md", "scribbled\n");
    expect(repo.run(["checkout", "--", "README.md"]).code).toBe(0);
    expect(skips(readFileSync(log, "utf8")).at(-1)).toMatch(/post-checkout .*: skipped: a checkout of files, not of a branch$/);
    // A new branch where HEAD already is: nothing changed.
    expect(repo.run(["checkout", "-q", "-b", "release-3-copy"]).code).toBe(0);
    expect(skips(readFileSync(log, "utf8")).at(-1)).toMatch(/post-checkout .*: skipped: no changed path matches .* \(no path changed\)$/);
    expect(entries(readFileSync(log, "utf8"))).toHaveLength(3);
  });

  it("a --check hook reports drift and leaves web3 as it found it", async () => {
    install("--on", "post-checkout", "--check");
    await sh(`echo drifted > ${DIR}/motd`);
    const co = repo.run(["checkout", "-q", "main"]);
    expect(co.code, ok(co)).toBe(0);
    const check = entries(await waitForLog(log, 4))[3] as string;
    expect(check).toMatch(/: check of site\.ts\n/);
    expect(check).toContain(" --check --diff ");
    expect(check).toContain("-drifted\n+release 2\n");
    expect(recapChanged(check)).toBe(1);
    expect(await sh(`cat ${DIR}/motd`)).toBe("drifted\n");
  });

  it("a failing converge does not fail git merge; with --wait, git checkout fails with it", async () => {
    install("--on", "post-merge,post-checkout");
    branch("broken", { "templates/motd.njk": "no release line\n" });
    const merge = repo.run(["merge", "-q", "--no-ff", "-m", "broken", "broken"]);
    expect(merge.code, ok(merge)).toBe(0);
    const failed = entries(await waitForLog(log, 5))[4] as string;
    expect(failed).toContain("failed=1");
    expect(failed).toMatch(/\n=== end post-merge .*: exit 2$/);
    // validate kept the broken file off the host.
    expect(await sh(`cat ${DIR}/motd`)).toBe("drifted\n");

    install("--on", "post-checkout", "--wait");
    const co = repo.run(["checkout", "-q", "release-2"]);
    expect(co.code, ok(co)).toBe(0);
    // In the foreground the converge's output is on git's terminal too.
    expect(co.stderr).toContain("PLAY RECAP");
    const waited = entries(readFileSync(log, "utf8"))[5] as string;
    expect(waited).toMatch(/\n=== end post-checkout .*: exit 0$/);
    expect(await sh(`cat ${DIR}/motd`)).toBe("release 2\n");
    const back = repo.run(["checkout", "-q", "main"]);
    // The hook exits 2 (the converge's code, in the log); git checkout reports a failed post-checkout as 1.
    expect(back.code, ok(back)).toBe(1);
    expect(back.stderr).toContain("failed=1");
    expect(entries(readFileSync(log, "utf8"))[6]).toMatch(/\n=== end post-checkout .*: exit 2$/);
  });

  it("post-receive in a bare repository converges what a git push brings to main, from its work directory", async () => {
    repo.cli(["hook", "remove"]);
    repo.git("checkout", "-q", "main");
    repo.git("reset", "-q", "--hard", "release-2");
    const bare = GitRepo.init(join(tmp, "infra.git"), { bare: true });
    const workDir = join(tmp, "deploy");
    const installed = bare.cli(["hook", "install", "site.ts", "--work-dir", workDir, "--", ...convergeArgs]);
    expect(installed.code, ok(installed)).toBe(0);
    const blog = join(bare.dir, "do-converge-hook.log");
    await sh(`rm -rf ${DIR}`);

    // The first push creates main there: every file is new.
    const push = repo.run(["push", "-q", bare.dir, "main"]);
    expect(push.code, ok(push)).toBe(0);
    expect(push.stderr).toContain("remote: do-converge hook: post-receive refs/heads/main");
    const created = entries(await waitForLog(blog, 1))[0] as string;
    expect(created).toMatch(/^=== \S+Z post-receive refs\/heads\/main \(none\)\.\.[0-9a-f]{12}: converge of site\.ts\n/);
    expect(created).toContain(`checked out ${repo.git("rev-parse", "main").trim()} into ${workDir}\n`);
    expect(recapChanged(created)).toBe(2);
    expect(await sh(`cat ${DIR}/motd`)).toBe("release 2\n");
    // The bare repository's HEAD still names main, and has no index of its own.
    expect(bare.git("symbolic-ref", "HEAD")).toBe("refs/heads/main\n");

    // Another branch, a README change, a deleted branch: nothing to converge.
    expect(repo.run(["push", "-q", bare.dir, "release-3"]).code).toBe(0);
    repo.commit("readme", { "README.md": "pushed\n" });
    expect(repo.run(["push", "-q", bare.dir, "main"]).code).toBe(0);
    expect(repo.run(["push", "-q", bare.dir, ":release-3"]).code).toBe(0);
    const lines = skips(readFileSync(blog, "utf8"));
    expect(lines[0]).toMatch(/post-receive -: skipped: no update of refs\/heads\/main \(pushed: refs\/heads\/release-3\)$/);
    expect(lines[1]).toMatch(/post-receive refs\/heads\/main [0-9a-f]{12}\.\.[0-9a-f]{12}: skipped: no changed path matches .* \(changed: README\.md\)$/);
    expect(lines[2]).toMatch(/skipped: no update of refs\/heads\/main \(pushed: refs\/heads\/release-3\)$/);

    // A template change, pushed: checked out over the work directory and converged.
    repo.commit("release 4", { "templates/motd.njk": "release 4\n" });
    expect(repo.run(["push", "-q", bare.dir, "main"]).code).toBe(0);
    const updated = entries(await waitForLog(blog, 2))[1] as string;
    expect(updated).toContain("changed: templates/motd.njk\n");
    expect(recapChanged(updated)).toBe(1);
    expect(await sh(`cat ${DIR}/motd`)).toBe("release 4\n");
    expect(readFileSync(join(workDir, "templates/motd.njk"), "utf8")).toBe("release 4\n");
    expect(readFileSync(join(workDir, "README.md"), "utf8")).toBe("pushed\n");
  });
});
