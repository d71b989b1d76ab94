import type { Command } from "commander";
import { HookError } from "../hook/errors.js";
import { HOOK_EVENTS, HookEvent } from "../hook/events.js";
import type { InstallOptions } from "../hook/install.js";
import { parsePaths } from "../hook/paths.js";

/** install's flags as commander gives them: InstallOptions with the lists still comma-separated. */
type InstallFlags = Omit<InstallOptions, "site" | "on" | "paths" | "args"> & { on?: string; paths?: string };

function events(list: string | undefined): HookEvent[] | undefined {
  if (list === undefined) return undefined;
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => {
      const e = HookEvent.safeParse(name);
      if (!e.success) throw new HookError(`--on ${list}: ${name} is not a hook do-converge installs (${HOOK_EVENTS.join(", ")})`);
      return e.data;
    });
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    process.stdin.setEncoding("utf8").on("data", (d: string) => (text += d));
    process.stdin.on("end", () => resolve(text));
    process.stdin.on("error", reject);
  });
}

const print = (lines: string[]) => process.stdout.write(`${lines.join("\n")}\n`);

/**
 * `do-converge hook install|remove|status|run`: converge (or check) when git brings changes to the
 * site. What each command does is imported when it runs, so other commands do not load it.
 */
export function addHookCommands(program: Command, setExit: (code: number) => void): void {
  const hook = program.command("hook").description("a git hook that converges (or checks) the site when a merge, checkout or push changes its files");
  hook
    .command("install")
    .description("install the hook in the infrastructure repository (again: replaces do-converge's own hook and settings)")
    .argument("[site]", "the site file, in the repository (in a bare one: its path in the pushed tree)", "site.ts")
    .argument("[converge-args...]", "more arguments for each converge, after -- (such as -- --limit web --known-hosts FILE)")
    .option("--repo <dir>", "the repository (default: the one of the current directory)")
    .option("--on <events>", `when: ${HOOK_EVENTS.join(",")} (default post-merge; post-receive in a bare repository)`)
    .option("--paths <patterns>", "comma-separated gitignore-style patterns, relative to the site's directory, whose change triggers a run (default: site.ts,roles/,templates/,inventory/,*.tf,terraform.tfstate)")
    .option("--check", "check (--check --diff) instead of converging")
    .option("--wait", "run in the foreground: git waits and the hook's exit status is the converge's (git checkout fails with it)")
    .option("--ignore-failure", "with --wait: the hook exits 0 even when the converge fails")
    .option("--log <file>", "the log (default: do-converge-hook.log in the git directory)")
    .option("--branch <name>", "post-receive: the branch whose pushes converge (default: the repository's HEAD branch)")
    .option("--work-dir <dir>", "post-receive: where the pushed revision is checked out to converge (default: do-converge-work in the git directory)")
    .option("--password-file <file>", "the password file of encrypted secrets (a path, never the password; else DO_CONVERGE_PASSWORD_FILE from git's environment)")
    .option("--lock-file <file>", "the run lock (default: .do-converge.lock beside the site)")
    .option("--chain", "keep a hook that is already there: do-converge's runs it first")
    .action(async (site: string, convergeArgs: string[], f: InstallFlags) => {
      const on = events(f.on);
      const o: InstallOptions = {
        site,
        args: convergeArgs,
        ...(f.repo ? { repo: f.repo } : {}),
        ...(on ? { on } : {}),
        ...(f.paths !== undefined ? { paths: parsePaths(f.paths) } : {}),
        check: f.check === true,
        wait: f.wait === true,
        ignoreFailure: f.ignoreFailure === true,
        chain: f.chain === true,
        ...(f.log ? { log: f.log } : {}),
        ...(f.branch ? { branch: f.branch } : {}),
        ...(f.workDir ? { workDir: f.workDir } : {}),
        ...(f.passwordFile ? { passwordFile: f.passwordFile } : {}),
        ...(f.lockFile ? { lockFile: f.lockFile } : {}),
      };
      if (o.ignoreFailure && !o.wait) throw new HookError("--ignore-failure goes with --wait (in the background, a failure never fails the git command)");
      const { installHooks } = await import("../hook/install.js");
      print(installHooks(o, process.cwd()));
    });
  hook
    .command("remove")
    .description("remove do-converge's hooks (a hook it ran first is put back) and its settings; the log stays")
    .option("--repo <dir>", "the repository (default: the one of the current directory)")
    .option("--on <events>", "only these hooks (default: all of do-converge's)")
    .action(async (f: { repo?: string; on?: string }) => {
      const on = events(f.on);
      const { removeHooks } = await import("../hook/install.js");
      print(removeHooks({ ...(f.repo ? { repo: f.repo } : {}), ...(on ? { on } : {}) }, process.cwd()));
    });
  hook
    .command("status")
    .description("which hooks are installed, what they run, and the log's last line")
    .option("--repo <dir>", "the repository (default: the one of the current directory)")
    .action(async (f: { repo?: string }) => {
      const { hookStatus } = await import("../hook/install.js");
      print(hookStatus(f.repo ? { repo: f.repo } : {}, process.cwd()));
    });
  hook
    .command("run")
    .description("what the installed hook runs: git's hook arguments (post-receive: the ref list on stdin)")
    .argument("<event>", HOOK_EVENTS.join(" | "))
    .argument("[args...]", "the hook's arguments, as git passes them")
    .action(async (event: string, args: string[]) => {
      const e = HookEvent.safeParse(event);
      if (!e.success) throw new HookError(`hook run ${event}: not one of ${HOOK_EVENTS.join(", ")}`);
      const { hookRun } = await import("../hook/run.js");
      setExit(await hookRun(e.data, args, { readStdin, stderr: (t) => process.stderr.write(t), env: process.env, cwd: process.cwd() }));
    });
  hook
    .command("worker", { hidden: true })
    .description("the detached converge of a hook run (started by the hook, its job in the environment)")
    .action(async () => {
      const { jobFromEnv, runJob } = await import("../hook/job.js");
      setExit(await runJob(jobFromEnv(process.env)));
    });
}
