import { nunjucksInternals, type Token, type Tokenizer } from "../nunjucks/internals.js";

// Nunjucks' tokenizer, adjusted where Jinja2 (as Ansible configures it) lexes differently:
//  - string literals use Python escapes, and an unknown escape keeps its backslash, so
//    regex_replace('\d+', ...) means \d+ as in Jinja2 (Nunjucks would drop the backslash);
//  - trim_blocks also removes the newline after a comment `#}`, as in Jinja2, but not the one
//    after `{% raw %}` or after a `+%}`; `{%+` is accepted;
//  - newlines are normalised to "\n" (Jinja2's newline_sequence, which Ansible keeps at "\n").

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

/** Reads a Python string literal starting at the opening delimiter. */
function parsePythonString(t: Tokenizer, delimiter: string): string {
  t.forward();
  let out = "";
  while (!t.isFinished() && t.current() !== delimiter) {
    const c = t.current();
    t.forward();
    if (c !== "\\") {
      out += c;
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

export interface LexOptions {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  /**
   * Ansible's escape_backslashes, on when it templates a variable's value (not a template file):
   * it doubles every backslash of a string literal inside `{{ }}` before Jinja2 reads it, so
   * there a backslash is an ordinary character and the literal ends at the first quote.
   */
  escapeBackslashes?: boolean;
}

/** A string literal read as Ansible's doubled backslashes make Jinja2 read it: no escapes at all. */
function parseLiteralString(t: Tokenizer, delimiter: string): string {
  t.forward();
  let out = "";
  while (!t.isFinished() && t.current() !== delimiter) {
    out += t.current();
    t.forward();
  }
  t.forward();
  return out;
}

export function normalizeNewlines(src: string): string {
  return src.replace(/\r\n?/g, "\n");
}

/**
 * What Jinja2 lexes: newlines normalised, and one trailing newline dropped (keep_trailing_newline
 * is off in Ansible). Ansible puts the top-level template's trailing newlines back after rendering
 * (see preserveTrailingNewlines); an included template's last newline stays dropped.
 */
export function jinjaSource(src: string): string {
  const s = normalizeNewlines(src);
  return s.endsWith("\n") ? s.slice(0, -1) : s;
}

/** Ansible's do_template(preserve_trailing_newlines=True): as many trailing newlines as the source had, at least. */
export function preserveTrailingNewlines(source: string, rendered: string): string {
  const missing = trailingNewlines(source) - trailingNewlines(rendered);
  return missing > 0 ? rendered + "\n".repeat(missing) : rendered;
}

function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === "\n") n++;
  return n;
}

export function createTokenizer(src: string, opts: LexOptions): Tokenizer {
  const tokens = lexer.lex(src, opts);
  // Whether the tokenizer is inside `{{ }}` (not `{% %}`): where escapeBackslashes applies.
  let inVariable = false;
  tokens._parseString = (delimiter: string): string =>
    opts.escapeBackslashes === true && inVariable ? parseLiteralString(tokens, delimiter) : parsePythonString(tokens, delimiter);
  const next = tokens.nextToken.bind(tokens);
  // Jinja2 only ends a `{{ }}` at a `}}` outside open braces, so `{{ {'a': {'b': 1}} }}` works.
  let braces = 0;
  // The last two tokens other than whitespace: `{% raw %}` is BLOCK_START, SYMBOL raw, BLOCK_END.
  let previous: (Token | null)[] = [null, null];
  const rawStart = (): boolean =>
    previous[0]?.type === lexer.TOKEN_BLOCK_START && previous[1]?.type === lexer.TOKEN_SYMBOL && previous[1].value === "raw";
  tokens.nextToken = (): Token | null => {
    const tok = nextJinjaToken();
    if (tok !== null && tok.type !== lexer.TOKEN_WHITESPACE) previous = [previous[1] ?? null, tok];
    if (tok?.type === lexer.TOKEN_VARIABLE_START) inVariable = true;
    else if (tok?.type === lexer.TOKEN_VARIABLE_END || tok?.type === lexer.TOKEN_BLOCK_START) inVariable = false;
    return tok;
  };
  /** One token, with trim_blocks as Jinja2 applies it: not after `{% raw %}`, not at a `+%}`. */
  const nextJinjaToken = (): Token | null => {
    const plusEnd = tokens.in_code && tokens.current() === "+" && tokens.str.startsWith(tokens.tags.BLOCK_END, tokens.index + 1);
    if (plusEnd) tokens.forward();
    if (!(plusEnd || (tokens.in_code && rawStart()))) return nextToken();
    tokens.trimBlocks = false;
    try {
      return nextToken();
    } finally {
      tokens.trimBlocks = opts.trimBlocks;
    }
  };
  const nextToken = (): Token | null => {
    if (tokens.in_code && braces > 0 && tokens.current() === "}") {
      const tok: Token = { type: lexer.TOKEN_RIGHT_CURLY, value: "}", lineno: tokens.lineno, colno: tokens.colno };
      tokens.forward();
      braces--;
      return tok;
    }
    const number = tokens.in_code ? readNumber(tokens) : null;
    if (number !== null) return number;
    const tok = next();
    if (tok?.type === lexer.TOKEN_LEFT_CURLY) braces++;
    else if (tok?.type === lexer.TOKEN_RIGHT_CURLY) braces = Math.max(0, braces - 1);
    else if (tok?.type === lexer.TOKEN_VARIABLE_START || tok?.type === lexer.TOKEN_BLOCK_START) braces = 0;
    // `{%+ ... %}` disables lstrip_blocks for the tag, which Ansible leaves off anyway.
    if (tok?.type === lexer.TOKEN_BLOCK_START && tokens.current() === "+") tokens.forward();
    if (opts.trimBlocks && tok !== null && tok.type === lexer.TOKEN_COMMENT && tokens.current() === "\n") tokens.forward();
    return tok;
  };
  return tokens;
}
