import { nunjucksInternals, type Token, type Tokenizer } from "../nunjucks/internals.js";
import type { JinjaSyntax } from "./settings.js";

// Nunjucks' tokenizer, adjusted where Jinja2 (as Ansible configures it) lexes differently:
//  - string literals use Python escapes, and an unknown escape keeps its backslash, so
//    regex_replace('\d+', ...) means \d+ as in Jinja2 (Nunjucks would drop the backslash);
//  - trim_blocks also removes the newline after a comment `#}`, as in Jinja2, but not the one
//    after `{% raw %}` or after a `+%}`; `{%+` is accepted;
//  - newlines are normalised to "\n" (the compiler writes template text's as newline_sequence);
//  - template text is split at tags as Jinja2's root rule does it, with any delimiters: the
//    earliest (then longest) start string opens a tag, a stray end string is text, and
//    lstrip_blocks also applies before comments.

const { lexer } = nunjucksInternals;

function readHex(t: Tokenizer, digits: number): number | undefined {
  let text = "";
  for (let i = 0; i < digits; i++) {
    const c = t.current();
    if (!/^[0-9a-fA-F]$/.test(c)) return undefined;
    text += c;
    t.forward();
  }
  return parseInt(text, 16);
}

/** Reads a Python string literal starting at the opening delimiter; its own line breaks are written as `newline` (Jinja2's newline_sequence), its \\n escapes are not. */
function parsePythonString(t: Tokenizer, delimiter: string, newline: string): string {
  t.forward();
  let out = "";
  while (!t.isFinished() && t.current() !== delimiter) {
    const c = t.current();
    t.forward();
    if (c !== "\\") {
      out += c === "\n" ? newline : c;
      continue;
    }
    const e = t.current();
    if (t.isFinished()) {
      out += "\\";
      break;
    }
    t.forward();
    switch (e) {
      case "\n":
        break; // line continuation
      case "\\":
      case "'":
      case '"':
        out += e;
        break;
      case "a":
        out += "\x07";
        break;
      case "b":
        out += "\b";
        break;
      case "f":
        out += "\f";
        break;
      case "n":
        out += "\n";
        break;
      case "r":
        out += "\r";
        break;
      case "t":
        out += "\t";
        break;
      case "v":
        out += "\v";
        break;
      case "x":
      case "u":
      case "U": {
        const cp = readHex(t, e === "x" ? 2 : e === "u" ? 4 : 8);
        out += cp === undefined ? `\\${e}` : String.fromCodePoint(cp);
        break;
      }
      default:
        if (/^[0-7]$/.test(e)) {
          let octal = e;
          while (octal.length < 3 && /^[0-7]$/.test(t.current())) {
            octal += t.current();
            t.forward();
          }
          out += String.fromCodePoint(parseInt(octal, 8));
        } else {
          out += `\\${e}`;
        }
    }
  }
  t.forward();
  return out;
}

const NUMBER = /^\d(?:_?\d)*(?:\.\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?/;

/** Jinja2's number literals, including exponents (`1e3`, `1.5e-7`) that Nunjucks lexes as names. */
function readNumber(t: Tokenizer): Token | null {
  if (!/^\d$/.test(t.current())) return null;
  const m = NUMBER.exec(t.str.slice(t.index));
  if (m === null) return null;
  const text = m[0];
  // A name character right after the digits means this is not a number (Nunjucks decides).
  if (/^[A-Za-z_]/.test(t.str.slice(t.index + text.length))) return null;
  const tok: Token = {
    type: /[.eE]/.test(text) ? lexer.TOKEN_FLOAT : lexer.TOKEN_INT,
    value: text.replace(/_/g, ""),
    lineno: t.lineno,
    colno: t.colno,
  };
  for (let i = 0; i < text.length; i++) t.forward();
  return tok;
}

export function normalizeNewlines(src: string): string {
  return src.replace(/\r\n?/g, "\n");
}

/**
 * What Jinja2 lexes: newlines normalised, and one trailing newline dropped unless
 * keep_trailing_newline (off in Ansible). Ansible puts the top-level template's trailing newlines
 * back after rendering (see preserveTrailingNewlines); an included template's last newline stays
 * dropped.
 */
export function jinjaSource(src: string, syntax: JinjaSyntax): string {
  const s = normalizeNewlines(src);
  return !syntax.keep_trailing_newline && s.endsWith("\n") ? s.slice(0, -1) : s;
}

/**
 * Ansible's do_template(preserve_trailing_newlines=True): as many trailing "\n" as the source had,
 * at least, each added one written as the newline sequence. Both sides count "\n" only, as
 * Ansible does (a "\r\n" counts once, a lone "\r" not at all).
 */
export function preserveTrailingNewlines(source: string, rendered: string, newline = "\n"): string {
  const missing = trailingNewlines(source) - trailingNewlines(rendered);
  return missing > 0 ? rendered + newline.repeat(missing) : rendered;
}

function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === "\n") n++;
  return n;
}

