import { spawn } from "node:child_process";
import { join } from "node:path";
import type { HookConfig } from "./config.js";
import { readHookConfig } from "./config.js";
import { type Decision, decide } from "./changes.js";
import { HookError } from "./errors.js";
import type { HookEvent } from "./events.js";
import { type HookJob, JOB_ENV, runJob } from "./job.js";
import { appendLogLine, timestamp } from "./log.js";
import { type Repo, openRepo } from "./repo.js";

export interface HookRunIo {
  /** post-receive's ref list (read only for that event: other hooks may have a terminal there). */
  readStdin: () => Promise<string>;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The work directory's own index (see checkoutRevision), beside the hook's settings. */
const WORK_INDEX = "do-converge-work.index";

/**
 * What the installed hook runs: decides from git's arguments (and post-receive's input) whether
 * paths the site depends on changed; logs one line when not; else converges, in a detached
 * worker (the hook returns at once, exit 0) or, with `wait`, in the foreground with its exit code.
 */
export async function hookRun(event: HookEvent, args: readonly string[], io: HookRunIo): Promise<number> {
  const repo = openRepo(io.cwd, io.env);
  const config = readHookConfig(repo.commonDir);
  if (!config) {
    io.stderr(`do-converge hook: no settings in ${repo.commonDir} (run \`do-converge hook install\`): nothing done\n`);
    return 0;
  }
  if (!config.events.includes(event)) {
    appendLogLine(config.log, `${timestamp()} ${event}: skipped: the hook is installed for ${config.events.join(", ")} only`);
    return 0;
  }
  let decision: Decision;
  try {
    decision = decide(event, args, event === "post-receive" ? await io.readStdin() : "", config, repo);
    if (decision.run && event !== "post-receive" && !repo.top) throw new HookError(`${event} in ${repo.gitDir}: the repository has no work tree to converge from`);
  } catch (err) {
    // A hook that cannot tell what changed says so and, by default, lets git go on.
    const msg = err instanceof Error ? err.message : String(err);
    appendLogLine(config.log, `${timestamp()} ${event}: error: ${msg}`);
    io.stderr(`do-converge hook: ${msg}\n`);
    return failing(config, 1);
  }
  if (!decision.run) {
    appendLogLine(config.log, `${timestamp()} ${event} ${decision.label}: skipped: ${decision.reason}`);
    return 0;
  }
  const job = jobOf(event, decision.label, decision.matched, decision.rev, config, repo);
  const what = config.check ? "check" : "converge";
  if (config.wait) {
    const code = await runJob(job, io.stderr);
    return failing(config, code);
  }
  const worker = spawn(config.node, [config.bin, "hook", "worker"], {
    cwd: repo.cwd,
    // Its own session and no inherited descriptor: git (and receive-pack's connection to the
    // pusher) waits for the hook's output pipes to close, never for the worker.
    detached: true,
    stdio: "ignore",
    env: { ...io.env, [JOB_ENV]: JSON.stringify(job) },
  });
  worker.on("error", (err) => appendLogLine(config.log, `${timestamp()} ${event} ${decision.label}: ${what} not started: ${config.node}: ${err.message}`));
  worker.unref();
  io.stderr(`do-converge hook: ${event} ${decision.label}: ${what} of ${config.site} started in the background; log: ${config.log}\n`);
  return 0;
}

function failing(config: HookConfig, code: number): number {
  return config.wait && !config.ignoreFailure ? code : 0;
}

function jobOf(event: HookEvent, label: string, matched: string[], rev: string | undefined, config: HookConfig, repo: Repo): HookJob {
  const fromWorkDir = event === "post-receive";
  return {
    event,
    label,
    matched,
    treeRoot: fromWorkDir ? config.workDir : (repo.top ?? repo.cwd),
    site: config.site,
    ...(fromWorkDir && rev ? { checkout: { gitDir: repo.gitDir, rev, workDir: config.workDir, indexFile: join(repo.commonDir, WORK_INDEX) } } : {}),
    check: config.check,
    log: config.log,
    ...(config.lockFile ? { lockFile: config.lockFile } : {}),
    ...(config.passwordFile ? { passwordFile: config.passwordFile } : {}),
    args: config.args,
    node: config.node,
    bin: config.bin,
  };
}
