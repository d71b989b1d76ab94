import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SiteError } from "../../../src/site/errors.js";
import { typecheckSite } from "../../../src/site/typecheck.js";
import { runInPty } from "../init/pty.js";
import { LOCAL_INVENTORY, STACK_TRACE, TSX, cli, scratchDir } from "../safety/cli-helpers.js";

// A site importing "do-converge" by name from a directory without node_modules/do-converge (a
// global install's case) is checked and run against the running do-converge; a site whose
// directory has its own do-converge is handed over to that one.

const root = scratchDir("own-package");
const repo = new URL("../../../", import.meta.url).pathname;
const version = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { version: string }).version;
/** A path no site here may create: their tasks run only where a test expects them to. */
const never = join(root, "never");
let n = 0;
// The in-process checks remember their results here, not in the user's cache.
process.env.XDG_CACHE_HOME = join(root, ".xdg-cache");

/** A site directory whose site.ts imports the package by name; `esm` adds a package.json of "type": "module". */
function siteDir(body: string | ((dir: string) => string), o: { esm?: boolean } = {}): string {
  const dir = join(root, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
  if (o.esm) writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "infra", private: true, type: "module" })}\n`);
  writeFileSync(
    join(dir, "site.ts"),
    `import { play, site } from "do-converge";

export default site({ inventory: ["hosts.yml"], plays: [play({ name: "p", hosts: "all", gatherFacts: false, tasks: async (h) => {
${typeof body === "string" ? body : body(dir)}
} })] });
`,
  );
  return dir;
}

const touch = (dir: string, name: string) => `await h.file({ path: ${JSON.stringify(join(dir, name))}, state: "touch" });`;

describe("a site's import of do-converge, with no do-converge beside it", () => {
  it("is type-checked against the running package: its types, not an unresolved module", async () => {
    const dir = siteDir(`await h.file({ path: 42, state: "touch" });`);
    const err = await typecheckSite(join(dir, "site.ts"), "test").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SiteError);
    const message = (err as Error).message;
    expect(message).not.toMatch(/Cannot find module/);
    expect(message).toMatch(/site\.ts:4:\d+: Type 'number' is not assignable to type 'string'/);
  });

  it("tells the progress of a check that runs, and nothing when the result is remembered", async () => {
    const dir = siteDir(touch(root, "unused"));
    const told: Array<string | undefined> = [];
    const progress = { started: (l: string) => told.push(l), ended: (l: string | undefined) => told.push(l) };
    await typecheckSite(join(dir, "site.ts"), "progress-test", progress);
    expect(told).toHaveLength(2);
    expect(told[0]).toMatch(/site\.ts: type-checking \(once per change of the site's code\)\.\.\.$/);
    expect(told[1]).toMatch(/site\.ts: type-checked in \d+\.\d s$/);
    await typecheckSite(join(dir, "site.ts"), "progress-test", progress);
    expect(told).toHaveLength(2);
    // A failed check ends its progress with nothing to keep: the error says the rest.
    const broken = siteDir(`await h.file({ path: ${JSON.stringify(never)}, state: "tuch" });`);
    await expect(typecheckSite(join(broken, "site.ts"), "progress-test", progress)).rejects.toThrow(/does not type-check/);
    expect(told.slice(2)).toEqual([expect.stringMatching(/type-checking/), undefined]);
  });

  it.each([
    ["a CommonJS site (no package.json)", false],
    ["an ESM site", true],
  ])("%s is checked, loaded and converged by the CLI", async (_what, esm) => {
    const dir = siteDir((d) => touch(d, "ran"), { esm });
    const r = await cli(dir, ["site.ts"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/localhost\s+: ok=1\s+changed=1/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  }, 60_000);
});

/** A do-converge installed in `dir`'s node_modules whose CLI records how it was run and exits 7. */
function fakeInstall(dir: string, manifest: Record<string, unknown> = { name: "do-converge", version: "9.9.9", type: "module", bin: { "do-converge": "bin/cli.js" }, exports: { "./package.json": "./package.json" } }): string {
  const pkg = join(dir, "node_modules", "do-converge");
  mkdirSync(join(pkg, "bin"), { recursive: true });
  writeFileSync(join(pkg, "package.json"), JSON.stringify(manifest));
  const record = join(dir, "handed.json");
  writeFileSync(
    join(pkg, "bin", "cli.js"),
    `import { writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args: process.argv.slice(2), mark: process.env.DO_CONVERGE_HANDED_OVER ?? null, cwd: process.cwd() }));
