import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, DSL, GitRepo, waitForLog } from "./git-repo.js";

const root = mkdtempSync(join(tmpdir(), "dcv-hook-install-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A work tree with a site converging the control node itself (local connection): writes `out`. */
function siteRepo(name: string, content = "v1"): { repo: GitRepo; out: string } {
  const repo = GitRepo.init(join(root, name));
  const out = join(root, `${name}.out`);
  repo.commit("init", {
    "site.ts": `import { play, site } from "${DSL}";
export default site({ inventory: ["inventory/hosts.yml"], plays: [play({ name: "local", hosts: "all", gatherFacts: false, tasks: async (h) => {
  await h.copy({ dest: ${JSON.stringify(out)}, content: ${JSON.stringify(`${content}\n`)} });
} })] });
`,
    "inventory/hosts.yml": "all:\n  hosts:\n    localhost: { ansible_connection: local }\n",
    "README.md": "hello\n",
    ".gitignore": ".do-converge.lock\n",
  });
  return { repo, out };
}

describe("hook install, status and remove", { timeout: 120_000 }, () => {
  it("installs a small script that runs do-converge by absolute paths; again, byte for byte the same", () => {
    const { repo } = siteRepo("idempotent");
    const first = repo.cli(["hook", "install", "site.ts", "--on", "post-merge,post-checkout"]);
    expect(first.code, first.stderr).toBe(0);
    const hook = join(repo.dir, ".git/hooks/post-merge");
    const script = readFileSync(hook, "utf8");
    expect(script).toMatch(/^#!\/bin\/sh\n# do-converge git hook/);
    expect(script).toContain(`exec ${process.execPath} ${BIN} hook run post-merge "$@"\n`);
    const settings = readFileSync(join(repo.dir, ".git/do-converge-hook.json"), "utf8");
    expect(repo.cli(["hook", "install", "site.ts", "--on", "post-merge,post-checkout"]).code).toBe(0);
    expect(readFileSync(hook, "utf8")).toBe(script);
    expect(readFileSync(join(repo.dir, ".git/do-converge-hook.json"), "utf8")).toBe(settings);
    const status = repo.cli(["hook", "status"]).stdout;
    expect(status).toMatch(/post-merge +installed\npost-checkout +installed\npost-receive +not installed/);
    expect(status).toContain("site: site.ts");
    // Installing again for fewer events removes our hook of the others.
    expect(repo.cli(["hook", "install", "site.ts", "--on", "post-merge"]).stdout).toContain(`removed ${join(repo.dir, ".git/hooks/post-checkout")}`);
    expect(existsSync(join(repo.dir, ".git/hooks/post-checkout"))).toBe(false);
    expect(repo.cli(["hook", "remove"]).code).toBe(0);
    expect(existsSync(hook)).toBe(false);
    expect(existsSync(join(repo.dir, ".git/do-converge-hook.json"))).toBe(false);
    expect(repo.cli(["hook", "status"]).stdout).toContain("no do-converge hook settings");
  });

  it("installs where core.hooksPath points (relative to the work tree's top)", () => {
    const { repo } = siteRepo("hookspath");
    repo.git("config", "core.hooksPath", "githooks");
    const r = repo.cli(["hook", "install", "site.ts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(repo.dir, "githooks/post-merge"))).toBe(true);
    expect(existsSync(join(repo.dir, ".git/hooks/post-merge"))).toBe(false);
    expect(repo.cli(["hook", "status"]).stdout).toContain(`hooks: ${join(repo.dir, "githooks")}`);
  });

  it("refuses to replace another hook, and changes nothing then", () => {
    const { repo } = siteRepo("foreign");
    const hook = join(repo.dir, ".git/hooks/post-merge");
    writeFileSync(hook, "#!/bin/sh\necho theirs\n", { mode: 0o755 });
    const r = repo.cli(["hook", "install", "site.ts", "--on", "post-checkout,post-merge"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ERROR: ${hook} exists and is not do-converge's: not replacing it. Move it away, or give --chain to keep it (do-converge's hook runs it first)\n`);
    expect(readFileSync(hook, "utf8")).toBe("#!/bin/sh\necho theirs\n");
    expect(existsSync(join(repo.dir, ".git/hooks/post-checkout"))).toBe(false);
    expect(existsSync(join(repo.dir, ".git/do-converge-hook.json"))).toBe(false);
    expect(repo.cli(["hook", "remove"]).stdout).toBe("no do-converge hook installed\n");
    expect(readFileSync(hook, "utf8")).toBe("#!/bin/sh\necho theirs\n");
  });

  it("--chain keeps the other hook, which runs first with git's arguments; remove puts it back", async () => {
    const { repo, out } = siteRepo("chain");
    const hook = join(repo.dir, ".git/hooks/post-merge");
    const theirs = `#!/bin/sh\necho "theirs $*" >> ${JSON.stringify(join(root, "chain.theirs"))}\n`;
    writeFileSync(hook, theirs);
    chmodSync(hook, 0o755);
    expect(repo.cli(["hook", "install", "site.ts", "--chain", "--", "--no-typecheck"]).stdout).toContain("kept the existing post-merge hook as post-merge.do-converge-chained: it runs first");
    expect(repo.cli(["hook", "install", "site.ts", "--chain", "--", "--no-typecheck"]).code).toBe(0);
    expect(repo.cli(["hook", "status"]).stdout).toMatch(/post-merge +installed \(runs post-merge.do-converge-chained first\)/);
    repo.git("checkout", "-q", "-b", "change");
    repo.commit("site v2", { "site.ts": readFileSync(join(repo.dir, "site.ts"), "utf8").replace("v1", "v2") });
    repo.git("checkout", "-q", "main");
    expect(repo.run(["merge", "-q", "change"]).code).toBe(0);
    expect(readFileSync(join(root, "chain.theirs"), "utf8")).toBe("theirs 0\n");
    await waitForLog(join(repo.dir, ".git/do-converge-hook.log"), 1);
    expect(readFileSync(out, "utf8")).toBe("v2\n");
    expect(repo.cli(["hook", "remove"]).stdout).toContain(`put back the hook it ran first: ${hook}`);
    expect(readFileSync(hook, "utf8")).toBe(theirs);
  });

  it("a bare repository gets post-receive, and cannot have the others", () => {
    const bare = GitRepo.init(join(root, "infra.git"), { bare: true });
    const r = bare.cli(["hook", "install", "site.ts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(bare.dir, "hooks/post-receive"))).toBe(true);
    expect(r.stdout).toContain(`post-receive: converges pushes to the default branch from ${join(bare.dir, "do-converge-work")}`);
    const wrong = bare.cli(["hook", "install", "site.ts", "--on", "post-merge"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("is a bare repository: it has no merges or checkouts (post-merge); use --on post-receive");
  });

  it("names what is wrong: an unknown event, a site that is not there", () => {
    const { repo } = siteRepo("wrong");
    expect(repo.cli(["hook", "install", "site.ts", "--on", "pre-commit"]).stderr).toBe(
      "ERROR: --on pre-commit: pre-commit is not a hook do-converge installs (post-merge, post-checkout, post-receive)\n",
    );
    expect(repo.cli(["hook", "install", "nope.ts"]).stderr).toBe(`ERROR: ${join(repo.dir, "nope.ts")}: no such site file\n`);
    expect(repo.cli(["hook", "install", "site.ts", "--ignore-failure"]).code).toBe(1);
  });
});
