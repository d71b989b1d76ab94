import { pySyntaxError } from "./errors.js";

// Backslash escapes in str and bytes literals, decoded as CPython 3.11 decodes them
// (decode_unicode_with_escapes / _PyUnicode_DecodeUnicodeEscape, _PyBytes_DecodeEscape),
// errors and all. An unknown escape keeps its backslash ("\d" is two characters); CPython only
// warns about it.
//
// `\N{name}` needs the Unicode name database, which JavaScript does not have: a well-formed
// name is reported through `names` and decodes to U+FFFD, so that the caller can refuse the
// value instead of inventing one.

export interface EscapeContext {
  readonly line: number;
  /** Receives each \N{...} name whose character this decoder cannot know. */
  readonly names: string[];
}

const SIMPLE: Readonly<Record<string, string>> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  b: "\b",
  f: "\f",
  t: "\t",
  n: "\n",
  r: "\r",
  v: "\v",
  a: "\x07",
};

function isOctal(ch: string | undefined): ch is string {
  return ch !== undefined && ch >= "0" && ch <= "7";
}

function hexValue(ch: string | undefined): number {
  if (ch === undefined) return -1;
  const c = ch.charCodeAt(0);
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

// A Unicode character name only ever holds letters, digits, spaces and hyphens (the lookup
// ignores case); anything else is certainly unknown to Python too.
const NAME_SHAPE = /^[A-Za-z0-9 -]+$/;

/**
 * CPython first rewrites every non-ASCII character as a \UXXXXXXXX escape (and a backslash
 * before one as \u005c), then decodes that ASCII text; error positions count in it.
 */
function expandNonAscii(body: string): string {
  const cps = Array.from(body);
  let out = "";
  let k = 0;
  while (k < cps.length) {
    if (cps[k] === "\\") {
      out += "\\";
      k++;
      const next = cps[k];
      if (next === undefined || (next.codePointAt(0) ?? 0) >= 0x80) {
        out += "u005c";
        if (next === undefined) break;
      }
    }
    const ch = cps[k] ?? "";
    const cp = ch.codePointAt(0) ?? 0;
    out += cp >= 0x80 ? `\\U${cp.toString(16).padStart(8, "0")}` : ch;
    k++;
  }
  return out;
}

/** The value of a str literal's body (between the quotes) that is not raw. */
export function decodeStrEscapes(body: string, ctx: EscapeContext): string {
  const s = expandNonAscii(body);
  const end = s.length;
  let out = "";
  let i = 0;
  const fail = (start: number, stop: number, message: string): never => {
    throw pySyntaxError(`(unicode error) 'unicodeescape' codec can't decode bytes in position ${start}-${stop - 1}: ${message}`, ctx.line);
  };
  while (i < end) {
    const ch = s[i] ?? "";
    if (ch !== "\\") {
      // Only the \U escapes the expansion wrote stand for non-ASCII characters.
      out += ch;
      i++;
      continue;
    }
    const start = i;
    i++;
    if (i >= end) fail(start, end, "\\ at end of string");
    const c = s[i++] ?? "";
    if (c === "\n") continue;
    const simple = SIMPLE[c];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    if (isOctal(c)) {
      let value = c.charCodeAt(0) - 0x30;
      if (isOctal(s[i])) {
        value = value * 8 + (s.charCodeAt(i++) - 0x30);
        if (isOctal(s[i])) value = value * 8 + (s.charCodeAt(i++) - 0x30);
      }
      out += String.fromCodePoint(value);
      continue;
    }
    if (c === "x" || c === "u" || c === "U") {
      let count = c === "x" ? 2 : c === "u" ? 4 : 8;
      const message = c === "x" ? "truncated \\xXX escape" : c === "u" ? "truncated \\uXXXX escape" : "truncated \\UXXXXXXXX escape";
      let value = 0;
      for (; count > 0; i++, count--) {
        if (i >= end) fail(start, end, message);
        const digit = hexValue(s[i]);
        if (digit < 0) fail(start, i, message);
        value = value * 16 + digit;
      }
      if (value > 0x10ffff) fail(start, i, "illegal Unicode character");
      out += String.fromCodePoint(value);
      continue;
    }
    if (c === "N") {
      const malformed = "malformed \\N character escape";
      if (i >= end) fail(start, end, malformed);
      if (s[i] === "{") {
        const nameStart = ++i;
        while (i < end && s[i] !== "}") i++;
        if (i >= end) fail(start, end, malformed);
        const name = s.slice(nameStart, i);
        if (name.length > 0) {
          i++;
          if (!NAME_SHAPE.test(name)) fail(start, i, "unknown Unicode character name");
          ctx.names.push(name);
          out += "\ufffd";
          continue;
        }
      }
      fail(start, i, malformed);
    }
    out += `\\${c}`;
  }
  return out;
}

/** The value of a bytes literal's body (ASCII only) that is not raw. */
export function decodeBytesEscapes(body: string, line: number): Uint8Array {
  const end = body.length;
  const out: number[] = [];
  let i = 0;
  while (i < end) {
    const ch = body.charCodeAt(i);
    if (ch !== 0x5c) {
      out.push(ch);
      i++;
      continue;
    }
    i++;
    if (i >= end) throw pySyntaxError("(value error) Trailing \\ in string", line);
    const c = body[i++] ?? "";
    if (c === "\n") continue;
    const simple = SIMPLE[c];
    if (simple !== undefined) {
      out.push(simple.charCodeAt(0));
      continue;
    }
    if (isOctal(c)) {
      let value = c.charCodeAt(0) - 0x30;
      if (isOctal(body[i])) {
        value = value * 8 + (body.charCodeAt(i++) - 0x30);
        if (isOctal(body[i])) value = value * 8 + (body.charCodeAt(i++) - 0x30);
      }
      // CPython stores the value in a char: \777 is 0xff.
      out.push(value & 0xff);
      continue;
    }
    if (c === "x") {
      const hi = hexValue(body[i]);
      const lo = hexValue(body[i + 1]);
      if (i + 1 < end && hi >= 0 && lo >= 0) {
        out.push(hi * 16 + lo);
        i += 2;
        continue;
      }
      throw pySyntaxError(`(value error) invalid \\x escape at position ${i - 2}`, line);
    }
    out.push(0x5c);
    i--;
  }
  return Uint8Array.from(out);
}
