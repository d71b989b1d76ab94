import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { END_MARK } from "../../../src/hook/log.js";

/** The do-converge that tests install as the hook: the package's bin (the compiled CLI). */
export const BIN = new URL("../../../bin/do-converge.js", import.meta.url).pathname;
/** What site files in tests import. */
export const DSL = new URL("../../../src/index.ts", import.meta.url).pathname;

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

// A test's git ignores the machine's and the user's settings (no hooksPath or template from there).
const env = (): NodeJS.ProcessEnv => {
  const e = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_")));
  return { ...e, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" };
};

function result(r: SpawnSyncReturns<string>): Result {
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A real git repository in a directory, driven by the git command. */
export class GitRepo {
  constructor(readonly dir: string) {}

  static init(dir: string, o: { bare?: boolean } = {}): GitRepo {
    mkdirSync(dir, { recursive: true });
    const r = new GitRepo(dir);
    r.git("init", "-q", "-b", "main", ...(o.bare ? ["--bare"] : []));
    return r;
  }

  /** Runs git; a non-zero exit throws with its output (use run() to look at a failure). */
  git(...args: string[]): string {
    const r = this.run(args);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} exited ${r.code}\n${r.stdout}${r.stderr}`);
    return r.stdout;
  }

  run(args: string[], input?: string): Result {
    return result(spawnSync("git", args, { cwd: this.dir, env: env(), encoding: "utf8", ...(input !== undefined ? { input } : {}) }));
  }

  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }

  commit(message: string, files: Record<string, string> = {}): void {
    for (const [p, t] of Object.entries(files)) this.write(p, t);
    this.git("add", "-A");
    this.git("commit", "-q", "-m", message);
  }

  /** do-converge run in this repository (a real process, as an operator types it). */
  cli(args: string[]): Result {
    return result(spawnSync(process.execPath, [BIN, ...args], { cwd: this.dir, env: { ...env(), NO_COLOR: "1" }, encoding: "utf8" }));
  }
}

export function endLines(text: string): number {
  return text.split("\n").filter((l) => l.startsWith(END_MARK)).length;
}

/**
 * The log once it holds `ends` closed entries: a detached converge is done when its END_MARK line
 * is written. Polls a bounded number of times; the bound is a safety net, never an assertion.
 */
export async function waitForLog(file: string, ends: number, tries = 1200): Promise<string> {
  for (let i = 0; i < tries; i++) {
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (endLines(text) >= ends) return text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${file}: fewer than ${ends} finished entries:\n${existsSync(file) ? readFileSync(file, "utf8") : "(no log)"}`);
}
