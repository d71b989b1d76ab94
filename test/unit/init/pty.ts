import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

// A command under a real pseudo-terminal, driven like a person at the keyboard: util-linux
// `script` allocates the pty and copies our writes to its input and its output to our stdout
// (the transcript: exactly what the screen shows, echo included). No native module needed.

export interface PtySession {
  /** Everything the terminal showed so far. */
  readonly transcript: () => string;
  /** Resolves once `text` appears after what earlier waits consumed; rejects if the command ends first. */
  waitFor(text: string): Promise<void>;
  /** Types a line and presses Enter (a terminal sends CR). */
  type(line: string): void;
  /** Resolves with the exit code once the command has ended. */
  readonly exited: Promise<number>;
}

/** Runs `command` (a shell command line: it must hold no secret) under a pty with `env` and `cwd`. */
export function runInPty(command: string, options: { env: NodeJS.ProcessEnv; cwd: string }): PtySession {
  const child: ChildProcessWithoutNullStreams = spawn("script", ["-qfec", command, "/dev/null"], { env: options.env, cwd: options.cwd });
  let out = "";
  let consumed = 0;
  let ended = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    out += chunk;
    wake();
  });
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    out += chunk;
    wake();
  });
  const exited = new Promise<number>((resolve) => {
    child.on("close", (code, signal) => {
      ended = true;
      wake();
      resolve(code ?? (signal === null ? -1 : 128));
    });
  });
  return {
    transcript: () => out,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          const at = out.indexOf(text, consumed);
          if (at >= 0) {
            consumed = at + text.length;
            waiters.delete(check);
            resolve();
          } else if (ended) {
            waiters.delete(check);
            reject(new Error(`the command ended before showing ${JSON.stringify(text)}; transcript:\n${out}`));
          }
        };
        waiters.add(check);
        check();
      }),
    type: (line) => {
      child.stdin.write(`${line}\r`);
    },
    exited: exited.then((code) => {
      child.stdin.end();
      return code;
    }),
  };
}
