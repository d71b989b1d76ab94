import { type Expr, heightOver } from "./ast.js";
import { PyException, pySyntaxError } from "./errors.js";
import { type EscapeContext, decodeBytesEscapes, decodeStrEscapes } from "./escapes.js";

// Adjacent string literals as CPython 3.11's parser joins them (_PyPegen_concatenate_strings and
// string_parser.c): each token's prefix, quotes and escapes; str and bytes never mixed; and any
// f-string making the whole a JoinedStr, whose replacement fields are found the way CPython finds
// them and compiled by the expression parser (`compile`).

export interface StringContext extends EscapeContext {
  /** Parses the text of an f-string replacement field as CPython does, "(" + text + ")"; throws on error. */
  compile(text: string): Expr;
}

export type StringsNode =
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "JoinedStr"; readonly height: number };

interface Literal {
  bytes: boolean;
  raw: boolean;
  fstring: boolean;
  body: string;
}

function splitLiteral(text: string): Literal {
  let k = 0;
  let bytes = false;
  let raw = false;
  let fstring = false;
  for (;;) {
    const c = text[k]?.toLowerCase();
    if (c === "b") bytes = true;
    else if (c === "r") raw = true;
    else if (c === "f") fstring = true;
    else if (c !== "u") break;
    k++;
  }
  const quote = text[k] ?? "'";
  let body = text.slice(k + 1, -1);
  if (body.length >= 4 && body[0] === quote && body[1] === quote) body = body.slice(2, -2);
  return { bytes, raw, fstring, body };
}

const MAXLEVEL = 200;

/** CPython's Py_ISSPACE: the ASCII whitespace. */
function isAsciiSpace(ch: string | undefined): boolean {
  return ch !== undefined && " \t\n\r\x0b\x0c".includes(ch);
}

class FstringParser {
  i = 0;
  readonly end: number;

  constructor(
    readonly body: string,
    readonly raw: boolean,
    readonly ctx: StringContext,
  ) {
    this.end = body.length;
  }

  private error(message: string): PyException {
    return pySyntaxError(message, this.ctx.line);
  }

  private decodeLiteral(from: number, to: number): void {
    if (from !== to && !this.raw) decodeStrEscapes(this.body.slice(from, to), this.ctx);
  }

  /** fstring_find_literal: 1 when a doubled brace ended the literal and scanning goes on. */
  private findLiteral(level: number): 0 | 1 {
    const { body, end } = this;
    const start = this.i;
    let s = this.i;
    while (s < end) {
      let ch = body[s++];
      if (!this.raw && ch === "\\" && s < end) {
        ch = body[s++];
        if (ch === "N") {
          // Braces of a \N{...} escape do not start a replacement field.
          if (s < end && body[s++] === "{") {
            while (s < end && body[s++] !== "}") {
              /* skip the name */
            }
            continue;
          }
          break;
        }
      }
      if (ch === "{" || ch === "}") {
        if (level === 0) {
          if (s < end && body[s] === ch) {
            this.i = s + 1;
            this.decodeLiteral(start, s);
            return 1;
          }
          if (ch === "}") {
            this.i = s - 1;
            throw this.error("f-string: single '}' is not allowed");
          }
        }
        s--;
        break;
      }
    }
    this.i = s;
    this.decodeLiteral(start, s);
    return 0;
  }

