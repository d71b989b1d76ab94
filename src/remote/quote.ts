/**
 * How a `'` is written inside a single-quoted shell word: close the quote, a double-quoted `'`,
 * reopen. The one quoting model of the project: shellQuote writes it, and the secret masker
 * (src/secrets/masker.ts) looks for exactly this form, so a secret holding `'` is found in every
 * command that quoted it.
 */
export const QUOTED_APOSTROPHE = `'"'"'`;

/** s as it stands between the quotes of shellQuote(s), or of any quoted word that contains s. */
export function singleQuotedBody(s: string): string {
  return s.replace(/'/g, QUOTED_APOSTROPHE);
}

/** POSIX shell single-quoting, like Python's shlex.quote: safe for any byte string but NUL. */
export function shellQuote(s: string): string {
  if (s === "") return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${singleQuotedBody(s)}'`;
}

/** argv joined into one shell command line, each word quoted. */
export function shellJoin(argv: readonly string[]): string {
  return argv.map(shellQuote).join(" ");
}
