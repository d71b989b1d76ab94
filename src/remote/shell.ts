import { randomBytes } from "node:crypto";
import type { Connection, ProcessChannel } from "../transport/types.js";
import { RemoteShellError } from "./errors.js";
import { Inbox } from "./inbox.js";
import { shellQuote } from "./quote.js";

export interface CommandResult {
  stdout: string;
  stderr: string;
  rc: number;
}

export interface Become {
  user: string;
  /** sudo password; without it sudo must not ask (NOPASSWD), or opening the shell fails. */
  password?: string;
}

export interface RunOptions {
  /** Bytes for the command's standard input; otherwise it reads /dev/null. */
  stdin?: Buffer | string;
  /**
   * Stream stdin into the command as it arrives instead of staging it whole first. Only for a
   * command that verifies what it read (length and hash) before acting on it: a transfer cut off
   * (a killed control node, a dropped connection) reaches it as a short input, not as an error.
   * Streaming keeps a large file's content out of the remote shell's memory.
   */
  streamStdin?: boolean;
}

// Commands run with a fixed, predictable environment whatever the login shell's profile says.
const PRELUDE = "export LC_ALL=C LANG=C PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; unset HISTFILE";

/**
 * A command fed `stdin`, as the remote shell reads it. The shell reads a here-document whole
 * before it runs the command that reads it; but when its input ends inside one (the control
 * node killed, the connection dropped), dash runs that command on the part that arrived. So the
 * content is staged in a variable by a command that does nothing else, and the command that uses
 * it stands on a line after the here-document: a cut-off transfer never reaches it, because the
 * shell never reads that line. Its length is checked as well, and the command is quoted whole, so
 * a line cut in the middle is a syntax error, never a shorter command.
 *
 * With `stream`, the content is piped into the command as it arrives (no copy in memory): the
 * command itself must verify what it read before it acts on it (putFile checks length and hash).
 */
function stdinScript(command: string, mark: string, stdin: Buffer, stream: boolean): string {
  const b64 = stdin.toString("base64").replace(/.{1,76}/g, "$&\n");
  const heredoc = `${b64}${mark}_IN\n`;
  if (stream) return `base64 -d <<'${mark}_IN' | ( eval ${shellQuote(command)} )\n${heredoc}`;
  // $( ) drops the here-document's last newline: the staged text is the base64 without it.
  const staged = b64.length === 0 ? 0 : b64.length - 1;
  return (
    `dcv_in=$(cat <<'${mark}_IN'\n${heredoc})\n` +
    `if [ "\${#dcv_in}" -eq ${staged} ]; then printf '%s\\n' "$dcv_in" | base64 -d | ( eval ${shellQuote(command)} ); else echo 'do-converge: incomplete input' >&2; ( exit 125 ); fi; dcv_rc=$?; unset dcv_in; ( exit $dcv_rc )\n`
  );
}

/** Names a POSIX shell can export. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `export K='v' ...` for a command's environment; the caller has checked the names (ENV_NAME). */
function envExports(env: Readonly<Record<string, string>>): string {
  return `export ${Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ")}`;
}

/** The command as its subshell evaluates it: the task's environment exported first, when it has one. */
export function withEnv(command: string, env: Readonly<Record<string, string>> | undefined): string {
  return env === undefined || Object.keys(env).length === 0 ? command : `${envExports(env)}\n${command}`;
}

/** What a command without stdin is, as the shell runs it: in a subshell of its own, reading nothing. */
export function subshellLine(command: string, env: Readonly<Record<string, string>> | undefined): string {
  return `( eval ${shellQuote(withEnv(command, env))} ) </dev/null`;
}

/** A command the fast path may answer: its text, who runs it, and in what environment. */
export interface ReadCommand {
  readonly user: string | undefined;
  readonly env: Readonly<Record<string, string>> | undefined;
  readonly command: string;
}

/**
 * Set on a shell while a task's probe reads the host (docs/fast-path.md): a read may be answered
 * from the play's snapshot instead of the host, and each is learnt for the next run's snapshot.
 */
export interface ShellReads {
  answer(read: ReadCommand): CommandResult | undefined;
  seen(read: ReadCommand): void;
}

