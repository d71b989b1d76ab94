import { PyException, pySyntaxError } from "./errors.js";

// CPython 3.11's tokenizer (Parser/tokenizer.c, tok_get) for source given as a str: the same
// tokens, the same indentation bookkeeping and the same errors, so that what CPython rejects while
// tokenizing is rejected here too, with its message. Only what an expression can hold matters, but
// the rules are the whole tokenizer's: numbers with underscores and the checks at their end,
// string prefixes and quotes, line continuations, comments, brackets (at most 200 deep), and the
// INDENT a stray leading space produces.
//
// Errors CPython raises on the spot (syntaxerror()) are thrown as PyException; the others CPython
// only records (E_EOF, E_LINECONT, ...) come back as an ERRORTOKEN carrying `done`, as the parser
// turns them into exceptions itself.

export type TokenType = "NAME" | "NUMBER" | "STRING" | "OP" | "NEWLINE" | "INDENT" | "DEDENT" | "ENDMARKER" | "ERRORTOKEN";

/** Why an ERRORTOKEN was returned without an exception (CPython's tok->done). */
export type TokenizerDone = "E_EOF" | "E_LINECONT" | "E_TABSPACE" | "E_DEDENT" | "E_TOODEEP";

export interface Token {
  readonly type: TokenType;
  /** The token's text: the operator, the name, the number or the whole string literal with its prefix and quotes. */
  readonly text: string;
  readonly line: number;
  readonly done?: TokenizerDone;
}

const EOF = -1;
const MAXLEVEL = 200;
const MAXINDENT = 100;
const TABSIZE = 8;

const SP = 0x20;
const TAB = 0x09;
const FF = 0x0c;
const NL = 0x0a;
const HASH = 0x23;
const BACKSLASH = 0x5c;
const SQUOTE = 0x27;
const DQUOTE = 0x22;
const DOT = 0x2e;
const UNDERSCORE = 0x5f;
const ZERO = 0x30;

const TWO_CHARS = new Set(["!=", "%=", "&=", "**", "*=", "+=", "-=", "->", "//", "/=", ":=", "<<", "<=", "<>", "==", ">=", ">>", "@=", "^=", "|="]);
const THREE_CHARS = new Set(["**=", "...", "//=", "<<=", ">>="]);
const OPENERS = "([{";
const CLOSERS = ")]}";

const XID_START = /[\p{XID_Start}_]/u;
const XID_CONTINUE = /\p{XID_Continue}/u;
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

// CPython reads UTF-8 bytes: every byte of a non-ASCII character is >= 128. Here a code unit of
// a non-ASCII character is >= 128 too, so the same tests hold.
function isPotentialIdentifierStart(c: number): boolean {
  return isLetter(c) || c === UNDERSCORE || c >= 128;
}

function isPotentialIdentifierChar(c: number): boolean {
  return isPotentialIdentifierStart(c) || isDigit(c);
}

function hex4(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, "0");
}

/** Python's str.isprintable() of one character (space is printable, other separators are not). */
export function isPrintableChar(ch: string): boolean {
  return ch === " " || !NON_PRINTABLE.test(ch);
}

export class PyTokenizer {
  private readonly src: string;
  private i = 0;
  private atbol = true;
  private readonly indstack: number[] = [0];
  private readonly altindstack: number[] = [0];
  private pendin = 0;
  private readonly lineStarts: number[] = [0];
  /** Open brackets, innermost last, with the line each opened on. */
  readonly parens: { ch: string; line: number }[] = [];

  /** `source` as CPython has it after translate_newlines: "\r\n" and lone "\r" already read as "\n". */
  constructor(source: string) {
    this.src = source;
    for (let k = 0; k < source.length; k++) if (source.charCodeAt(k) === NL) this.lineStarts.push(k + 1);
  }

