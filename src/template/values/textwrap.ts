// Python's textwrap.wrap with the options Jinja2's wordwrap filter passes (expand_tabs and
// replace_whitespace off, drop_whitespace on): the same chunking regex, the same greedy filling
// and the same splitting of words longer than the width.

const WS = "[\\t\\n\\x0b\\x0c\\r ]";
const NWS = "[^\\t\\n\\x0b\\x0c\\r ]";
const WP = "[\\p{L}\\p{N}_!\"'&.,?]";
const LT = "[\\p{L}_]";

const WORDSEP = new RegExp(
  `(${WS}+|(?<=${WP})-{2,}(?=[\\p{L}\\p{N}_])|${NWS}+?(?:-(?:(?<=${LT}{2}-)|(?<=${LT}-${LT}-))(?=${LT}-?${LT})|(?=${WS}|$)|(?<=${WP})(?=-{2,}[\\p{L}\\p{N}_])))`,
  "u",
);
const WORDSEP_SIMPLE = new RegExp(`(${WS}+)`, "u");

export interface WrapOptions {
  width: number;
  breakLongWords: boolean;
  breakOnHyphens: boolean;
}

const isBlank = (s: string): boolean => s.replace(/[\t\n\x0b\x0c\r ]/g, "") === "";
const len = (s: string): number => [...s].length;

export function textwrap(text: string, o: WrapOptions): string[] {
  const chunks = text.split(o.breakOnHyphens ? WORDSEP : WORDSEP_SIMPLE).filter((c) => c !== "");
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let size = 0;
    if (isBlank(chunks[chunks.length - 1] ?? "") && lines.length > 0) chunks.pop();
    while (chunks.length > 0) {
      const l = len(chunks[chunks.length - 1] ?? "");
      if (size + l > o.width) break;
      line.push(chunks.pop() ?? "");
      size += l;
    }
    if (chunks.length > 0 && len(chunks[chunks.length - 1] ?? "") > o.width) {
      longWord(chunks, line, size, o);
      size = line.reduce((n, c) => n + len(c), 0);
    }
    if (line.length > 0 && isBlank(line[line.length - 1] ?? "")) line.pop();
    if (line.length > 0) lines.push(line.join(""));
  }
  return lines;
}

function longWord(chunks: string[], line: string[], size: number, o: WrapOptions): void {
  const spaceLeft = o.width < 1 ? 1 : o.width - size;
  if (o.breakLongWords) {
    const chunk = [...(chunks[chunks.length - 1] ?? "")];
    let end = spaceLeft;
    if (o.breakOnHyphens && chunk.length > spaceLeft) {
      const hyphen = chunk.slice(0, spaceLeft).lastIndexOf("-");
      if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== "-")) end = hyphen + 1;
    }
    line.push(chunk.slice(0, end).join(""));
    chunks[chunks.length - 1] = chunk.slice(end).join("");
  } else if (line.length === 0) {
    line.push(chunks.pop() ?? "");
  }
}