process.exitCode = 7;
`,
  );
  return record;
}

describe("a site with its own do-converge installed", () => {
  it("is handed over to it: the same command line, its exit code, one line saying so", async () => {
    const dir = siteDir(touch(never, "ran"));
    const record = fakeInstall(dir);
    for (const args of [["site.ts", "--check", "-e", "a=b"], ["inventory", "site.ts", "--graph"], ["secrets", "generate", "site.ts"]]) {
      const r = await cli(dir, args);
      expect(r.code, r.stdout + r.stderr).toBe(7);
      expect(r.stderr).toBe(`do-converge: the site's own do-converge (9.9.9, node_modules/do-converge) runs it, not this one (${version}, ${repo.slice(0, -1)})\n`);
      const handed = JSON.parse(readFileSync(record, "utf8")) as { args: string[]; mark: string | null; cwd: string };
      expect(handed).toEqual({ args, mark: repo, cwd: dir });
    }
    expect(existsSync(never)).toBe(false);
  }, 60_000);

  it("a command naming no site is not handed over", async () => {
    const dir = siteDir("");
    fakeInstall(dir);
    const r = await cli(dir, ["doc", "copy"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^copy/m);
  }, 60_000);

  it("the process it is handed to runs the site itself, and its tasks do not inherit the mark", async () => {
    const seen = join(root, `mark-seen-${n}`);
    const dir = siteDir(`await h.shell({ cmd: 'echo "\${DO_CONVERGE_HANDED_OVER-unset}" > ${seen}' });`);
    fakeInstall(dir);
    const r = await cli(dir, ["site.ts"], { DO_CONVERGE_HANDED_OVER: "/elsewhere/" });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(readFileSync(seen, "utf8")).toBe("unset\n");
  }, 60_000);

  it("one that cannot be run is named, and nothing runs", async () => {
    const dir = siteDir(touch(never, "ran"));
    fakeInstall(dir, { name: "do-converge", version: "1.0.0" });
    const r = await cli(dir, ["site.ts"]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^ERROR: node_modules\/do-converge\/package\.json: the site's own do-converge cannot be run \(bin: .+\); reinstall it \(npm ci\) or remove it: nothing was run\n$/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(never)).toBe(false);
  }, 60_000);
});

describe("the type-check's progress on a terminal", () => {
  it("says it is checking, then how long it took; an unchanged site says nothing", async () => {
    const dir = siteDir(touch(never, "x"));
    const command = `node --import '${TSX}' '${join(repo, "src/cli/bin.ts")}' site.ts --check`;
    const env = { ...process.env, NO_COLOR: "1", TERM: "dumb", XDG_CACHE_HOME: join(dir, ".xdg-cache") };
    const first = runInPty(command, { cwd: dir, env });
    await first.waitFor("site.ts: type-checking (once per change of the site's code)...");
    await first.waitFor("\r\x1b[Ksite.ts: type-checked in ");
    expect(await first.exited, first.transcript()).toBe(0);
    const second = runInPty(command, { cwd: dir, env });
    expect(await second.exited, second.transcript()).toBe(0);
    expect(second.transcript()).toMatch(/PLAY RECAP/);
    expect(second.transcript()).not.toMatch(/type-check/);
  }, 120_000);
});
