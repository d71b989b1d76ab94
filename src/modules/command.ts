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
  creates: AbsPath.optional().describe("The command does not run when this path exists: it already produced it."),
  removes: AbsPath.optional().describe("The command does not run when this path does not exist: nothing left to remove."),
  chdir: AbsPath.optional().describe("The directory the command runs in."),
  stdin: z.string().optional().describe("Text for the command's standard input."),
};

/** How check mode treats command and shell. */
const COMMAND_CHECK =
  "A command's effect cannot be predicted: in check mode the task is reported skipped, and nothing runs, unless creates or removes says it need not run (then ok). A task marked `readsOnly: true` runs in check mode too and is never reported changed.";

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

/** command: `cmd` is split and expanded as Ansible's run_command does it (command-line.ts). */
export const command = defineModule({
  name: "command",
  doc: {
    summary:
      "Runs a program without a shell: argv as given, or cmd split into words as Ansible splits it, $VAR and a leading ~ expanded; no globs, pipes, redirections or $(...) (use shell). A non-zero exit fails the task.",
    example: 'await h.command({ argv: ["systemctl", "daemon-reload"] });\nawait h.command({ cmd: "/usr/local/bin/setup --init", creates: "/var/lib/app/.initialized" });',
    check: COMMAND_CHECK,
  },
  args: z
    .strictObject({
      argv: z.array(z.string()).min(1).optional().describe("The program and its arguments, each word as it is, nothing expanded. Exactly one of argv and cmd."),
      cmd: z.string().min(1).optional().describe("The command line, split into words as Python's shlex.split splits it. Exactly one of argv and cmd."),
      ...Guards,
    })
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

export const shell = defineModule({
  name: "shell",
  doc: {
    summary: "Runs a script with /bin/sh (or executable): pipes, redirections, globs and expansions included. A non-zero exit fails the task.",
    example: 'const r = await h.shell({ cmd: "ls /etc/nginx/sites-enabled | wc -l" }, { readsOnly: true });',
    check: COMMAND_CHECK,
  },
  args: z.strictObject({
    cmd: z.string().min(1).describe("The script, as /bin/sh -c runs it."),
    executable: AbsPath.optional().describe("The shell to run it with instead of /bin/sh (absolute path), as EXECUTABLE -c CMD."),
    ...Guards,
  }),
  probe: (ctx, args) => probeGuards(ctx, args),
  diff: (args, st) => (st.satisfied ? undefined : run(args.cmd)),
  apply: (ctx, args) => execute(ctx, args.executable ? `${shellQuote(args.executable)} -c ${shellQuote(args.cmd)}` : args.cmd, args),
  unchanged: () => skippedRun(),
  failure,
});
