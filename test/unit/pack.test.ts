import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

describe("npm pack", () => {
  const dir = mkdtempSync(join(tmpdir(), "do-converge-pack-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("yields a package whose do-converge bin runs when installed elsewhere, and whose do-converge/module imports", () => {
    execFileSync("npm", ["pack", "--silent", "--pack-destination", dir], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
    expect(tgz).toBeDefined();
    const app = join(dir, "app");
    mkdirSync(app);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefix", app, join(dir, tgz ?? "")], { stdio: ["ignore", "ignore", "inherit"] });
    const out = execFileSync(join(app, "node_modules/.bin/do-converge"), ["--version"], { encoding: "utf8", cwd: app });
    expect(out.trim()).toBe(pkg.version);
    // The module contract's entry, as a site's own module imports it.
    const entry = execFileSync(process.execPath, ["--input-type=module", "-e", 'const m = await import("do-converge/module"); console.log(Object.keys(m).sort().join(" "))'], { encoding: "utf8", cwd: app });
    expect(entry.trim()).toBe("ModuleError defineModule defineReadModule shellJoin shellQuote z");
  }, 180_000);
});
