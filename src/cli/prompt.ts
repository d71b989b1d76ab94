import { ConfigError } from "../runner/errors.js";

/**
 * Reads a secret from the terminal without echoing it (`-K`). Refuses when there is no terminal,
 * so a timer or a hook never hangs waiting for a password nobody will type.
 */
export function promptSecret(question: string, instead = "set DO_CONVERGE_BECOME_PASSWORD"): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new ConfigError(`${question.trim()} needs a terminal; ${instead} instead`);
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  return new Promise((resolve, reject) => {
    let value = "";
    const done = (err?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.removeListener("data", onData);
      process.stderr.write("\n");
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new ConfigError("interrupted"));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else value += ch;
      }
    };
    input.on("data", onData);
  });
}
