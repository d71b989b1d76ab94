import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireRunLock } from "../../../src/control-node/run-lock.js";
import { DSL, GitRepo, waitForLog } from "./git-repo.js";

// The hook's runs on the control node itself (a site of local tasks): what the lab test does not
// reach — squash merges, a run lock held by another run.

const root = mkdtempSync(join(tmpdir(), "dcv-hook-run-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function site(out: string, content: string): string {
  return `import { play, site } from "${DSL}";
export default site({ inventory: ["inventory/hosts.yml"], plays: [play({ name: "local", hosts: "all", gatherFacts: false, tasks: async (h) => {
  await h.copy({ dest: ${JSON.stringify(out)}, content: ${JSON.stringify(`${content}\n`)} });
} })] });
`;
}

function repoWithHook(name: string): { repo: GitRepo; out: string; log: string } {
  const repo = GitRepo.init(join(root, name));
  const out = join(root, `${name}.out`);
  repo.commit("init", {
    "site.ts": site(out, "v1"),
    "inventory/hosts.yml": "all:\n  hosts:\n    localhost: { ansible_connection: local }\n",
    ".gitignore": ".do-converge.lock\n",
  });
  repo.git("checkout", "-q", "-b", "change");
  repo.commit("v2", { "site.ts": site(out, "v2") });
  repo.git("checkout", "-q", "main");
  const r = repo.cli(["hook", "install", "site.ts", "--", "--no-typecheck"]);
  expect(r.code, r.stderr).toBe(0);
  return { repo, out, log: join(repo.dir, ".git/do-converge-hook.log") };
}

describe("the hook's runs", { timeout: 120_000 }, () => {
  it("a squash merge converges what it staged", async () => {
    const { repo, out, log } = repoWithHook("squash");
    const merge = repo.run(["merge", "--squash", "change"]);
    expect(merge.code, merge.stderr).toBe(0);
    const text = await waitForLog(log, 1);
    expect(text).toMatch(/^=== \S+Z post-merge [0-9a-f]{12}\+squash: converge of site\.ts\nchanged: site\.ts\n/);
    expect(text).toMatch(/\n=== end post-merge [0-9a-f]{12}\+squash: exit 0\n$/);
    expect(readFileSync(out, "utf8")).toBe("v2\n");
  });

  it("finding the run lock taken, it converges nothing and logs exit 8; git merge still succeeds", async () => {
    const { repo, out, log } = repoWithHook("locked");
    const lockFile = join(repo.dir, ".do-converge.lock");
    const held = acquireRunLock(lockFile);
    try {
      const merge = repo.run(["merge", "-q", "change"]);
      expect(merge.code, merge.stderr).toBe(0);
      const text = await waitForLog(log, 1);
      expect(text).toMatch(
        new RegExp(`^=== \\S+Z post-merge \\S+: converge not started: another do-converge run holds ${lockFile} \\(pid ${process.pid}\\): not starting a second one\\n=== end post-merge \\S+: exit 8\\n$`),
      );
      expect(existsSync(out)).toBe(false);
    } finally {
      held.release();
    }
  });
});
