import { z } from "zod";
import { probeFiles } from "../remote/files.js";
import { shellJoin, shellQuote } from "../remote/quote.js";
import { AbsPath } from "./args.js";
import { commandLine, commandWords } from "./command-line.js";
import { type Change, type ModuleContext, defineModule } from "./contract.js";

export interface CommandResult {
  rc: number;
  stdout: string;
  stderr: string;
  stdout_lines: string[];
  stderr_lines: string[];
  /** True when creates/removes decided the command need not run. */
  skipped_run?: boolean;
}

const Guards = {
  /** Skip when this path exists: the command already produced it. */
  creates: AbsPath.optional(),
  /** Skip when this path does not exist: nothing left to remove. */
  removes: AbsPath.optional(),
  chdir: AbsPath.optional(),
  /** Bytes for the command's standard input. */
  stdin: z.string().optional(),
};

export interface GuardState {
  /** Why the command need not run, or undefined when it must. */
  satisfied?: string;
}

async function probeGuards(ctx: ModuleContext, args: { creates?: string | undefined; removes?: string | undefined }): Promise<GuardState> {
  const paths = [args.creates, args.removes].filter((p): p is string => p !== undefined);
  if (paths.length === 0) return {};
  const states = await probeFiles(ctx.sh, paths);
  const get = (p: string | undefined) => states[paths.indexOf(p ?? "")];
  if (args.creates && get(args.creates)?.type !== "absent") return { satisfied: `${args.creates} exists` };
  if (args.removes && get(args.removes)?.type === "absent") return { satisfied: `${args.removes} does not exist` };
  return {};
}

function run(summary: string): Change {
  // A command's effect cannot be predicted: check mode reports it skipped, not changed.
  return { summary, unpredictable: true };
}

async function execute(ctx: ModuleContext, line: string, args: { chdir?: string | undefined; stdin?: string | undefined }): Promise<CommandResult> {
  const script = args.chdir ? `cd ${shellQuote(args.chdir)} && ${line}` : line;
  const r = await ctx.sh.run(script, args.stdin !== undefined ? { stdin: args.stdin } : {});
  const lines = (s: string) => (s === "" ? [] : s.replace(/\n$/, "").split("\n"));
  // Like Ansible, stdout/stderr lose one trailing newline.
  const stdout = r.stdout.replace(/\n$/, "");
  const stderr = r.stderr.replace(/\n$/, "");
  return { rc: r.rc, stdout, stderr, stdout_lines: lines(r.stdout), stderr_lines: lines(r.stderr) };
}

function skippedRun(): CommandResult {
  return { rc: 0, stdout: "", stderr: "", stdout_lines: [], stderr_lines: [], skipped_run: true };
}

const failure = (r: CommandResult) => (r.rc === 0 ? undefined : `non-zero return code ${r.rc}${r.stderr ? `: ${r.stderr.split("\n").slice(-3).join(" | ")}` : ""}`);

/** The words of a cmd the schema has accepted (it refuses one that does not split). */
function wordsOf(cmd: string): string[] {
  const split = commandWords(cmd);
  return split.ok ? split.words : [cmd];
}

/**
 * command: words run without a shell: `cmd` split as Ansible splits it, `$VAR` and a leading `~`
 * expanded as Ansible's run_command expands them; no globs, pipes or `$(...)` (command-line.ts).
 */
export const command = defineModule({
  name: "command",
  args: z
    .strictObject({ argv: z.array(z.string()).min(1).optional(), cmd: z.string().min(1).optional(), ...Guards })
    .refine((a) => (a.argv === undefined) !== (a.cmd === undefined), { message: "give exactly one of argv and cmd" })
    .superRefine((a, ctx) => {
      const split = a.cmd === undefined ? undefined : commandWords(a.cmd);
      if (split && !split.ok) ctx.addIssue({ code: "custom", path: ["cmd"], message: `${split.problem} (cmd is split into words as Python's shlex.split splits it)` });
    }),
  probe: (ctx, args) => probeGuards(ctx, args),
  diff: (args, st) => (st.satisfied ? undefined : run(args.argv ? shellJoin(args.argv) : (args.cmd ?? ""))),
  apply: (ctx, args) => execute(ctx, commandLine(args.argv ?? wordsOf(args.cmd ?? "")), args),
  unchanged: () => skippedRun(),
  failure,
});

/** shell: a script run by /bin/sh (or `executable`), pipes and expansions included. */
export const shell = defineModule({
  name: "shell",
  args: z.strictObject({ cmd: z.string().min(1), executable: AbsPath.optional(), ...Guards }),
  probe: (ctx, args) => probeGuards(ctx, args),
  diff: (args, st) => (st.satisfied ? undefined : run(args.cmd)),
  apply: (ctx, args) => execute(ctx, args.executable ? `${shellQuote(args.executable)} -c ${shellQuote(args.cmd)}` : args.cmd, args),
  unchanged: () => skippedRun(),
  failure,
});
