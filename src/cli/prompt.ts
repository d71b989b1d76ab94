import { ConfigError } from "../runner/errors.js";

// Keys typed after an Enter belong to the next question (an operator who types ahead, or a
// script that answers several questions in one write), so they are kept here, not dropped.
let typedAhead = "";

/**
 * Reads one line from the terminal in raw mode, echoing it (or not) ourselves, so a secret
 * never reaches the screen. Refuses when there is no terminal, so a timer or a hook never hangs
 * waiting for an answer nobody will type.
 */
function readLine(question: string, echo: boolean, instead: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new ConfigError(`${question.trim()} needs a terminal; ${instead} instead`);
  // Echo off before the question shows: node applies the mode once the terminal has drained
  // what was written, so an answer typed the moment the question appears would otherwise be
  // echoed by the terminal itself (the scripted-terminal test caught a token on screen so).
  input.setRawMode(true);
  process.stderr.write(question);
  return new Promise((resolve, reject) => {
    let value = "";
    let finished = false;
    // Arrow and function keys arrive as ESC [ ... letter: skipped whole, never taken as text.
    let escape = false;
    const done = (rest: string, err?: Error) => {
      finished = true;
      typedAhead = rest;
      input.setRawMode(false);
      input.pause();
      input.removeListener("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const feed = (chunk: string) => {
      const chars = Array.from(chunk);
      for (const [i, ch] of chars.entries()) {
        const rest = () => chars.slice(i + 1).join("");
        if (escape) {
          escape = /[^A-Za-z~]/.test(ch);
          continue;
        }
        if (ch === "\u001b") {
          escape = true;
          continue;
        }
        if (ch === "\r" || ch === "\n") return done(rest());
        if (ch === "\u0003") return done("", new ConfigError("interrupted"));
        if (ch === "\u007f" || ch === "\b") {
          if (echo && value !== "") process.stderr.write("\b \b");
          value = Array.from(value).slice(0, -1).join("");
        } else if (ch >= " ") {
          value += ch;
          if (echo) process.stderr.write(ch);
        }
      }
    };
    const onData = (chunk: string) => {
      if (!finished) feed(chunk);
    };
    input.setEncoding("utf8");
    input.on("data", onData);
    input.resume();
    const ahead = typedAhead;
    typedAhead = "";
    if (ahead !== "") feed(ahead);
  });
}

/** Reads a secret from the terminal without echoing it (`-K`, passwords, API tokens). */
export function promptSecret(question: string, instead = "set DO_CONVERGE_BECOME_PASSWORD"): Promise<string> {
  return readLine(question, false, instead);
}

/** Reads a visible answer from the terminal; `instead` names the flag a script would use. */
export function promptLine(question: string, instead: string): Promise<string> {
  return readLine(question, true, instead);
}
