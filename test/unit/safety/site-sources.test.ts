import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanCode } from "../../../src/runner/code-scan.js";
import { SiteError } from "../../../src/site/errors.js";
import { typecheckSite } from "../../../src/site/typecheck.js";
import { LOCAL_INVENTORY, STACK_TRACE, cli, scratchDir, siteSource } from "./cli-helpers.js";

const root = scratchDir("site-sources");
let n = 0;

/** A site directory with a working site.ts and, under lib/, a .ts entry made by `plant`. */
function siteWith(plant: (path: string) => void): { dir: string; planted: string } {
  const dir = join(root, String(n++));
  mkdirSync(join(dir, "lib"), { recursive: true });
  writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
  writeFileSync(join(dir, "site.ts"), siteSource(`await h.file({ path: ${JSON.stringify(join(dir, "ran"))}, state: "touch" });`));
  const planted = join(dir, "lib", "helper.ts");
  plant(planted);
  return { dir, planted };
}

// Root reads any file whatever its mode: these are the sources that still cannot be read.
const unreadable: Array<[string, (path: string) => void, string]> = [
  ["a dangling symlink", (p) => symlinkSync(join(root, "nowhere.ts"), p), "no such file or directory (ENOENT)"],
  ["a symlink to a directory", (p) => {
    mkdirSync(`${p}.d`);
    symlinkSync(`${p}.d`, p);
  }, "is a directory"],
  // A read of a FIFO without a writer would wait forever: the run hung.
  ["a FIFO", (p) => execFileSync("mkfifo", [p]), "not a regular file"],
];

describe("a .ts under the site that cannot be read", () => {
  it.each(unreadable)("%s: a SiteError naming it from the type-check and the code scan (was a crash or a hang)", async (_what, plant, reason) => {
    const { dir, planted } = siteWith(plant);
    const message = new RegExp(`^${planted}: cannot read the site's source: ${reason.replace(/[()]/g, "\\$&")}$`);
    const err = await typecheckSite(join(dir, "site.ts"), "test").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SiteError);
    expect((err as Error).message).toMatch(message);
    expect(() => scanCode([dir], dir)).toThrow(message);
  });

  it("through the CLI: exit 1, the file named relative to the working directory, no stack trace, nothing run", async () => {
    const { dir } = siteWith((p) => symlinkSync(join(root, "nowhere.ts"), p));
    for (const typecheck of [[], ["--no-typecheck"]]) {
      const r = await cli(dir, ["site.ts", "-i", "hosts.yml", ...typecheck]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr).toBe("ERROR: lib/helper.ts: cannot read the site's source: no such file or directory (ENOENT)\n");
      expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
      expect(existsSync(join(dir, "ran"))).toBe(false);
    }
  }, 60_000);
});