const WHITESPACE = " \n\t\r\xA0";
const DELIMITERS = "()[]{}%*-+~/#,:|.<>=!";
const CLOSERS: Record<string, string> = { ")": lexer.TOKEN_RIGHT_PAREN, "]": lexer.TOKEN_RIGHT_BRACKET, "}": lexer.TOKEN_RIGHT_CURLY };
const OPENERS: Record<string, string> = { [lexer.TOKEN_LEFT_PAREN]: ")", [lexer.TOKEN_LEFT_BRACKET]: "]", [lexer.TOKEN_LEFT_CURLY]: "}" };

type TagKind = "block" | "variable" | "comment";

/** The first tag start at or after `from`: the earliest, and at one position the longest (as Jinja2 orders its rules). */
function findTagStart(str: string, from: number, starts: readonly (readonly [TagKind, string])[]): { kind: TagKind; at: number; tag: string } | undefined {
  let best: { kind: TagKind; at: number; tag: string } | undefined;
  for (const [kind, tag] of starts) {
    const at = str.indexOf(tag, from);
    if (at === -1) continue;
    if (best === undefined || at < best.at || (at === best.at && tag.length > best.tag.length)) best = { kind, at, tag };
  }
  return best;
}

function forwardTo(t: Tokenizer, index: number): void {
  while (t.index < index && !t.isFinished()) t.forward();
}