  /** The 1-based line holding offset `at`. */
  lineAt(at: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private get line(): number {
    return this.lineAt(Math.max(0, this.i - 1));
  }

  private nextc(): number {
    if (this.i >= this.src.length) {
      this.i = this.src.length + 1;
      return EOF;
    }
    return this.src.charCodeAt(this.i++);
  }

  private backup(c: number): void {
    if (c !== EOF) this.i--;
    else this.i = this.src.length;
  }

  private error(message: string): PyException {
    return pySyntaxError(message, this.line);
  }

  private token(type: TokenType, start: number): Token {
    return { type, text: this.src.slice(start, Math.min(this.i, this.src.length)), line: this.lineAt(start) };
  }

  private errorToken(done: TokenizerDone): Token {
    return { type: "ERRORTOKEN", text: "", line: this.line, done };
  }

  /** After a backslash: the next line's first character, or "error" (CPython's tok_continuation_line). */
  private continuationLine(): number | TokenizerDone {
    let c = this.nextc();
    if (c !== NL) return "E_LINECONT";
    c = this.nextc();
    if (c === EOF) return "E_EOF";
    this.backup(c);
    return c;
  }

  next(): Token {
    for (;;) {
      let blankline = false;
      let c: number;
      if (this.atbol) {
        this.atbol = false;
        let col = 0;
        let altcol = 0;
        let contLineCol = 0;
        for (;;) {
          c = this.nextc();
          if (c === SP) {
            col++;
            altcol++;
          } else if (c === TAB) {
            col = (Math.trunc(col / TABSIZE) + 1) * TABSIZE;
            altcol++;
          } else if (c === FF) {
            col = altcol = 0;
          } else if (c === BACKSLASH) {
            // Indentation cannot be split over lines: the first backslash decides the column.
            contLineCol = contLineCol !== 0 ? contLineCol : col;
            const next = this.continuationLine();
            if (typeof next === "string") return this.errorToken(next);
          } else {
            break;
          }
        }
        this.backup(c);
        // Lines holding only whitespace and a comment are not passed to the parser.
        if (c === HASH || c === NL) blankline = true;
        if (!blankline && this.parens.length === 0) {
          if (contLineCol !== 0) col = altcol = contLineCol;
          const top = this.indstack.length - 1;
          const current = this.indstack[top] ?? 0;
          const currentAlt = this.altindstack[top] ?? 0;
          if (col === current) {
            if (altcol !== currentAlt) return this.errorToken("E_TABSPACE");
          } else if (col > current) {
            if (this.indstack.length >= MAXINDENT) return this.errorToken("E_TOODEEP");
            if (altcol <= currentAlt) return this.errorToken("E_TABSPACE");
            this.pendin++;
            this.indstack.push(col);
            this.altindstack.push(altcol);
          } else {
            while (this.indstack.length > 1 && col < (this.indstack[this.indstack.length - 1] ?? 0)) {
              this.pendin--;
              this.indstack.pop();
              this.altindstack.pop();
            }
            if (col !== this.indstack[this.indstack.length - 1]) return this.errorToken("E_DEDENT");
            if (altcol !== this.altindstack[this.altindstack.length - 1]) return this.errorToken("E_TABSPACE");
          }
        }
      }

      if (this.pendin !== 0) {
        if (this.pendin < 0) {
          this.pendin++;
          return { type: "DEDENT", text: "", line: this.line };
        }
        this.pendin--;
        return { type: "INDENT", text: "", line: this.lineAt(this.i) };
      }

      for (;;) {
        do c = this.nextc();
        while (c === SP || c === TAB || c === FF);
        const start = Math.min(this.i - 1, this.src.length);

        if (c === HASH) while (c !== EOF && c !== NL) c = this.nextc();

        if (c === EOF) {
          if (this.parens.length > 0) return this.errorToken("E_EOF");
          return { type: "ENDMARKER", text: "", line: this.lineAt(this.src.length) };
        }

        if (isPotentialIdentifierStart(c)) return this.nameOrString(c, start);

        if (c === NL) {
          this.atbol = true;
          if (blankline || this.parens.length > 0) break;
          return { type: "NEWLINE", text: "", line: this.lineAt(start) };
        }

        if (c === DOT) {
          c = this.nextc();
          if (isDigit(c)) return this.number(c, start, "fraction");
          if (c === DOT) {
            c = this.nextc();
            if (c === DOT) return this.token("OP", start);
            this.backup(c);
            this.backup(DOT);
          } else {
            this.backup(c);
          }
          return this.token("OP", start);
        }

        if (isDigit(c)) return this.number(c, start, "start");

        if (c === SQUOTE || c === DQUOTE) return this.string(c, start);

        if (c === BACKSLASH) {
          const next = this.continuationLine();
          if (typeof next === "string") return this.errorToken(next);
          continue;
        }

        const c2 = this.nextc();
        if (c2 !== EOF && TWO_CHARS.has(String.fromCharCode(c, c2))) {
          const c3 = this.nextc();
          if (!(c3 !== EOF && THREE_CHARS.has(String.fromCharCode(c, c2, c3)))) this.backup(c3);
          return this.token("OP", start);
        }
        this.backup(c2);

        const ch = String.fromCharCode(c);
        if (OPENERS.includes(ch)) {
          if (this.parens.length >= MAXLEVEL) throw this.error("too many nested parentheses");
          this.parens.push({ ch, line: this.line });
        } else if (CLOSERS.includes(ch)) {
          const opening = this.parens.pop();
          if (opening === undefined) throw this.error(`unmatched '${ch}'`);
          if (OPENERS.indexOf(opening.ch) !== CLOSERS.indexOf(ch)) {
            throw this.error(
              opening.line !== this.line
                ? `closing parenthesis '${ch}' does not match opening parenthesis '${opening.ch}' on line ${opening.line}`
                : `closing parenthesis '${ch}' does not match opening parenthesis '${opening.ch}'`,
            );
          }
        }
        if (c < 0x20 || c === 0x7f) throw this.error(`invalid non-printable character U+${hex4(c)}`);
        return this.token("OP", start);
      }
    }
  }

  private nameOrString(first: number, start: number): Token {
    let c = first;
    // The legal combinations of the b, r, u and f prefixes (ur and ru are not).
    let sawB = false;
    let sawR = false;
    let sawU = false;
    let sawF = false;
    for (;;) {
      const lower = c | 0x20;
      if (!(sawB || sawU || sawF) && lower === 0x62) sawB = true;
      else if (!(sawB || sawU || sawR || sawF) && lower === 0x75) sawU = true;
      else if (!(sawR || sawU) && lower === 0x72) sawR = true;
      else if (!(sawF || sawB || sawU) && lower === 0x66) sawF = true;
      else break;
      c = this.nextc();
      if (c === SQUOTE || c === DQUOTE) return this.string(c, start);
    }
    let nonascii = false;
    while (isPotentialIdentifierChar(c)) {
      if (c >= 128) nonascii = true;
      c = this.nextc();
    }
    this.backup(c);
    const tok = this.token("NAME", start);
    if (nonascii) this.verifyIdentifier(tok.text);
    return tok;
  }

  /** PEP 3131: an identifier is XID_Start (or "_") then XID_Continue characters. */
  private verifyIdentifier(text: string): void {
    let first = true;
    for (const ch of text) {
      const ok = first ? XID_START.test(ch) : XID_CONTINUE.test(ch);
      first = false;
      if (ok) continue;
      const hex = hex4(ch.codePointAt(0) ?? 0);
      throw this.error(isPrintableChar(ch) ? `invalid character '${ch}' (U+${hex})` : `invalid non-printable character U+${hex}`);
    }
  }

  private string(quote: number, start: number): Token {
    const firstLine = this.lineAt(start);
    let quoteSize = 1;
    let endQuoteSize = 0;
    let c = this.nextc();
    if (c === quote) {
      c = this.nextc();
      if (c === quote) quoteSize = 3;
      else endQuoteSize = 1; // the empty string
    }
    if (c !== quote) this.backup(c);
    while (endQuoteSize !== quoteSize) {
      c = this.nextc();
      if (c === EOF || (quoteSize === 1 && c === NL)) {
        const detected = this.line;
        const what = quoteSize === 3 ? "unterminated triple-quoted string literal" : "unterminated string literal";
        throw pySyntaxError(`${what} (detected at line ${detected})`, firstLine);
      }
      if (c === quote) {
        endQuoteSize++;
      } else {
        endQuoteSize = 0;
        if (c === BACKSLASH) this.nextc();
      }
    }
    return this.token("STRING", start);
  }

  /** Whether `test` follows, not itself followed by an identifier character; consumes nothing. */
  private lookahead(test: string): boolean {
    let matched = 0;
    let result = false;
    for (;;) {
      const c = this.nextc();
      if (matched === test.length) {
        result = !isPotentialIdentifierChar(c);
      } else if (c === test.charCodeAt(matched)) {
        matched++;
        continue;
      }
      this.backup(c);
      this.i -= matched;
      return result;
    }
  }

  /**
   * A number directly followed by a letter is an error ("1abc"), except before the keywords that
   * can follow a number in valid code ("1if x else 2"), which CPython only warns about.
   */
  private verifyEndOfNumber(c: number, kind: string): void {
    let keyword = false;
    if (c === 0x61) keyword = this.lookahead("nd");
    else if (c === 0x65) keyword = this.lookahead("lse");
    else if (c === 0x66) keyword = this.lookahead("or");
    else if (c === 0x69) {
      const c2 = this.nextc();
      keyword = c2 === 0x66 || c2 === 0x6e || c2 === 0x73;
      this.backup(c2);
    } else if (c === 0x6f) keyword = this.lookahead("r");
    else if (c === 0x6e) keyword = this.lookahead("ot");
    if (keyword) return;
    if (isPotentialIdentifierChar(c)) {
      this.backup(c);
      throw this.error(`invalid ${kind} literal`);
    }
  }

  private decimalTail(): number {
    let c: number;
    for (;;) {
      do c = this.nextc();
      while (isDigit(c));
      if (c !== UNDERSCORE) break;
      c = this.nextc();
      if (!isDigit(c)) {
        this.backup(c);
        throw this.error("invalid decimal literal");
      }
    }
    return c;
  }

  /** Digits of a 0x/0o/0b literal: `valid` digits with single underscores between them. */
  private radixDigits(valid: (c: number) => boolean, kind: string, digitError: boolean): number {
    let c = this.nextc();
    do {
      if (c === UNDERSCORE) c = this.nextc();
      if (!valid(c)) {
        if (digitError && isDigit(c)) throw this.error(`invalid digit '${String.fromCharCode(c)}' in ${kind} literal`);
        this.backup(c);
        throw this.error(`invalid ${kind} literal`);
      }
      do c = this.nextc();
      while (valid(c));
    } while (c === UNDERSCORE);
    if (digitError && isDigit(c)) throw this.error(`invalid digit '${String.fromCharCode(c)}' in ${kind} literal`);
    this.verifyEndOfNumber(c, kind);
    return c;
  }

  private number(first: number, start: number, entry: "start" | "fraction"): Token {
    let c = first;
    // CPython's gotos between the parts of a number, as states.
    let phase: "fraction" | "suffix" | "exponent" | "imaginary" | "verified";
    if (entry === "fraction") {
      phase = "fraction";
    } else if (c === ZERO) {
      c = this.nextc();
      const lower = c | 0x20;
      if (lower === 0x78) {
        c = this.radixDigits(isHexDigit, "hexadecimal", false);
        phase = "verified";
      } else if (lower === 0x6f) {
        c = this.radixDigits((d) => d >= 0x30 && d <= 0x37, "octal", true);
        phase = "verified";
      } else if (lower === 0x62) {
        c = this.radixDigits((d) => d === 0x30 || d === 0x31, "binary", true);
        phase = "verified";
      } else {
        let nonzero = false;
        for (;;) {
          if (c === UNDERSCORE) {
            c = this.nextc();
            if (!isDigit(c)) {
              this.backup(c);
              throw this.error("invalid decimal literal");
            }
          }
          if (c !== ZERO) break;
          c = this.nextc();
        }
        if (isDigit(c)) {
          nonzero = true;
          c = this.decimalTail();
        }
        if (c === DOT) {
          c = this.nextc();
          phase = "fraction";
        } else if ((c | 0x20) === 0x65) {
          phase = "exponent";
        } else if ((c | 0x20) === 0x6a) {
          phase = "imaginary";
        } else if (nonzero) {
          this.backup(c);
          throw this.error("leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers");
        } else {
          this.verifyEndOfNumber(c, "decimal");
          phase = "verified";
        }
      }
    } else {
      c = this.decimalTail();
      if (c === DOT) {
        c = this.nextc();
        phase = "fraction";
      } else {
        phase = "suffix";
      }
    }

    if (phase === "fraction") {
      if (isDigit(c)) c = this.decimalTail();
      phase = "suffix";
    }
    if (phase === "suffix") phase = (c | 0x20) === 0x65 ? "exponent" : (c | 0x20) === 0x6a ? "imaginary" : "suffix";
    if (phase === "exponent") {
      const e = c;
      c = this.nextc();
      if (c === 0x2b || c === 0x2d) {
        c = this.nextc();
        if (!isDigit(c)) {
          this.backup(c);
          throw this.error("invalid decimal literal");
        }
      } else if (!isDigit(c)) {
        // "1else": the number ends before the e.
        this.backup(c);
        this.verifyEndOfNumber(e, "decimal");
        this.backup(e);
        return this.token("NUMBER", start);
      }
      c = this.decimalTail();
      phase = (c | 0x20) === 0x6a ? "imaginary" : "suffix";
    }
    if (phase === "imaginary") {
      c = this.nextc();
      this.verifyEndOfNumber(c, "imaginary");
    } else if (phase === "suffix") {
      this.verifyEndOfNumber(c, "decimal");
    }
    this.backup(c);
    return this.token("NUMBER", start);
  }
}

