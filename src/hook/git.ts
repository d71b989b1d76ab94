import { spawnSync } from "node:child_process";
import { HookError } from "./errors.js";

export interface GitOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/** Runs git and returns its stdout; a failure is a HookError naming the command, the directory and git's words. */
export function git(args: readonly string[], o: GitOptions): string {
  const r = spawnSync("git", args, { cwd: o.cwd, env: o.env ?? process.env, input: o.input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new HookError(`git ${args.join(" ")} (in ${o.cwd}): ${r.error.message}`);
  if (r.status !== 0) throw new HookError(`git ${args.join(" ")} (in ${o.cwd}) exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Like git() for a question whose "no" is a non-zero exit (rev-parse --verify, symbolic-ref): undefined then. */
export function gitMaybe(args: readonly string[], o: GitOptions): string | undefined {
  const r = spawnSync("git", args, { cwd: o.cwd, env: o.env ?? process.env, encoding: "utf8" });
  if (r.error) throw new HookError(`git ${args.join(" ")} (in ${o.cwd}): ${r.error.message}`);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** NUL-separated output (-z) as a list, so no path is ever quoted or split at a newline. */
export function nulList(out: string): string[] {
  return out.split("\0").filter((s) => s !== "");
}
