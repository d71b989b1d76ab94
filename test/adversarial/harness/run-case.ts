import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AdversarialCase } from "../case.js";
import { HOSTILE_LIMITS, type Verdict, judge } from "./judge.js";
import { type CliRun, runCli } from "./run-cli.js";
import { type Placeholders, layOut, snapshot, substitute } from "./scratch.js";

/** Where every case's scratch directory, and the runs' HOME and caches, live. */
export interface Workspace {
  readonly root: string;
  readonly home: string;
}

export function createWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), "dcv-adversarial-"));
  const home = join(root, "home");
  mkdirSync(home);
  return { root, home };
}

/**
 * A fixed environment: nothing of the developer's (tokens, password files, ssh agent) leaks
 * in; HOME and the caches (type-check results, DigitalOcean answers) are the workspace's.
 */
function environment(ws: Workspace, extra: Readonly<Record<string, string>>, values: Placeholders): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: ws.home,
    XDG_CACHE_HOME: join(ws.home, ".cache"),
    TMPDIR: tmpdir(),
    LANG: "C.UTF-8",
    NO_COLOR: "1",
  };
  for (const [k, v] of Object.entries(extra)) env[k] = substitute(v, values);
  return env;
}

export interface CaseOutcome {
  run: CliRun;
  verdict: Verdict;
}

/** Lays out the case in a fresh scratch directory, runs the CLI there, and judges what happened. */
export async function runCase(c: AdversarialCase, ws: Workspace, shared: Placeholders): Promise<CaseOutcome> {
  const dir = mkdtempSync(join(ws.root, `${c.id.replace(/[^A-Za-z0-9]+/g, "-")}-`));
  const values = { ...shared, DIR: dir };
  try {
    layOut(dir, c.files, values);
    const before = snapshot(dir);
    const bounds = c.hostile
      ? // Killed a little past the limits, so that the verdict shows by how much they were passed.
        { timeoutMs: HOSTILE_LIMITS.wallMs + 5_000, killAboveKiB: HOSTILE_LIMITS.rssKiB * 1.5 }
      : { timeoutMs: 90_000, killAboveKiB: 2 * 1024 * 1024 };
    const run = await runCli(
      c.argv.map((a) => substitute(a, values)),
      { cwd: dir, env: environment(ws, c.env ?? {}, values), bounds },
    );
    const after = snapshot(dir);
    return { run, verdict: judge(c, run, before, after, (text) => substitute(text, values)) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
