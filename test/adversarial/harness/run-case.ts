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
  /** Scratch directories not in use: a case takes one, empties it, and gives it back. */
  readonly free: string[];
  made: number;
}

export function createWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), "dcv-adversarial-"));
  const home = join(root, "home");
  mkdirSync(home);
  return { root, home, free: [], made: 0 };
}

/**
 * A fresh, empty scratch directory. The paths are reused from case to case (as many as run at
 * once), so that tsx's compile cache, which is keyed by path and content, serves the many cases
 * whose site.ts is the same text: compiling a site anew costs about a second of CPU.
 */
function takeScratch(ws: Workspace): string {
  const dir = ws.free.pop() ?? join(ws.root, `scratch-${++ws.made}`, "site");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function giveBack(ws: Workspace, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  ws.free.push(dir);
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
  const dir = takeScratch(ws);
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
    giveBack(ws, dir);
  }
}