/**
 * A long-lived `/bin/sh` on a host (one per host and become-user) that runs one framed command
 * at a time. Each command costs one round trip instead of a new channel, shell, and sudo:
 *
 *   ( eval 'CMD' ) </dev/null; printf '\n%s:%d\n' MARK "$?"; printf '\n%s\n' MARK >&2
 *
 * `eval` of a quoted string keeps a syntax error in CMD from desynchronising the outer shell,
 * the subshell keeps `cd`, `exit` and `set -e` from leaking into the next command, and MARK
 * (a random nonce and a sequence number) ends the command's output on both streams.
 */
export class RemoteShell {
  private readonly stdoutBuf = new Inbox();
  private readonly stderrBuf = new Inbox();
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private dead: RemoteShellError | undefined;
  private wake: () => void = () => undefined;
  private readonly nonce = randomBytes(12).toString("hex");
  private trace: ((command: string, stdinBytes: number | undefined) => void) | undefined;
  /** False while a task that hides its details (noLog) holds the shell. */
  traced = true;
  /**
   * Variables exported for each command while a task with `environment` holds the shell: set in
   * the command's own subshell, after the fixed prelude, so they reach every process the module
   * runs (and can override PATH or LANG) and end with the task.
   */
  env: Readonly<Record<string, string>> | undefined = undefined;
  /** While a task's probe runs (and only then): where its reads may be answered. Commands with stdin always run. */
  reads: ShellReads | undefined = undefined;

  private constructor(
    readonly host: string,
    readonly user: string | undefined,
    private readonly proc: ProcessChannel,
  ) {
    proc.stdout.on("data", (d: Buffer) => {
      this.stdoutBuf.push(d);
      this.wake();
    });
    proc.stderr.on("data", (d: Buffer) => {
      this.stderrBuf.push(d);
      this.wake();
    });
    void proc.exited.then((code) => {
      const tail = this.stderrBuf.view().toString("utf8").trim().split("\n").slice(-3).join(" | ");
      this.dead = new RemoteShellError(host, `remote shell${user ? ` (become ${user})` : ""} ended (exit ${code ?? "?"})${tail ? `: ${tail}` : ""}`);
      this.wake();
    });
  }

  /**
   * `trace` sees every command as sent, and the size of its stdin, never the stdin itself: the
   * -vvv log. Stdin carries file contents and passwords (putFile, mysql's option file), which no
   * log should hold, and which a masker could not find once base64-encoded.
   */
  static async open(conn: Connection, become?: Become, trace?: (command: string, stdinBytes: number | undefined) => void): Promise<RemoteShell> {
    const ready = `__DCV_READY_${randomBytes(6).toString("hex")}`;
    const prompt = `[do-converge sudo ${randomBytes(6).toString("hex")}]`;
    // The shell announces itself first, so "sudo needs no password after all" is told apart
    // from "sudo is waiting for one" without a timeout, and names its user in the same line (a
    // round trip of its own before: 150 ms per host and shell across an ocean).
    const sh = `/bin/sh -c ${shellQuote(`printf '%s %s\\n' ${ready} "$(id -un 2>/dev/null)"; exec /bin/sh`)}`;
    const command = !become
      ? `exec ${sh}`
      : become.password === undefined
        ? `exec sudo -n -H -u ${shellQuote(become.user)} -- ${sh}`
        : `exec sudo -S -p ${shellQuote(prompt)} -H -u ${shellQuote(become.user)} -- ${sh}`;
    const proc = await conn.spawn(command);
    const shell = new RemoteShell(conn.host, become?.user, proc);
    shell.trace = trace;
    const user = await shell.handshake(ready, prompt, become?.password);
    if (become && user !== become.user) {
      shell.close();
      throw new RemoteShellError(conn.host, `become ${become.user} gave user ${user || "?"}`);
    }
    return shell;
  }

