import { shellQuote } from "../../remote/quote.js";
import { FilterError } from "../errors.js";
import { pyRsplit, pyCapitalize, pySplit, pySplitlines, pyStrip } from "../values/py-strings.js";
import { percentFormat } from "../values/printf.js";
import { formatFixed } from "../values/number-format.js";
import { tuple } from "../values/tagged.js";
import { flag, int, num, optionalText, text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// String filters: Jinja2's (lower, upper, capitalize, title, replace, trim, center, indent,
// truncate, format, wordcount, escape, urlencode, filesizeformat) and Ansible's (split, quote,
// comment), each following its Python implementation.

/** Jinja2's do_indent, including its trailing-newline quirk. */
function indent(s: string, width: unknown, first: boolean, blank: boolean): string {
  const indention = typeof width === "string" ? width : " ".repeat(int("indent", width, 4, "width"));
  const lines = pySplitlines(`${s}\n`, false);
  let rv: string;
  if (blank) {
    rv = lines.join(`\n${indention}`);
  } else {
    rv = lines.shift() ?? "";
    if (lines.length > 0) rv += `\n${lines.map((line) => (line ? indention + line : line)).join("\n")}`;
  }
  return first ? indention + rv : rv;
}

/** Ansible's comment filter (plugins/filter/core.py). */
function comment(textIn: string, style: string, kw: Readonly<Record<string, unknown>>): string {
  const styles: Record<string, Record<string, string>> = {
    plain: { decoration: "# " },
    erlang: { decoration: "% " },
    c: { decoration: "// " },
    cblock: { beginning: "/*", decoration: " * ", end: " */" },
    xml: { beginning: "<!--", decoration: " - ", end: "-->" },
  };
  const styleParams = styles[style];
  if (styleParams === undefined) throw new FilterError("comment", `Invalid style '${style}'.`);
  const prepostfix = kw.decoration !== undefined ? text(kw.decoration) : (styleParams.decoration ?? "");
  const p: Record<string, unknown> = {
    newline: "\n",
    beginning: "",
    prefix: prepostfix.replace(/\s+$/, ""),
    prefix_count: 1,
    decoration: "",
    postfix: prepostfix.replace(/\s+$/, ""),
    postfix_count: 1,
    end: "",
    ...styleParams,
    ...kw,
  };
  const newline = text(p.newline);
  const decoration = text(p.decoration);
  const prefix = text(p.prefix);
  const strBeginning = text(p.beginning) ? `${text(p.beginning)}${newline}` : "";
  let strPrefix = "";
  if (prefix) {
    const count = int("comment", p.prefix_count, 1, "prefix_count");
    strPrefix = (prefix !== newline ? `${prefix}${newline}` : newline).repeat(count);
  }
  const strText = `${decoration}${textIn.split(newline).join(`${newline}${decoration}`)}`
    .split(`${decoration}${newline}`)
    .join(`${decoration.replace(/\s+$/, "")}${newline}`);
  const postfixCount = int("comment", p.postfix_count, 1, "postfix_count");
  const strPostfix = ["", ...Array<string>(postfixCount).fill(text(p.postfix))].join(newline);
  const strEnd = text(p.end) ? `${newline}${text(p.end)}` : "";
  return `${strBeginning}${strPrefix}${strText}${strPostfix}${strEnd}`;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;" };

/** markupsafe.escape of str(value). */
export function htmlEscape(v: unknown): string {
  return text(v).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Python's urllib.parse.quote (UTF-8, `safe` kept). */
function urlQuote(s: string, safe: string): string {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~-]/.test(c) || safe.includes(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function titleCase(s: string): string {
  return s
    .split(/([-\s({[<]+)/)
    .filter((item) => item !== "")
    .map((item) => (item[0] ?? "").toUpperCase() + item.slice(1).toLowerCase())
    .join("");
}

export const stringFilters: FilterTable = {
  lower: defineFilter([], (v) => text(v).toLowerCase()),
  upper: defineFilter([], (v) => text(v).toUpperCase()),
  capitalize: defineFilter([], (v) => pyCapitalize(text(v))),
  title: defineFilter([], (v) => titleCase(text(v))),
  replace: defineFilter(["old", "new", "count"], (v, [oldV, newV, countV]) => {
    const s = text(v);
    const old = text(oldV);
    const rep = text(newV);
    let count = countV === undefined || countV === null ? -1 : int("replace", countV, -1, "count");
    if (old === "") {
      // Python inserts `new` before each character and at the end, up to count times.
      const chars = [...s];
      const n = count < 0 ? chars.length + 1 : Math.min(count, chars.length + 1);
      return chars.map((c, i) => (i < n ? rep + c : c)).join("") + (n > chars.length ? rep : "");
    }
    let out = "";
    let rest = s;
    for (let at = rest.indexOf(old); at >= 0 && count !== 0; at = rest.indexOf(old), count--) {
      out += rest.slice(0, at) + rep;
      rest = rest.slice(at + old.length);
    }
    return out + rest;
  }),
  trim: defineFilter(["chars"], (v, [chars]) => pyStrip(text(v), chars === undefined || chars === null ? null : text(chars))),
  center: defineFilter(["width"], (v, [width]) => {
    const s = text(v);
    const w = int("center", width, 80, "width");
    const len = [...s].length;
    if (w <= len) return s;
    const room = w - len;
    const left = Math.floor(room / 2) + (room & w & 1);
    return " ".repeat(left) + s + " ".repeat(room - left);
  }),
  indent: defineFilter(["width", "first", "blank"], (v, [width, first, blank]) => indent(text(v), width, flag(first), flag(blank))),
  truncate: defineFilter(["length", "killwords", "end", "leeway"], (v, [length, killwords, end, leeway]) => {
    const s = text(v);
    const len = int("truncate", length, 255, "length");
    const tail = optionalText(end, "...");
    const lee = int("truncate", leeway, 5, "leeway");
    if ([...s].length <= len + lee) return s;
    if (flag(killwords)) return s.slice(0, len - tail.length) + tail;
    const head = s.slice(0, len - tail.length);
    const space = head.lastIndexOf(" ");
    return (space < 0 ? head : head.slice(0, space)) + tail;
  }),
  wordcount: defineFilter([], (v) => (text(v).match(/\w+/gu) ?? []).length),
  format: defineFilter(["*args", "**kwargs"], (v, [args, kwargs]) => {
    const positional = args as unknown[];
    const named = kwargs as Record<string, unknown>;
    if (positional.length > 0 && Object.keys(named).length > 0) {
      throw new FilterError("format", "can't handle positional and keyword arguments at the same time");
    }
    return percentFormat(text(v), Object.keys(named).length > 0 ? named : tuple([...positional]));
  }),
  split: defineFilter(["sep", "maxsplit"], (v, [sep, max]) =>
    pySplit(text(v), sep === undefined || sep === null ? null : text(sep), int("split", max, -1, "maxsplit")),
  ),
  rsplit: defineFilter(["sep", "maxsplit"], (v, [sep, max]) =>
    pyRsplit(text(v), sep === undefined || sep === null ? null : text(sep), int("rsplit", max, -1, "maxsplit")),
  ),
  quote: defineFilter([], (v) => shellQuote(v === null ? "" : text(v))),
  comment: defineFilter(["style", "**kw"], (v, [style, kw]) =>
    comment(text(v), optionalText(style, "plain"), kw as Readonly<Record<string, unknown>>),
  ),
  escape: defineFilter([], htmlEscape),
  e: defineFilter([], htmlEscape),
  forceescape: defineFilter([], htmlEscape),
  safe: defineFilter([], (v) => v),
  urlencode: defineFilter([], (v) => {
    if (typeof v === "string") return urlQuote(v, "/");
    if (v !== null && typeof v === "object") {
      const pairs = Array.isArray(v) ? (v as unknown[][]) : Object.entries(v);
      return pairs.map(([k, val]) => `${urlQuote(text(k), "").replace(/%20/g, "+")}=${urlQuote(text(val), "").replace(/%20/g, "+")}`).join("&");
    }
    return urlQuote(text(v), "/");
  }),
  filesizeformat: defineFilter(["binary"], (v, [binary]) => {
    const bytes = num("filesizeformat", v);
    const bin = flag(binary);
    const base = bin ? 1024 : 1000;
    const prefixes = bin ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
    if (bytes === 1) return "1 Byte";
    if (bytes < base) return `${Math.trunc(bytes)} Bytes`;
    let unit = base;
    let prefix = prefixes[0] ?? "";
    for (let i = 0; i < prefixes.length; i++) {
      unit = base ** (i + 2);
      prefix = prefixes[i] ?? "";
      if (bytes < unit) break;
    }
    return `${formatFixed((base * bytes) / unit, 1)} ${prefix}`;
  }),
};
