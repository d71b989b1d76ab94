import type { RemoteShell, RunOptions } from "../../../src/remote/shell.js";

type Answer = { stdout?: string; stderr?: string; rc?: number };

/**
 * A shell that records what it was sent and answers with canned output, the answers in turn and
 * the last one again once they run out: for the unit tests of what a module sends (its SQL on
 * stdin, its command line); what the host does with it is the lab tests' part.
 */
export function fakeShell(...answers: Answer[]) {
  const calls: { command: string; stdin: string }[] = [];
  const sh = {
    host: "h",
    run(command: string, opts: RunOptions = {}) {
      calls.push({ command, stdin: opts.stdin === undefined ? "" : opts.stdin.toString() });
      const a: Answer = answers[Math.min(calls.length - 1, answers.length - 1)] ?? {};
      return Promise.resolve({ stdout: a.stdout ?? "", stderr: a.stderr ?? "", rc: a.rc ?? 0 });
    },
  };
  return { sh: sh as unknown as RemoteShell, calls };
}