  /** Runs one command; commands on the same shell run in order, one at a time. */
  run(command: string, opts: RunOptions = {}): Promise<CommandResult> {
    if (this.reads !== undefined && opts.stdin === undefined) {
      const read: ReadCommand = { user: this.user, env: this.env, command };
      this.reads.seen(read);
      const known = this.reads.answer(read);
      if (known !== undefined) return Promise.resolve({ ...known });
    }
    const next = this.queue.then(() => this.runNow(command, opts));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** False once the shell's process or connection has ended. */
  get alive(): boolean {
    return this.dead === undefined;
  }

  close(): void {
    this.proc.stdin.end();
    this.proc.kill();
  }

  /** Waits for the shell's announcement (answering sudo's prompt on the way); returns the user it names. */
  private async handshake(ready: string, prompt: string, password: string | undefined): Promise<string> {
    const readyLine = Buffer.from(`${ready} `);
    const promptBytes = Buffer.from(prompt);
    const seen = () => this.stdoutBuf.indexOf(readyLine) >= 0 || (password !== undefined && this.stderrBuf.indexOf(promptBytes) >= 0);
    if (!(await this.waitFor(seen, 30_000))) throw this.dead ?? new RemoteShellError(this.host, "the remote shell did not start within 30 s");
    if (this.stdoutBuf.indexOf(readyLine) < 0 && password !== undefined) {
      this.stderrBuf.clear();
      this.proc.stdin.write(`${password}\n`);
      // A wrong password makes sudo ask again: fail at once rather than wait out its retries.
      await this.waitFor(() => this.stdoutBuf.indexOf(readyLine) >= 0 || this.stderrBuf.indexOf(promptBytes) >= 0, 30_000);
      if (this.stdoutBuf.indexOf(readyLine) < 0) {
        this.close();
        throw new RemoteShellError(this.host, "sudo did not accept the become password");
      }
    }
    const start = this.stdoutBuf.indexOf(readyLine) + readyLine.length;
    if (!(await this.waitFor(() => this.stdoutBuf.view().indexOf(0x0a, start) >= 0, 30_000))) {
      throw this.dead ?? new RemoteShellError(this.host, "the remote shell did not start within 30 s");
    }
    const end = this.stdoutBuf.view().indexOf(0x0a, start);
    const user = this.stdoutBuf.view().subarray(start, end).toString("utf8").trim();
    this.stdoutBuf.drop(end + 1);
    this.stderrBuf.clear();
    // Runs in the long-lived shell itself (not a framed subshell), so it holds for every command.
    this.proc.stdin.write(`${PRELUDE}\n`);
    return user;
  }

  private async runNow(given: string, opts: RunOptions): Promise<CommandResult> {
    if (this.dead) throw this.dead;
    const command = withEnv(given, this.env);
    if (this.traced) this.trace?.(command, opts.stdin === undefined ? undefined : Buffer.byteLength(opts.stdin));
    const mark = `__DCV_${this.nonce}_${++this.seq}`;
    const body = opts.stdin === undefined ? `${subshellLine(given, this.env)}\n` : stdinScript(command, mark, Buffer.from(opts.stdin), opts.streamStdin === true);
    this.proc.stdin.write(`${body}printf '\\n%s:%d\\n' '${mark}' "$?"; printf '\\n%s\\n' '${mark}' >&2\n`);

    const outEnd = Buffer.from(`\n${mark}:`);
    const errEnd = Buffer.from(`\n${mark}\n`);
    let rc = -1;
    let stdout = "";
    let stderr = "";
    const done = () => {
      const o = this.stdoutBuf.indexOf(outEnd);
      if (o < 0) return false;
      const nl = this.stdoutBuf.view().indexOf(0x0a, o + outEnd.length);
      const e = this.stderrBuf.indexOf(errEnd);
      if (nl < 0 || e < 0) return false;
      const out = this.stdoutBuf.view();
      rc = Number.parseInt(out.subarray(o + outEnd.length, nl).toString("latin1"), 10);
      stdout = out.subarray(0, o).toString("utf8");
      stderr = this.stderrBuf.view().subarray(0, e).toString("utf8");
      this.stdoutBuf.drop(nl + 1);
      this.stderrBuf.drop(e + errEnd.length);
      return true;
    };
    await this.waitFor(done);
    if (rc < 0) throw this.dead ?? new RemoteShellError(this.host, "remote shell gave no result");
    return { stdout, stderr, rc };
  }

  /** Resolves true once `check` holds, false if the shell died (or the deadline passed). */
  private waitFor(check: () => boolean, timeoutMs?: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(false), timeoutMs);
      const finish = (v: boolean) => {
        clearTimeout(timer);
        this.wake = () => undefined;
        resolve(v);
      };
      const test = () => {
        if (check()) finish(true);
        else if (this.dead) finish(false);
      };
      this.wake = test;
      test();
    });
  }
}
