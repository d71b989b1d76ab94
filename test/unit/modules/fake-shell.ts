import type { RemoteShell, RunOptions } from "../../../src/remote/shell.js";

/**
 * A shell that records what it was sent and answers with canned output: for the unit tests of
 * what a module sends (its SQL on stdin, its command line); what the host does with it is the lab
 * tests' part.
 */
export function fakeShell(answer: { stdout?: string; stderr?: string; rc?: number } = {}) {
  const calls: { command: string; stdin: string }[] = [];
  const sh = {
    host: "h",
    run(command: string, opts: RunOptions = {}) {
      calls.push({ command, stdin: opts.stdin === undefined ? "" : opts.stdin.toString() });
      return Promise.resolve({ stdout: answer.stdout ?? "", stderr: answer.stderr ?? "", rc: answer.rc ?? 0 });
    },
  };
  return { sh: sh as unknown as RemoteShell, calls };
}
