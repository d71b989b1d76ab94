import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll } from "vitest";
import { ENTRY } from "../../cli-entry.js";
import { type RunResult, run } from "../../lab/exec.js";

/** tsx's loader, for `node --import` of TypeScript. */
export const TSX = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

/** The DSL's entry point, for site files written by a test (they import it by absolute path). */
export const DSL = ENTRY.dsl;

/** A scratch directory removed after the file's tests. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dcv-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The CLI as an operator runs it (test/cli-entry.ts: which build), in `cwd`; resolves with its exit code and output. */
export function cli(cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<RunResult> {
  return run(process.execPath, [...ENTRY.node, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: join(cwd, ".xdg-cache"), ...env },
    allowFailure: true,
  });
}

/** A site of one play on all hosts whose tasks are `body` (TypeScript, `h` in scope). */
export function siteSource(body: string): string {
  return `import { play, site } from ${JSON.stringify(DSL)};
export default site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, tasks: async (h) => {
${body}
} })] });
`;
}

/** The inventory of one host converged over the local connection. */
export const LOCAL_INVENTORY = "all:\n  hosts:\n    localhost: { ansible_connection: local }\n";

/** No Node stack trace in an output: an operator's mistake is one clear line. */
export const STACK_TRACE = /^\s+at .+\(.+:\d+:\d+\)$|node:internal|triggerUncaughtException/m;
