import { TemplateValueError } from "../errors.js";

// Python `re` patterns and replacement templates in JavaScript. Ansible's regex filters and
// tests take Python syntax: (?P<name>...), (?P=name), \A, \Z, inline (?i), `$` matching before a
// final newline, and `\1` / `\g<name>` in replacements (where JS would read `$1`). ASCII
// semantics for \d \w \s: JS's Unicode mode would reject escapes Python accepts (`\-`, `\ `).

export interface PyRegexFlags {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
}

export function translatePattern(pattern: string, flags: PyRegexFlags): { source: string; flags: string } {
  let f = "";
  let ignorecase = flags.ignorecase === true;
  let multiline = flags.multiline === true;
  let dotall = flags.dotall === true;
  let p = pattern;
  // Global inline flags, which Python only accepts at the start.
  for (let m = /^\(\?([aiLmsux]+)\)/.exec(p); m !== null; m = /^\(\?([aiLmsux]+)\)/.exec(p)) {
    const letters = m[1] ?? "";
    if (letters.includes("i")) ignorecase = true;
    if (letters.includes("m")) multiline = true;
    if (letters.includes("s")) dotall = true;
    p = p.slice(m[0].length);
  }
  let out = "";
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i] ?? "";
    if (c === "\\") {
      const n = p[i + 1] ?? "";
      i++;
      if (!inClass && n === "A") out += "(?<![\\s\\S])";
      else if (!inClass && n === "Z") out += "(?![\\s\\S])";
      else out += `\\${n}`;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += c;
      if (p[i + 1] === "^") out += p[++i];
      if (p[i + 1] === "]") out += `\\${p[++i]}`;
      continue;
    }
    if (c === "(" && p.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
      continue;
    }
    if (c === "(" && p.startsWith("(?P=", i)) {
      const end = p.indexOf(")", i);
      if (end < 0) throw new TemplateValueError(`invalid group reference in '${pattern}'`);
      out += `\\k<${p.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    // Python's `$` without MULTILINE also matches just before a trailing newline.
    if (c === "$" && !multiline) {
      out += "(?=\\n?(?![\\s\\S]))";
      continue;
    }
    out += c;
  }
  if (ignorecase) f += "i";
  if (multiline) f += "m";
  if (dotall) f += "s";
  return { source: out, flags: f };
}

export function compilePyRegex(pattern: string, flags: PyRegexFlags = {}, global = false): RegExp {
  const t = translatePattern(pattern, flags);
  try {
    return new RegExp(t.source, t.flags + (global ? "g" : ""));
  } catch (e) {
    throw new TemplateValueError(`invalid regular expression '${pattern}': ${(e as Error).message}`);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", a: "\x07", b: "\b", "\\": "\\" };

/** Expands a Python replacement template (`\1`, `\g<name>`, `\n`) for one match. */
export function expandReplacement(template: string, match: RegExpExecArray): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i] ?? "";
    if (c !== "\\") {
      out += c;
      continue;
    }
    const n = template[i + 1] ?? "";
    if (n === "g" && template[i + 2] === "<") {
      const end = template.indexOf(">", i);
      if (end < 0) throw new TemplateValueError("missing >, unterminated name");
      const ref = template.slice(i + 3, end);
      const value = /^\d+$/.test(ref) ? match[Number(ref)] : match.groups?.[ref];
      if (!/^\d+$/.test(ref) && (match.groups === undefined || !(ref in match.groups))) {
        throw new TemplateValueError(`unknown group name '${ref}'`);
      }
      out += value ?? "";
      i = end;
    } else if (/[0-9]/.test(n)) {
      let digits = n;
      if (/[0-9]/.test(template[i + 2] ?? "")) digits += template[i + 2];
      if (Number(digits) >= match.length && digits.length === 2) digits = n;
      const idx = Number(digits);
      if (idx >= match.length) throw new TemplateValueError(`invalid group reference ${idx}`);
      out += match[idx] ?? "";
      i += digits.length;
    } else if (Object.hasOwn(SIMPLE_ESCAPES, n)) {
      out += SIMPLE_ESCAPES[n];
      i++;
    } else if (/[A-Za-z]/.test(n)) {
      throw new TemplateValueError(`bad escape \\${n}`);
    } else {
      out += `\\${n}`;
      i++;
    }
  }
  return out;
}

/** Python's re.subn(). count 0 replaces all. Empty matches behave as in Python 3.7+ (and JS). */
export function pySub(re: RegExp, replacement: string, text: string, count = 0): { output: string; subs: number } {
  const global = new RegExp(re.source, re.flags.includes("g") ? re.flags : `${re.flags}g`);
  let subs = 0;
  const output = text.replace(global, (...args: unknown[]) => {
    const whole = String(args[0]);
    if (count > 0 && subs >= count) return whole;
    subs++;
    const hasNamed = typeof args[args.length - 1] === "object" && args[args.length - 1] !== null;
    const groupCount = args.length - (hasNamed ? 3 : 2);
    const m = args.slice(0, groupCount) as (string | undefined)[] & { groups?: Record<string, string | undefined> };
    if (hasNamed) m.groups = args[args.length - 1] as Record<string, string | undefined>;
    return expandReplacement(replacement, m as unknown as RegExpExecArray);
  });
  return { output, subs };
}

/** Python's re.escape (3.7+: only characters special in patterns). */
export function pyReEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => {
    switch (c) {
      case "\t":
        return "\\\t";
      case "\n":
        return "\\\n";
      default:
        return `\\${c}`;
    }
  });
}
