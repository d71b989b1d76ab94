/**
 * Python's `shlex.split(line, comments)` (POSIX mode), written out because Ansible's parity
 * depends on its exact rules: an INI inventory's host lines are split with `comments=True`, the
 * command module's `cmd` with `comments=False`. Whitespace separates words; single quotes keep
 * everything literally; double quotes keep everything but `\"` and `\\`; a backslash outside
 * quotes escapes the next character; quotes may open in the middle of a word (`a="b c"` is one
 * word `a=b c`); with comments, a `#` outside quotes ends the line, even in the middle of a word.
 */
export type ShlexResult = { ok: true; words: string[] } | { ok: false; problem: string };

const WHITESPACE = " \t\r\n";

export function shlexSplit(line: string, { comments }: { comments: boolean }): ShlexResult {
  const words: string[] = [];
  let word = "";
  // A word exists once a character or a pair of quotes has been seen (`""` is an empty word).
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const c = line[i] ?? "";
    if (WHITESPACE.includes(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (comments && c === "#") {
      break;
    } else if (c === "\\") {
      if (i + 1 >= line.length) return { ok: false, problem: "No escaped character" };
      word += line[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'" || c === '"') {
      const close = readQuoted(line, i + 1, c);
      if ("problem" in close) return { ok: false, problem: close.problem };
      word += close.text;
      inWord = true;
      i = close.end + 1;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}

/** The text of a quoted part starting after its opening quote, and the index of its closing quote. */
function readQuoted(line: string, start: number, quote: string): { text: string; end: number } | { problem: string } {
  let text = "";
  let i = start;
  while (i < line.length) {
    const c = line[i] ?? "";
    if (c === quote) return { text, end: i };
    if (quote === '"' && c === "\\") {
      if (i + 1 >= line.length) return { problem: "No escaped character" };
      const next = line[i + 1] ?? "";
      // In POSIX double quotes only the quote and the backslash itself are escaped.
      text += next === '"' || next === "\\" ? next : `\\${next}`;
      i += 2;
      continue;
    }
    text += c;
    i++;
  }
  return { problem: "No closing quotation" };
}
