import { ConfigError } from "../runner/errors.js";

/*
 * ansible-core 2.14's parse_kv (ansible/parsing/splitter.py), which ansible-playbook applies to an
 * `-e key=value ...` argument: the text is split on spaces, but a `{{ }}`, `{% %}` or `{# #}`
 * block and a quoted string stay one piece even when they hold spaces, so
 * `-e 'msg={{ a | default("x y") }} n=2'` gives two variables. Each piece's backslash escapes are
 * decoded, it is cut at its first unescaped `=` (not at its first character), and the value is
 * stripped and unquoted. Values stay strings.
 */

/** An `-e` text that Ansible would not take as key=value pairs: named, with why. */
export class KeyValueSyntaxError extends ConfigError {
  constructor(
    readonly text: string,
    readonly problem: string,
  ) {
    super(`--extra-vars ${JSON.stringify(text)}: ${problem}`);
  }
}

export function parseKeyValues(text: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const piece of splitArgs(text)) {
    const x = decodeEscapes(piece, text);
    const pos = unescapedEquals(x);
    // Ansible keeps such a piece as `_raw_params`, a variable no play means to set: a mistake.
    if (pos === undefined) throw new KeyValueSyntaxError(text, `${JSON.stringify(piece)} is not key=value`);
    Object.defineProperty(options, pyStrip(x.slice(0, pos)), { value: unquote(pyStrip(x.slice(pos + 1))), enumerable: true, writable: true, configurable: true });
  }
  return options;
}

/** The first `=` after the first character that no backslash escapes, as parse_kv looks for it. */
function unescapedEquals(x: string): number | undefined {
  let pos = 0;
  for (;;) {
    pos = x.indexOf("=", pos + 1);
    if (pos < 0) return undefined;
    if (x[pos - 1] !== "\\") return pos;
  }
}

function unquote(data: string): string {
  const quoted = data.length > 1 && data[0] === data[data.length - 1] && (data[0] === '"' || data[0] === "'") && data[data.length - 2] !== "\\";
  return quoted ? data.slice(1, -1) : data;
}

// Python's str.strip(): the characters str.isspace() accepts (JavaScript's trim differs on a few).
const PY_SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const PY_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, "g");
function pyStrip(s: string): string {
  return s.replace(PY_STRIP, "");
}

const ESCAPE = /\\U[a-fA-F0-9]{8}|\\u[a-fA-F0-9]{4}|\\x[a-fA-F0-9]{2}|\\N\{[^}]+\}|\\[\\'"abfnrtv]/g;
const SINGLE: Readonly<Record<string, string>> = { "\\": "\\", "'": "'", '"': '"', a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v" };

/** parse_kv's _decode_escapes: Python's unicode-escape codec applied to each escape sequence alone. */
function decodeEscapes(s: string, text: string): string {
  return s.replace(ESCAPE, (m) => {
    const kind = m[1] ?? "";
    if (kind === "N") throw new KeyValueSyntaxError(text, `the escape ${m} (a Unicode character by name) is not supported: write the character itself`);
    if (kind === "U" || kind === "u" || kind === "x") {
      const code = Number.parseInt(m.slice(2), 16);
      // Python refuses such an escape too (UnicodeDecodeError), with a traceback.
      if (code > 0x10ffff) throw new KeyValueSyntaxError(text, `the escape ${m} is not a Unicode code point`);
      return String.fromCodePoint(code);
    }
    return SINGLE[kind] ?? m;
  });
}

/** What quote a piece leaves open, given the one open before it (splitter.py's _get_quote_state). */
function quoteState(token: string, open: string | undefined): string | undefined {
  let quote = open;
  for (let i = 0; i < token.length; i++) {
    const c = token[i];
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== "\\")) {
      if (quote === undefined) quote = c;
      else if (c === quote) quote = undefined;
    }
  }
  return quote;
}

function count(s: string, sub: string): number {
  return s.split(sub).length - 1;
}

function depthAfter(token: string, depth: number, open: string, close: string): number {
  const opened = count(token, open);
  const closed = count(token, close);
  return opened === closed ? depth : Math.max(0, depth + opened - closed);
}

/** splitter.py's split_args, step for step: its quirks (spacing, newlines, `\` continuations) are Ansible's. */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const lastOf = (): number => {
    // Python's params[-1] on an empty list: parse_kv reports "Unable to parse argument string".
    if (params.length === 0) throw new KeyValueSyntaxError(args, "Ansible cannot split it: blank space or a line break before its first key=value");
    return params.length - 1;
  };
  const items = args.split("\n");
  let quote: string | undefined;
  let insideQuotes = false;
  let printDepth = 0;
  let blockDepth = 0;
  let commentDepth = 0;
  items.forEach((item, itemIdx) => {
    const tokens = item.split(" ");
    let lineContinuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) {
        params[lastOf()] += " ";
        return;
      }
      if (token === "\\" && !insideQuotes) {
        lineContinuation = true;
        return;
      }
      const wasInsideQuotes = insideQuotes;
      quote = quoteState(token, quote);
      insideQuotes = quote !== undefined;
      const inBlock = printDepth > 0 || blockDepth > 0 || commentDepth > 0;
      let appended = false;
      if (insideQuotes && !wasInsideQuotes && !inBlock) {
        params.push(token);
        appended = true;
      } else if (inBlock || insideQuotes || wasInsideQuotes) {
        const last = lastOf();
        if (idx === 0 && wasInsideQuotes) params[last] = `${params[last]}${token}`;
        else if (tokens.length > 1) params[last] = `${params[last]}${idx > 0 ? " " : ""}${token}`;
        else params[last] = `${params[last]}\n${token}`;
        appended = true;
      }
      for (const [open, close, which] of [
        ["{{", "}}", "print"],
        ["{%", "%}", "block"],
        ["{#", "#}", "comment"],
      ] as const) {
        const before = which === "print" ? printDepth : which === "block" ? blockDepth : commentDepth;
        const after = depthAfter(token, before, open, close);
        if (which === "print") printDepth = after;
        else if (which === "block") blockDepth = after;
        else commentDepth = after;
        if (after !== before && !appended) {
          params.push(token);
          appended = true;
        }
      }
      if (printDepth === 0 && blockDepth === 0 && commentDepth === 0 && !insideQuotes && !appended && token !== "") params.push(token);
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !lineContinuation) params[lastOf()] += "\n";
  });
  if (printDepth > 0 || blockDepth > 0 || commentDepth > 0 || insideQuotes) {
    throw new KeyValueSyntaxError(args, "an unbalanced jinja2 block or quotes (Ansible: failed at splitting arguments)");
  }
  return params;
}
