import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
const bin = new URL("../../bin/do-converge.js", import.meta.url).pathname;

describe("the do-converge CLI", () => {
  it("prints the package version", () => {
    expect(execFileSync("node", [bin, "--version"], { encoding: "utf8" }).trim()).toBe(pkg.version);
  });

  it("prints help naming the program", () => {
    const out = execFileSync("node", [bin, "--help"], { encoding: "utf8" });
    expect(out).toMatch(/^Usage: do-converge/);
  });

  it("rejects an unknown option with a non-zero exit and says which", () => {
    const r = spawnSync("node", [bin, "--no-such-option"], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("unknown option '--no-such-option'");
  });
});
