import { ModuleError } from "./contract.js";

/**
 * Python's `re` syntax, as Ansible's regexp/insertafter/search_regex arguments are written,
 * translated to an equivalent JavaScript RegExp. The translation is exact where the dialects
 * differ in ways that matter for line editing:
 *
 * - `$` matches at the end or before a final "\n" (Python), not only at the very end (JS);
 *   with (?m) it matches before every "\n" only (JS would also stop before "\r").
 * - `.` never matches "\n" only (JS also excludes "\r", U+2028, U+2029); with (?s) it matches all.
 * - `\A`, `\Z`, `(?P<name>...)`, `(?P=name)`, `(?#...)`, `{,n}`, global inline flags
 *   (`(?imsx)`, verbose mode included) are rewritten.
 *
 * What JavaScript cannot express (scoped flags `(?i:...)`, conditionals, atomic groups,
 * possessive quantifiers) fails with a message instead of silently matching something else.
 * The resulting RegExp never uses JS's `m` flag (anchors are rewritten instead) and is not global.
 */
export function pyRegex(pattern: string, opts: { multiline?: boolean; what?: string } = {}): RegExp {
  const what = opts.what ?? "regular expression";
  try {
    const { source, flags } = translate(pattern, opts.multiline ?? false);
    return new RegExp(source, flags);
  } catch (err) {
    if (err instanceof ModuleError) throw err;
    throw new ModuleError(`invalid ${what} ${JSON.stringify(pattern)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export interface PyFlags {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
}

function unsupported(what: string): never {
  throw new ModuleError(`${what} is Python regex syntax that JavaScript cannot express; rewrite the expression without it`);
}

/** Global inline flags anywhere in the pattern apply to all of it (Python < 3.11 semantics; 3.11 requires them first). */
export function pyInlineFlags(pattern: string, multiline = false): PyFlags {
  const f: PyFlags = { i: false, m: multiline, s: false, x: false };
  for (const m of pattern.matchAll(/\(\?([aiLmsux]+)\)/g)) {
    // Only when the "(" is not escaped: count the backslashes before it.
    const before = pattern.slice(0, m.index).match(/\\*$/)?.[0].length ?? 0;
    if (before % 2 === 1) continue;
    for (const c of m[1] ?? "") {
      if (c === "i" || c === "m" || c === "s" || c === "x") f[c] = true;
      else if (c === "L") unsupported("(?L)");
    }
  }
  return f;
}

function translate(pattern: string, multiline: boolean): { source: string; flags: string } {
  const f = pyInlineFlags(pattern, multiline);
  let out = "";
  let inClass = false;
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const e = pattern[i + 1];
      if (e === undefined) throw new Error("a trailing backslash");
      if (!inClass && e === "A") out += "^";
      else if (!inClass && e === "Z") out += "$";
      else if (e === "U") {
        const hex = pattern.slice(i + 2, i + 10);
        if (!/^[0-9a-fA-F]{8}$/.test(hex)) throw new Error("\\U needs eight hex digits");
        out += escapeLiteral(String.fromCodePoint(Number.parseInt(hex, 16)));
        i += 10;
        continue;
      } else out += `\\${e}`;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      i++;
      continue;
    }
    if (f.x && /\s/.test(c)) {
      i++;
      continue;
    }
    if (f.x && c === "#") {
      while (i < n && pattern[i] !== "\n") i++;
      continue;
    }
    switch (c) {
      case "[": {
        inClass = true;
        out += c;
        i++;
        // A "]" right after "[" or "[^" is a literal in Python; JS would read "[]" as an empty class.
        if (pattern[i] === "^") {
          out += "^";
          i++;
        }
        if (pattern[i] === "]") {
          out += "\\]";
          i++;
        }
        continue;
      }
      case ".":
        out += f.s ? "[\\s\\S]" : "[^\\n]";
        i++;
        continue;
      case "^":
        out += f.m ? "(?:^|(?<=\\n))" : "^";
        i++;
        continue;
      case "$":
        out += f.m ? "(?=\\n|$)" : "(?=\\n?$)";
        i++;
        continue;
      case "{": {
        const q = /^\{,(\d*)\}/.exec(pattern.slice(i));
        if (q) {
          out += `{0,${q[1]}}`;
          i += q[0].length;
          continue;
        }
        out += c;
        i++;
        continue;
      }
      case "*":
      case "+":
      case "?":
      case "}":
        if (pattern[i + 1] === "+" && (c !== "}" || /\{\d*,?\d*$/.test(out))) unsupported(`the possessive quantifier "${c}+"`);
        out += c;
        i++;
        continue;
      case "(": {
        if (pattern[i + 1] !== "?") {
          out += c;
          i++;
          continue;
        }
        const rest = pattern.slice(i + 2);
        const flagsOnly = /^[aiLmsux]+\)/.exec(rest);
        if (flagsOnly) {
          i += 2 + flagsOnly[0].length; // applied globally above
          continue;
        }
        if (/^[aiLmsux-]+:/.test(rest)) unsupported("a scoped inline flag group such as (?i:...)");
        if (rest.startsWith("#")) {
          const close = pattern.indexOf(")", i);
          if (close < 0) throw new Error("an unterminated comment");
          i = close + 1;
          continue;
        }
        const named = /^P<([A-Za-z_]\w*)>/.exec(rest);
        if (named) {
          out += `(?<${named[1]}>`;
          i += 2 + named[0].length;
          continue;
        }
        const ref = /^P=([A-Za-z_]\w*)\)/.exec(rest);
        if (ref) {
          out += `\\k<${ref[1]}>`;
          i += 2 + ref[0].length;
          continue;
        }
        if (rest.startsWith("(")) unsupported("a conditional group (?(...)...)");
        if (rest.startsWith(">")) unsupported("an atomic group (?>...)");
        // (?:, (?=, (?!, (?<=, (?<! are the same in both dialects.
        out += "(?";
        i += 2;
        continue;
      }
      default:
        out += c;
        i++;
    }
  }
  if (inClass) throw new Error("an unterminated character set");
  return { source: out, flags: `${f.i ? "i" : ""}` };
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/**
 * Python's `Match.expand(template)`: `\1`..`\99`, `\g<n>`, `\g<name>` insert groups (an unmatched
 * group inserts ""), `\n`, `\t`, `\\` and friends are escapes, and other backslashes stay as they
 * are. Ansible's `backrefs: true` builds the line this way.
 */
export function pyExpand(template: string, m: RegExpExecArray): string {
  const group = (ref: string): string => {
    if (/^\d+$/.test(ref)) {
      const k = Number(ref);
      if (k >= m.length) throw new ModuleError(`invalid group reference ${k} in ${JSON.stringify(template)}: the regexp has ${m.length - 1} group(s)`);
      return m[k] ?? "";
    }
    const groups = m.groups ?? {};
    if (!(ref in groups)) throw new ModuleError(`unknown group name ${JSON.stringify(ref)} in ${JSON.stringify(template)}`);
    return groups[ref] ?? "";
  };
  const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", f: "\f", v: "\v", a: "\x07", b: "\b", "\\": "\\" };
  let out = "";
  let i = 0;
  while (i < template.length) {
    const c = template[i] as string;
    if (c !== "\\") {
      out += c;
      i++;
      continue;
    }
    const e = template[i + 1];
    if (e === undefined) throw new ModuleError(`a trailing backslash in ${JSON.stringify(template)}`);
    if (e === "g") {
      const g = /^<([^>]*)>/.exec(template.slice(i + 2));
      if (!g) throw new ModuleError(`missing <name> after \\g in ${JSON.stringify(template)}`);
      out += group(g[1] ?? "");
      i += 2 + g[0].length;
      continue;
    }
    const octal = /^(0[0-7]{0,2}|[0-7]{3})/.exec(template.slice(i + 1));
    if (octal && (e === "0" || octal[0].length === 3)) {
      out += String.fromCharCode(Number.parseInt(octal[0], 8));
      i += 1 + octal[0].length;
      continue;
    }
    if (/\d/.test(e)) {
      const d = /^\d\d?/.exec(template.slice(i + 1))?.[0] ?? e;
      out += group(d);
      i += 1 + d.length;
      continue;
    }
    const s = simple[e];
    if (s !== undefined) out += s;
    else if (/[A-Za-z]/.test(e)) throw new ModuleError(`bad escape \\${e} in ${JSON.stringify(template)}`);
    else out += `\\${e}`;
    i += 2;
  }
  return out;
}
