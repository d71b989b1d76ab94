import { spawn } from "node:child_process";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import { z } from "zod";
import { INHERITED_LOCK_ENV, RunLockBusy, acquireRunLock, type RunLock } from "../control-node/run-lock.js";
import { shellJoin } from "../remote/quote.js";
import { listed } from "./changes.js";
import { checkoutRevision, withoutGitVars } from "./checkout.js";
import { HookConfig } from "./config.js";
import { HookError } from "./errors.js";
import { HookEvent } from "./events.js";
import { END_MARK, HookLog, START_MARK, timestamp } from "./log.js";

/** Exit code of a hook run that found another run of the site holding the lock (as the CLI's). */
const EXIT_LOCKED = 8;

/** One run of the hook that converges: everything the worker needs, so it asks git nothing. */
export const HookJob = HookConfig.pick({ check: true, log: true, lockFile: true, passwordFile: true, args: true, node: true, bin: true }).extend({
  event: HookEvent,
  label: z.string(),
  matched: z.array(z.string()),
  /** The directory the site's relative path starts from: the work tree's top, or the work directory. */
  treeRoot: z.string(),
  site: z.string(),
  checkout: z.object({ gitDir: z.string(), rev: z.string(), workDir: z.string(), indexFile: z.string() }).optional(),
});
export type HookJob = z.infer<typeof HookJob>;

/** How a detached worker receives its job: JSON in this variable (paths and revisions only). */
export const JOB_ENV = "DO_CONVERGE_HOOK_JOB";

export function jobFromEnv(env: NodeJS.ProcessEnv): HookJob {
  const text = env[JOB_ENV];
  if (!text) throw new HookError(`no ${JOB_ENV} in the environment: \`hook worker\` is started by the hook itself`);
  return HookJob.parse(JSON.parse(text));
}

/**
 * The converge (or check) of a job, logged as one entry: a header (time, event, revisions,
 * changed paths), the converge's own output with its recap, and a closing END_MARK line with
 * the exit code, appended at once when the run ends. Under the site's run lock from before the checkout to the end, so a run that
 * finds it taken exits 8 and leaves the work directory alone. Returns the exit code.
 */
export async function runJob(job: HookJob, echo?: (text: string) => void): Promise<number> {
  // The entry is written whole when the run ends (one append), so the entries of runs that
  // overlap (a second one finding the lock taken) never interleave; --wait shows it live.
  let entry = "";
  const out = (text: string) => {
    entry += text;
    echo?.(text);
  };
  try {
    return await runLocked(job, out);
  } finally {
    const log = HookLog.open(job.log);
    try {
      log.write(entry);
    } finally {
      log.close();
    }
  }
}

async function runLocked(job: HookJob, out: (text: string) => void): Promise<number> {
  const site = resolve(job.treeRoot, job.site);
  const lockFile = resolve(job.lockFile ?? join(dirname(site), ".do-converge.lock"));
  const what = job.check ? "check" : "converge";
  let lock: RunLock;
  try {
    lock = acquireRunLock(lockFile);
  } catch (err) {
    if (!(err instanceof RunLockBusy)) {
      out(`${START_MARK}${timestamp()} ${job.event} ${job.label}: ${what} not started: ${err instanceof Error ? err.message : String(err)}\n${END_MARK}${job.event} ${job.label}: exit 1\n`);
      return 1;
    }
    out(`${START_MARK}${timestamp()} ${job.event} ${job.label}: ${what} not started: ${err.message}\n${END_MARK}${job.event} ${job.label}: exit ${EXIT_LOCKED}\n`);
    return EXIT_LOCKED;
  }
  try {
    const argv = [job.bin, site, "--lock-file", lockFile, ...(job.check ? ["--check", "--diff"] : []), ...(job.passwordFile ? ["--password-file", job.passwordFile] : []), ...job.args];
    out(`${START_MARK}${timestamp()} ${job.event} ${job.label}: ${what} of ${job.site}\nchanged: ${listed(job.matched, 20)}\ncommand: ${shellJoin(["node", ...argv])}\n`);
    if (job.checkout) {
      try {
        checkoutRevision(job.checkout);
      } catch (err) {
        out(`cannot check out ${job.checkout.rev} into ${job.checkout.workDir}: ${err instanceof Error ? err.message : String(err)}\n${END_MARK}${job.event} ${job.label}: exit 1\n`);
        return 1;
      }
      out(`checked out ${job.checkout.rev} into ${job.checkout.workDir}\n`);
    }
    const code = await converge(job, argv, lockFile, lock, out);
    out(`${END_MARK}${job.event} ${job.label}: exit ${code}\n`);
    return code;
  } finally {
    lock.release();
  }
}

function converge(job: HookJob, argv: string[], lockFile: string, lock: RunLock, out: (text: string) => void): Promise<number> {
  return new Promise((done) => {
    const child = spawn(job.node, argv, {
      cwd: job.treeRoot,
      stdio: ["ignore", "pipe", "pipe", lock.fd],
      env: { ...withoutGitVars(process.env), NO_COLOR: "1", [INHERITED_LOCK_ENV]: lockFile },
    });
    child.stdout?.setEncoding("utf8").on("data", out);
    child.stderr?.setEncoding("utf8").on("data", out);
    child.on("error", (err) => {
      out(`cannot start ${job.node}: ${err.message}\n`);
      done(1);
    });
    // Killed by a signal: the shell's convention, 128 + its number.
    child.on("close", (code, signal) => done(code ?? 128 + (signal ? constants.signals[signal] : 0)));
  });
}
