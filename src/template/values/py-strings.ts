import { TemplateValueError } from "../errors.js";

// Python's str algorithms that JavaScript lacks or does differently: split() with no separator
// (runs of whitespace, no empty fields), maxsplit, strip() with a character set, title(),
// capitalize(). Shared by the string methods (`s.split()`) and the filters (`| split`).

const WS = " \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

export function isPyWhitespace(ch: string): boolean {
  return WS.includes(ch);
}

export function pySplit(s: string, sep: string | null | undefined, maxsplit = -1): string[] {
  if (sep === null || sep === undefined) {
    const out: string[] = [];
    let i = 0;
    while (i < s.length) {
      while (i < s.length && isPyWhitespace(s[i] ?? "")) i++;
      if (i >= s.length) break;
      if (maxsplit >= 0 && out.length === maxsplit) {
        let end = s.length;
        while (end > i && isPyWhitespace(s[end - 1] ?? "")) end--;
        out.push(s.slice(i, end));
        return out;
      }
      let j = i;
      while (j < s.length && !isPyWhitespace(s[j] ?? "")) j++;
      out.push(s.slice(i, j));
      i = j;
    }
    return out;
  }
  if (sep === "") throw new TemplateValueError("empty separator");
  const parts = s.split(sep);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(sep)];
}

export function pyRsplit(s: string, sep: string | null | undefined, maxsplit = -1): string[] {
  if (maxsplit < 0) return pySplit(s, sep, -1);
  if (sep === null || sep === undefined) {
    const out: string[] = [];
    let end = s.length;
    while (end > 0) {
      while (end > 0 && isPyWhitespace(s[end - 1] ?? "")) end--;
      if (end <= 0) break;
      if (out.length === maxsplit) {
        let start = 0;
        while (start < end && isPyWhitespace(s[start] ?? "")) start++;
        out.unshift(s.slice(start, end));
        return out;
      }
      let j = end;
      while (j > 0 && !isPyWhitespace(s[j - 1] ?? "")) j--;
      out.unshift(s.slice(j, end));
      end = j;
    }
    return out;
  }
  if (sep === "") throw new TemplateValueError("empty separator");
  const parts = s.split(sep);
  if (parts.length <= maxsplit + 1) return parts;
  const keep = parts.length - maxsplit;
  return [parts.slice(0, keep).join(sep), ...parts.slice(keep)];
}

function stripSet(chars: string | null | undefined): (ch: string) => boolean {
  if (chars === null || chars === undefined) return isPyWhitespace;
  return (ch) => chars.includes(ch);
}

export function pyStrip(s: string, chars?: string | null, left = true, right = true): string {
  const strip = stripSet(chars);
  let start = 0;
  let end = s.length;
  if (left) while (start < end && strip(s[start] ?? "")) start++;
  if (right) while (end > start && strip(s[end - 1] ?? "")) end--;
  return s.slice(start, end);
}

function isCased(ch: string): boolean {
  return ch.toLowerCase() !== ch.toUpperCase();
}

/** Python's str.title(): a cased character after an uncased one starts a word. */
export function pyTitle(s: string): string {
  let out = "";
  let prevCased = false;
  for (const ch of s) {
    if (isCased(ch)) {
      out += prevCased ? ch.toLowerCase() : ch.toUpperCase();
      prevCased = true;
    } else {
      out += ch;
      prevCased = false;
    }
  }
  return out;
}

export function pyCapitalize(s: string): string {
  const first = [...s][0];
  if (first === undefined) return s;
  return first.toUpperCase() + s.slice(first.length).toLowerCase();
}

export function pySplitlines(s: string, keepends: boolean): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    out.push(s.slice(last, keepends ? m.index + m[0].length : m.index));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}
