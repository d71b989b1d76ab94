import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { play, site } from "../../../src/index.js";
import { ConfigError } from "../../../src/runner/errors.js";
import { prepareRun } from "../../../src/runner/prepare.js";
import { buildSpec } from "../../../src/schedule/build-spec.js";
import { defaultSshOptions } from "../../../src/transport/ssh.js";
import { LOCAL_INVENTORY, STACK_TRACE, cli, scratchDir, siteSource } from "./cli-helpers.js";

const dir = scratchDir("run-options");
const marker = join(dir, "converged");
writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
writeFileSync(join(dir, "site.ts"), siteSource(`await h.file({ path: ${JSON.stringify(marker)}, state: "touch" });`));
const run = (...args: string[]) => cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck", ...args]);

/** A usage error: exit 1, the message, no stack trace, and the site's task never ran. */
async function refused(args: string[], message: string | RegExp): Promise<void> {
  const r = await run(...args);
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stderr).toMatch(message);
  expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  expect(r.stdout).not.toContain("PLAY");
  expect(existsSync(marker)).toBe(false);
}

describe("--forks", { timeout: 60_000 }, () => {
  it("abc, 0 and -1 are usage errors naming the option (abc crashed; 0 and -1 ran as 1)", async () => {
    for (const forks of ["abc", "0", "-1"]) {
      await refused(["--forks", forks], `error: option '-f, --forks <n>' argument '${forks}' is invalid. not a positive integer`);
    }
  });

  it("a library caller's forks of 0 or NaN is a ConfigError before any host is touched", async () => {
    const inv = await loadInventory({ sources: [new YamlInventorySource(join(dir, "hosts.yml"))] });
    const s = site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, tasks: async () => {} })] });
    const options = { check: false, diff: false, tags: [], skipTags: [], extraVars: {}, verbosity: 0, ssh: defaultSshOptions() };
    expect(() => prepareRun(s, inv, { ...options, forks: 0 })).toThrow(new ConfigError("forks must be a positive integer, not 0"));
    expect(() => prepareRun(s, inv, { ...options, forks: Number.NaN })).toThrow(ConfigError);
    expect(prepareRun(s, inv, { ...options, forks: 1 }).plays[0]?.hosts).toEqual(["localhost"]);
  });
});

describe("an empty --limit (an unset shell variable)", { timeout: 60_000 }, () => {
  it("is refused, not dropped: it converged every host", async () => {
    await refused(["--limit", ""], /^ERROR: --limit "": an empty pattern \(an unset variable\?\) would select every host; name the hosts or groups, or 'all'\n$/);
    await refused(["--limit", "  "], /^ERROR: --limit " {2}": an empty pattern/);
    await refused(["--limit=,"], /^ERROR: --limit ",": an empty pattern/);
  });

  it("is refused by the runner for a library caller, and by schedule install", async () => {
    const inv = await loadInventory({ sources: [new YamlInventorySource(join(dir, "hosts.yml"))] });
    const s = site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, tasks: async () => {} })] });
    const options = { check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0, ssh: defaultSshOptions() };
    expect(() => prepareRun(s, inv, { ...options, limit: " " })).toThrow(/^--limit " ": an empty pattern/);
    expect(() => buildSpec(join(dir, "site.ts"), { every: "1h", keepReports: 3, limit: "" }, "cron")).toThrow(/^--limit "": an empty pattern/);
  });
});

describe("report destinations", { timeout: 60_000 }, () => {
  it("are checked before anything runs: a directory, a path under a file, a device, a history that is a file", async () => {
    const reports = join(dir, "reports");
    mkdirSync(join(reports, "a-dir"), { recursive: true });
    writeFileSync(join(reports, "a-file"), "");
    mkdirSync(join(reports, "h"));
    writeFileSync(join(reports, "h/history"), "");
    const before = readdirSync(reports, { recursive: true }).sort();
    await refused(["--json", join(reports, "a-dir")], `ERROR: --json ${join(reports, "a-dir")}: is a directory: nothing was run\n`);
    await refused(["--json", join(reports, "a-file/r.json")], `ERROR: --json ${join(reports, "a-file/r.json")}: ${join(reports, "a-file")} is not a directory: nothing was run\n`);
    await refused(["--junit", "/dev/null"], "ERROR: --junit /dev/null: is not a regular file (the write replaces the file it names): nothing was run\n");
    await refused(["--html", join(reports, "a-file/r.html")], `ERROR: --html ${join(reports, "a-file/r.html")}: ${join(reports, "a-file")} is not a directory: nothing was run\n`);
    await refused(["--html", ""], "ERROR: --html : no file named: nothing was run\n");
    await refused(["--json", join(reports, "h/r.json"), "--keep-reports", "3"], `ERROR: --keep-reports 3: ${join(reports, "h/history")} is not a directory: nothing was run\n`);
    await refused(["--keep-reports", "3"], "ERROR: --keep-reports 3: needs --json FILE (the copies are kept in history/ beside it): nothing was run\n");
    expect(readdirSync(reports, { recursive: true }).sort()).toEqual(before);
  });

  it("a report that cannot be written after the run: one ERROR line, no stack trace, no temporary file, the run's exit code", async () => {
    // The run itself puts a directory where its JSON report goes: the failure comes after the converge.
    const out = join(dir, "late");
    mkdirSync(out);
    writeFileSync(join(dir, "late.ts"), siteSource(`await h.file({ path: ${JSON.stringify(join(out, "r.json"))}, state: "directory" });`));
    const r = await cli(dir, ["late.ts", "-i", "hosts.yml", "--no-typecheck", "--json", join(out, "r.json"), "--keep-reports", "2", "--junit", join(out, "j.xml")]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("changed=1");
    expect(r.stderr).toBe(`ERROR: cannot write ${join(out, "r.json")}: illegal operation on a directory (EISDIR)\n`);
    // The JUnit report is still written; no history copy of a report that was not written.
    expect(readdirSync(out).sort()).toEqual(["j.xml", "r.json"]);
    expect(readdirSync(join(out, "r.json"))).toEqual([]);
  });
});
