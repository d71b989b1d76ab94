import { shlexSplit } from "../python/shlex.js";
import { shellQuote } from "../remote/quote.js";

/**
 * The shell line that runs a command module's words as Ansible's command module runs them:
 * `cmd` is split by Python's `shlex.split` (src/python/shlex.ts), and every word, of `cmd` or
 * `argv`, then goes through `os.path.expanduser(os.path.expandvars(word))`, as ansible-core's
 * `run_command` does (`expand_user_and_vars`); nothing else of a shell applies (no globs, pipes,
 * `$(...)` or quoting of the shell's own). Written out because the parity is in Python's exact
 * rules, which no shell's expansion follows: an unset variable stays as written.
 */
export function commandLine(words: readonly string[]): string {
  return words.map(expandedWord).join(" ");
}

/** `cmd` split into words as Ansible's command module splits it, or why it cannot be. */
export function commandWords(cmd: string): { ok: true; words: string[] } | { ok: false; problem: string } {
  return shlexSplit(cmd, { comments: false });
}

// posixpath.expandvars: `$name` or `${anything}`, with \w in its ASCII sense.
const VARIABLE = /\$(\w+|\{[^}]*\})/g;
const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// posixpath.expanduser looks a `~name` up as a user; names a shell cannot hold are left as written.
const TILDE = /^~([A-Za-z0-9._][A-Za-z0-9._-]*)?(?=\/|$)/;

function expandedWord(word: string): string {
  const tilde = TILDE.exec(word);
  // The tilde prefix unquoted, for the host's shell to expand (the user's home, or the prefix
  // itself for an unknown user, as Python's), and the rest of the word as Python expands it.
  if (!tilde) return expandedVariables(word);
  const rest = word.slice(tilde[0].length);
  // Nothing quoted may follow a lone prefix (`~''` is not expanded by a shell).
  return rest === "" ? tilde[0] : `${tilde[0]}${expandedVariables(rest)}`;
}

function expandedVariables(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    const body = m[1] ?? "";
    const name = body.startsWith("{") ? body.slice(1, -1) : body;
    if (!SHELL_NAME.test(name)) continue;
    out += shellQuote(text.slice(last, m.index));
    // Only the environment counts (os.environ), not the shell's own variables; unset, the
    // reference stays as written. printenv tells an unset variable from an empty one (a value's
    // trailing newlines are lost to the command substitution, a difference left alone).
    out += `"$(printenv ${name} || printf '%s' ${shellQuote(m[0])})"`;
    last = m.index + m[0].length;
  }
  return out + shellQuote(text.slice(last));
}