export function createTokenizer(src: string, syntax: JinjaSyntax, firstLine = 0): Tokenizer {
  const tokens = lexer.lex(src, {
    trimBlocks: syntax.trim_blocks,
    lstripBlocks: false,
    tags: {
      blockStart: syntax.block_start_string,
      blockEnd: syntax.block_end_string,
      variableStart: syntax.variable_start_string,
      variableEnd: syntax.variable_end_string,
      commentStart: syntax.comment_start_string,
      commentEnd: syntax.comment_end_string,
    },
  });
  // Positions count from the template file's first line, above a removed `#jinja2:` line.
  tokens.lineno = firstLine;
  tokens._parseString = (delimiter: string): string => parsePythonString(tokens, delimiter, syntax.newline_sequence);
  const next = tokens.nextToken.bind(tokens);
  const tags = tokens.tags;
  const starts = [
    ["block", tags.BLOCK_START],
    ["variable", tags.VARIABLE_START],
    ["comment", tags.COMMENT_START],
  ] as const;
  // Jinja2 only ends a tag at its end string outside open brackets, so `{{ {'a': {'b': 1}} }}`
  // and `[[ a[b[0]] ]]` (with `[[ ]]` delimiters) work.
  let open: string[] = [];
  /** Inside `{{ }}` rather than `{% %}`: its end string is looked for first (ERB-like `<%= %>` share one). */
  let inVariable = false;
  // The last two tokens other than whitespace: `{% raw %}` is BLOCK_START, SYMBOL raw, BLOCK_END.
  let previous: (Token | null)[] = [null, null];
  const rawStart = (): boolean =>
    previous[0]?.type === lexer.TOKEN_BLOCK_START && previous[1]?.type === lexer.TOKEN_SYMBOL && previous[1].value === "raw";
  tokens.nextToken = (): Token | null => {
    const tok = tokens.in_code ? nextJinjaToken() : dataToken();
    if (tok !== null && tok.type !== lexer.TOKEN_WHITESPACE) previous = [previous[1] ?? null, tok];
    return tok;
  };

  /**
   * Template text up to the next tag, or the tag start itself, as Jinja2's root rule reads it: an
   * end string outside a tag (a stray `#}`) is text; lstrip_blocks removes the blanks between a
   * line's start and a block or comment tag (not a `{{`, not a `{%+`, not a `{%-` — that one
   * strips all whitespace, in the parser).
   */
  const dataToken = (): Token | null => {
    if (tokens.isFinished()) return null;
    const lineno = tokens.lineno;
    const colno = tokens.colno;
    const start = tokens.index;
    const str = tokens.str;
    const found = findTagStart(str, start, starts);
    if (found !== undefined && found.at === start) return tagStart(found.kind, found.tag, lineno, colno);
    const end = found?.at ?? str.length;
    let text = str.slice(start, end);
    if (found !== undefined && found.kind !== "variable" && syntax.lstrip_blocks) {
      const sign = str[found.at + found.tag.length];
      const lineStart = text.lastIndexOf("\n") + 1;
      const lineStarting = start === 0 || str[start - 1] === "\n";
      if (sign !== "+" && sign !== "-" && (lineStart > 0 || lineStarting) && /^\s+$/.test(text.slice(lineStart))) {
        text = text.slice(0, lineStart);
      }
    }
    forwardTo(tokens, end);
    if (text === "") return dataToken();
    return { type: lexer.TOKEN_DATA, value: text, lineno, colno };
  };

  const tagStart = (kind: TagKind, tag: string, lineno: number, colno: number): Token => {
    forwardTo(tokens, tokens.index + tag.length);
    const sign = tokens.current();
    if (kind === "comment") return comment(sign, lineno, colno);
    tokens.in_code = true;
    open = [];
    inVariable = kind === "variable";
    if (sign === "+") tokens.forward();
    if (sign !== "-") return { type: kind === "block" ? lexer.TOKEN_BLOCK_START : lexer.TOKEN_VARIABLE_START, value: tag, lineno, colno };
    tokens.forward();
    return { type: kind === "block" ? lexer.TOKEN_BLOCK_START : lexer.TOKEN_VARIABLE_START, value: `${tag}-`, lineno, colno };
  };

  /**
   * A comment runs to the first end string; `-#}` strips the whitespace after it (the parser does
   * that), `+#}` keeps the newline trim_blocks would remove. The token's text only tells the
   * parser which ends strip: its first character after the start string and its last before the
   * end string are "-" or not.
   */
  const comment = (sign: string, lineno: number, colno: number): Token => {
    const from = tokens.index + (sign === "-" || sign === "+" ? 1 : 0);
    const at = tokens.str.indexOf(tags.COMMENT_END, from);
    if (at === -1) throw Object.assign(new Error("Missing end of comment tag"), { lineno: lineno + 1, colno: colno + 1 });
    const endSign = at > from ? tokens.str[at - 1] : "";
    forwardTo(tokens, at + tags.COMMENT_END.length);
    if (endSign !== "+" && endSign !== "-" && syntax.trim_blocks && tokens.current() === "\n") tokens.forward();
    const value = `${tags.COMMENT_START}${sign === "-" ? "-" : " "}${endSign === "-" ? "-" : " "}${tags.COMMENT_END}`;
    return { type: lexer.TOKEN_COMMENT, value, lineno, colno };
  };

  /** One token, with trim_blocks as Jinja2 applies it: not after `{% raw %}`, not at a `+%}`. */
  const nextJinjaToken = (): Token | null => {
    const plusEnd = tokens.current() === "+" && open.length === 0 && tokens.str.startsWith(tags.BLOCK_END, tokens.index + 1);
    if (plusEnd) tokens.forward();
    if (!(plusEnd || rawStart())) return codeToken();
    tokens.trimBlocks = false;
    try {
      return codeToken();
    } finally {
      tokens.trimBlocks = syntax.trim_blocks;
    }
  };

  const codeToken = (): Token | null => {
    const cur = tokens.current();
    if (open.length > 0 && CLOSERS[cur] !== undefined) {
      const tok: Token = { type: CLOSERS[cur], value: cur, lineno: tokens.lineno, colno: tokens.colno };
      tokens.forward();
      if (open[open.length - 1] === cur) open.pop();
      return tok;
    }
    if (inVariable && open.length === 0) {
      const end = [tags.VARIABLE_END, `-${tags.VARIABLE_END}`].find((e) => tokens.str.startsWith(e, tokens.index));
      if (end !== undefined) {
        const tok: Token = { type: lexer.TOKEN_VARIABLE_END, value: end, lineno: tokens.lineno, colno: tokens.colno };
        forwardTo(tokens, tokens.index + end.length);
        tokens.in_code = false;
        return tok;
      }
    }
    const number = readNumber(tokens);
    if (number !== null) return number;
    const name = nameBeforeEndTag();
    if (name !== null) return name;
    const tok = next();
    if (tok !== null && OPENERS[tok.type] !== undefined) open.push(OPENERS[tok.type] ?? "");
    return tok;
  };

  /**
   * Nunjucks reads a name up to whitespace or punctuation; a delimiter made of other characters
   * (`@@`) right after a name would be swallowed by it, where Jinja2 ends the tag there.
   */
  const nameBeforeEndTag = (): Token | null => {
    const str = tokens.str;
    const start = tokens.index;
    if (start >= str.length || WHITESPACE.includes(str[start] ?? "") || DELIMITERS.includes(str[start] ?? "") || str[start] === '"' || str[start] === "'") return null;
    let end = start;
    while (end < str.length && !WHITESPACE.includes(str[end] ?? "") && !DELIMITERS.includes(str[end] ?? "")) end++;
    const segment = str.slice(start, end);
    const cut = Math.min(...[tags.BLOCK_END, tags.VARIABLE_END].map((t) => segment.indexOf(t)).filter((i) => i > 0));
    if (!Number.isFinite(cut)) return null;
    const text = segment.slice(0, cut);
    const type = /^[0-9]+$/.test(text)
      ? lexer.TOKEN_INT
      : /^(true|false)$/.test(text)
        ? lexer.TOKEN_BOOLEAN
        : text === "none" || text === "null"
          ? lexer.TOKEN_NONE
          : lexer.TOKEN_SYMBOL;
    const tok: Token = { type, value: text, lineno: tokens.lineno, colno: tokens.colno };
    forwardTo(tokens, start + cut);
    return tok;
  };
  return tokens;
}