  /** fstring_find_expr: one replacement field from its "{"; returns the FormattedValue's height. */
  private findExpr(level: number): number {
    const { body, end } = this;
    if (level >= 2) throw this.error("f-string: expressions nested too deeply");
    this.i++;
    const exprStart = this.i;
    let quote = "";
    let tripleQuoted = false;
    const parens: string[] = [];
    for (; this.i < end; this.i++) {
      const ch = body[this.i] ?? "";
      if (ch === "\\") throw this.error("f-string expression part cannot include a backslash");
      if (quote !== "") {
        if (ch === quote) {
          if (tripleQuoted) {
            if (this.i + 2 < end && body[this.i + 1] === ch && body[this.i + 2] === ch) {
              this.i += 2;
              quote = "";
              tripleQuoted = false;
            }
          } else {
            quote = "";
          }
        }
      } else if (ch === "'" || ch === '"') {
        tripleQuoted = this.i + 2 < end && body[this.i + 1] === ch && body[this.i + 2] === ch;
        if (tripleQuoted) this.i += 2;
        quote = ch;
      } else if (ch === "[" || ch === "{" || ch === "(") {
        if (parens.length >= MAXLEVEL) throw this.error("f-string: too many nested parenthesis");
        parens.push(ch);
      } else if (ch === "#") {
        throw this.error("f-string expression part cannot include '#'");
      } else if (parens.length === 0 && "!:}=<>".includes(ch)) {
        if (this.i + 1 < end) {
          const next = body[this.i + 1];
          // "!=", "==", "<=", ">=" are operators, and a lone "<" or ">" does not end the expression.
          if (next === "=" && (ch === "!" || ch === "=" || ch === "<" || ch === ">")) {
            this.i++;
            continue;
          }
          if (ch === "<" || ch === ">") continue;
        }
        break;
      } else if (ch === "]" || ch === "}" || ch === ")") {
        const opening = parens.pop();
        if (opening === undefined) throw this.error(`f-string: unmatched '${ch}'`);
        if ("([{".indexOf(opening) !== ")]}".indexOf(ch)) {
          throw this.error(`f-string: closing parenthesis '${ch}' does not match opening parenthesis '${opening}'`);
        }
      }
    }
    const exprEnd = this.i;
    if (quote !== "") throw this.error("f-string: unterminated string");
    const unclosed = parens[parens.length - 1];
    if (unclosed !== undefined) throw this.error(`f-string: unmatched '${unclosed}'`);
    const expecting = (): PyException => this.error("f-string: expecting '}'");
    if (this.i >= end) throw expecting();

    const text = body.slice(exprStart, exprEnd);
    if (/^[ \t\n\f]*$/.test(text)) throw this.error("f-string: empty expression not allowed");
    const expr = this.ctx.compile(text);

    if (body[this.i] === "=") {
      this.i++;
      while (isAsciiSpace(body[this.i])) this.i++;
    }
    if (body[this.i] === "!") {
      this.i++;
      if (this.i >= end) throw expecting();
      const conversion = body[this.i++];
      if (conversion !== "s" && conversion !== "r" && conversion !== "a") {
        throw this.error("f-string: invalid conversion character: expected 's', 'r', or 'a'");
      }
    }
    if (this.i >= end) throw expecting();
    let spec = 0;
    if (body[this.i] === ":") {
      this.i++;
      if (this.i >= end) throw expecting();
      spec = this.parse(level + 1);
    }
    if (this.i >= end || body[this.i] !== "}") throw expecting();
    this.i++;
    return heightOver(expr.height, spec);
  }

  /** _PyPegen_FstringParser_ConcatFstring: literals and fields up to the end (or a "}" when nested); the fields' height. */
  concat(level: number): number {
    let height = 0;
    for (;;) {
      if (this.findLiteral(level) === 1) continue;
      if (this.i >= this.end || this.body[this.i] === "}") break;
      height = Math.max(height, this.findExpr(level));
    }
    if (level === 0 && this.i < this.end - 1) throw this.error("f-string: unexpected end of string");
    if (level !== 0 && this.body[this.i] !== "}") throw this.error("f-string: expecting '}'");
    return height;
  }

  /** fstring_parse: a nested format spec, as a JoinedStr; its height. */
  private parse(level: number): number {
    return heightOver(this.concat(level));
  }
}

/** The value (or JoinedStr) of adjacent STRING tokens, e.g. `'a' "b"` or `b'x' rb'\y'`. */
export function concatenateStrings(tokens: readonly string[], ctx: StringContext): StringsNode {
  let bytesMode = false;
  let fmode = false;
  let fieldsHeight = 0;
  let text = "";
  const bytes: Uint8Array[] = [];
  tokens.forEach((token, i) => {
    const lit = splitLiteral(token);
    let value: string | Uint8Array | undefined;
    if (!lit.fstring) {
      if (lit.bytes) {
        if (/[^\x00-\x7f]/.test(lit.body)) throw pySyntaxError("bytes can only contain ASCII literal characters", ctx.line);
        value = lit.raw || !lit.body.includes("\\") ? Uint8Array.from(lit.body, (ch) => ch.charCodeAt(0)) : decodeBytesEscapes(lit.body, ctx.line);
      } else {
        value = lit.raw || !lit.body.includes("\\") ? lit.body : decodeStrEscapes(lit.body, ctx);
      }
    }
    if (i !== 0 && bytesMode !== lit.bytes) throw pySyntaxError("cannot mix bytes and nonbytes literals", ctx.line);
    bytesMode = lit.bytes;
    if (lit.fstring) {
      fmode = true;
      fieldsHeight = Math.max(fieldsHeight, new FstringParser(lit.body, lit.raw, ctx).concat(0));
    } else if (typeof value === "string") {
      text += value;
    } else if (value !== undefined) {
      bytes.push(value);
    }
  });
  if (bytesMode) {
    const out = new Uint8Array(bytes.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of bytes) {
      out.set(b, at);
      at += b.length;
    }
    return { kind: "bytes", value: out };
  }
  if (fmode) return { kind: "JoinedStr", height: heightOver(fieldsHeight) };
  return { kind: "str", value: text };
}
