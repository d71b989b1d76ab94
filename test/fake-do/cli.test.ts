import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { DropletsPage, call } from "./test-helpers.js";

// The standalone runner, as a script would use it: start, read the URL from stdout, stop with SIGTERM.

const REPO = fileURLToPath(new URL("../../", import.meta.url));
let child: ChildProcess | undefined;
let dir: string | undefined;

afterEach(() => {
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function firstLine(proc: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!proc.stdout) return reject(new Error("no stdout"));
    const lines = createInterface({ input: proc.stdout });
    lines.once("line", (line) => {
      lines.close();
      resolve(line);
    });
    proc.once("exit", (code) => reject(new Error(`cli exited with ${code} before printing its URL`)));
  });
}

describe("test/fake-do/cli.ts", () => {
  it("serves the lab topology's droplets with the token from --token-file", async () => {
    dir = mkdtempSync(join(tmpdir(), "fake-do-cli-"));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "cli-token\n");
    child = spawn(
      process.execPath,
      ["--import", "tsx", "test/fake-do/cli.ts", "--topology", "test/lab/topology.yml", "--port", "0", "--token-file", tokenFile],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    const url = await firstLine(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const res = await call(url, "GET", "/v2/droplets?tag_name=database", { token: "cli-token" });
    expect(DropletsPage.parse(res.body).droplets.map((d) => d.name)).toEqual(["db1", "db2", "db3"]);
    expect((await call(url, "GET", "/v2/droplets", { token: "other" })).status).toBe(401);

    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
