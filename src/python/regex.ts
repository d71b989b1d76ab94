// Python's `re` in JavaScript: patterns, replacement templates, re.sub and re.escape as CPython
// (3.11) has them, for both layers that take Ansible's regular expressions — the template engine's
// regex filters and tests (str patterns) and the line-editing modules and wait_for (bytes
// patterns: Ansible compiles `to_bytes(regexp)`).
//
// The pattern is parsed the way CPython's re/_parser.py parses it and rewritten to an equivalent
// JavaScript RegExp (Unicode-sets mode, flag `v`, so `.` and classes work on code points as
// Python's do). Exact where the dialects differ:
//
// - `$` matches at the end or before a final "\n"; with MULTILINE before every "\n" only (JS's
//   multiline `$` also stops before "\r", U+2028, U+2029). `^` likewise. `\A`, `\Z` are the very
//   start and end. The RegExp never uses JS's `m` or `s` flags: anchors and `.` are rewritten.
// - `.` excludes only "\n" (JS also excludes "\r", U+2028, U+2029); DOTALL includes it.
// - str patterns: `\d` is any Unicode decimal digit, `\w` any letter, digit or "_", `\s` Python's
//   whitespace, and `\b` `\B` follow `\w`; bytes patterns and (?a) make them ASCII.
// - `(?P<name>...)`, `(?P=name)`, `(?#...)`, `{,n}`, `\a`, octal escapes, verbose mode, leading
//   global flags and scoped `(?msx-msx:...)` groups are rewritten; `{`, `}` and `]` that are not
//   syntax are literals; an escaped character JS would reject (`\-`, `\ `) is its literal.
// - What Python rejects fails with Python's message: bad escapes (`\q`), references to missing
//   or open groups, global flags not at the start, variable-width look-behind, and so on.
//
// What JavaScript cannot express — scoped case-insensitivity `(?i:...)`, conditionals
// `(?(1)...)`, atomic groups `(?>...)`, possessive quantifiers `a*+`, `\N{name}` — fails with a
// message instead of silently matching something else.
//
// Search with pySearch and scan with pyFindIter (re.findall, re.sub): they add Python's retry
// after an empty match and skip V8's bogus matches inside surrogate pairs.
//
// Known differences that remain (checked against CPython 3.11 by differential testing):
// - A backreference to a group that did not take part in the match fails in Python and matches
//   the empty string in JavaScript: `(a)|\1`, `(")?x\1` ("x" matches here, not in Python).
// - Bytes patterns run on decoded text, so `.`, `[^...]` and a quantified non-ASCII literal take
//   a whole non-ASCII character where Python takes one byte of it. Exact on ASCII text.
// - IGNORECASE uses JavaScript's Unicode case folding. That agrees with Python for str patterns,
//   but Python folds only ASCII letters in bytes patterns and under (?a) (there, "é" matches "É"
//   and "s" matches "ſ" in JavaScript but not in Python).

/** Python's `re.error` (and the errors of the translation). Callers wrap it in their own error types. */
export class PyRegexError extends Error {
  /** What is wrong, in Python's words where Python rejects it too, e.g. "bad escape \\q". */
  readonly reason: string;
  /** The pattern, or the replacement template, at fault. */
  readonly text: string;
  readonly kind: "pattern" | "replacement";

  constructor(reason: string, text: string, kind: "pattern" | "replacement") {
    super(`invalid ${kind === "pattern" ? "regular expression" : "replacement"} ${JSON.stringify(text)}: ${reason}`);
    this.name = "PyRegexError";
    this.reason = reason;
    this.text = text;
    this.kind = kind;
  }
}

export interface PyRegexOptions {
  /** re.IGNORECASE */
  ignorecase?: boolean;
  /** re.MULTILINE */
  multiline?: boolean;
  /** re.DOTALL */
  dotall?: boolean;
  /**
   * The pattern is bytes, as Ansible's lineinfile, blockinfile and wait_for compile it: `\d` `\w`
   * `\s` `\b` are ASCII-only, `\u` `\U` `\N` are bad escapes, (?L) is accepted and (?u) is not.
   */
  bytes?: boolean;
  /**
   * What the RegExp does from its lastIndex: search (the default) like re.search; match (sticky)
   * like re.match; fullmatch (sticky and anchored at the end) like re.fullmatch.
   */
  mode?: "search" | "match" | "fullmatch";
}

/** The flags a pattern is compiled with: the options and its leading global inline flags. */
export interface PyRegexFlags {
  ignorecase: boolean;
  multiline: boolean;
  dotall: boolean;
  verbose: boolean;
  /** \d \w \s \b are ASCII-only: (?a), or a bytes pattern. */
  ascii: boolean;
}

export interface TranslatedPyRegex {
  /** JavaScript RegExp source and flags (always `v`; `i` and `y` as needed). */
  source: string;
  flags: string;
  /** The pattern's global flags, as Python's `Pattern.flags` would report them. */
  pyFlags: PyRegexFlags;
  /** Number of capturing groups (Python's `Pattern.groups`). */
  groups: number;
  /**
   * The pattern has an alternation or a lazy quantifier, so at one position it may prefer an
   * empty match to a non-empty one (re.sub / re.findall then need Python's retry; see pyFindIter).
   */
  mayPreferEmpty: boolean;
}

/** Translates a Python pattern; throws PyRegexError where Python (or JavaScript) cannot compile it. */
export function translatePyRegex(pattern: string, options: PyRegexOptions = {}): TranslatedPyRegex {
  const t = new Translator(pattern, options);
  const body = t.run();
  const mode = options.mode ?? "search";
  const source = mode === "fullmatch" ? `(?:${body})$` : body;
  const flags = `${t.global.ignorecase ? "i" : ""}${mode === "search" ? "" : "y"}v`;
  return { source, flags, pyFlags: t.global, groups: t.groupWidths.length - 1, mayPreferEmpty: t.mayPreferEmpty };
}

/** What pyFindIter needs to know about a RegExp from compilePyRegex. */
const preferEmpty = new WeakSet<RegExp>();

/**
 * Python's `re.compile(pattern, flags)` as a JavaScript RegExp (never global). Search it with
 * pySearch and scan it with pyFindIter rather than exec/matchAll: V8 can report a zero-width
 * match between the two halves of a surrogate pair (a position Python does not have), which
 * those skip. Match indexes are JavaScript's (UTF-16 code units).
 */
export function compilePyRegex(pattern: string, options: PyRegexOptions = {}): RegExp {
  const { source, flags, mayPreferEmpty } = translatePyRegex(pattern, options);
  try {
    const re = new RegExp(source, flags);
    if (mayPreferEmpty) preferEmpty.add(re);
    return re;
  } catch (err) {
    // The translation should only produce valid JavaScript; if it does not, say what JS objects to.
    const detail = err instanceof Error ? err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "") : String(err);
    throw new PyRegexError(detail, pattern, "pattern");
  }
}

/** The global flags a pattern compiles with (blockinfile searches the whole file when they include MULTILINE). */
export function pyRegexFlags(pattern: string, options: PyRegexOptions = {}): PyRegexFlags {
  return translatePyRegex(pattern, options).pyFlags;
}

// ---------------------------------------------------------------------------------------------
// Pattern translation: a port of CPython's re/_parser.py (_parse_sub, _parse, _escape,
// _class_escape, _parse_flags) that writes JavaScript instead of an opcode list.

const MAXREPEAT = 4294967295;
const WHITESPACE = " \t\n\r\v\f";
const DIGITS = "0123456789";
const OCTDIGITS = "01234567";
const HEXDIGITS = "0123456789abcdefABCDEF";
const ASCIILETTERS = /^[A-Za-z]$/;
const FLAG_LETTERS = "aiLmsux";

/** Python's str whitespace (str.isspace), which JavaScript's \s does not quite equal. */
const PY_SPACE = "\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const ASCII_SPACE = "\\t-\\r\\x20";
/** Python's str \w: letters, digits (any Unicode number) and "_" — exactly categories L*, N* and "_". */
const PY_WORD = "\\p{L}\\p{N}_";

/** Escapes one character for use outside a class in a `v`-mode RegExp. */
function litOut(ch: string): string {
  if ("^$\\.*+?()[]{}|/".includes(ch)) return `\\${ch}`;
  return controlEscape(ch) ?? ch;
}

/** Escapes one character for use inside a class in a `v`-mode RegExp (every ASCII punctuator that may be escaped is). */
function litIn(ch: string): string {
  if (/^[!#$%&()*+,\-./:;<=>?@[\\\]^`{|}~]$/.test(ch)) return `\\${ch}`;
  return controlEscape(ch) ?? ch;
}

function controlEscape(ch: string): string | undefined {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || cp === 0x7f) return `\\x${cp.toString(16).padStart(2, "0")}`;
  return undefined;
}

function unsupported(what: string): string {
  return `${what} is Python regex syntax that JavaScript cannot express; rewrite the expression without it`;
}

interface Scope {
  i: boolean;
  m: boolean;
  s: boolean;
  x: boolean;
  a: boolean;
}

type Width = readonly [number, number];

/** The last item of the current branch, which a quantifier would repeat. */
type Last =
  | { kind: "none" }
  | { kind: "at" } // ^ $ \A \Z \b \B: Python will not repeat them
  | { kind: "repeat" } // already quantified
  | { kind: "item"; start: number; width: Width; lookaround: boolean };

interface Frame {
  kind: "top" | "group" | "lookahead" | "lookbehind";
  /** Capturing group number, or 0. */
  group: number;
  /** Where the group's text starts in the output. */
  start: number;
  /** Flags in force outside the group, restored at its ")". */
  outer: Scope;
  /** Width of the branch so far (items before `last`), and over the finished branches. */
  width: [number, number];
  alts: [number, number] | undefined;
  branches: number;
  items: number;
  last: Last;
  /** A look-behind that set the translator's lookbehindGroups (Python's state.lookbehindgroups). */
  ownsLookbehind: boolean;
}

type ClassCode = { kind: "literal"; cp: number; raw: string } | { kind: "category"; text: string; raw: string };

class Translator {
  private readonly p: string;
  private readonly bytes: boolean;
  private pos = 0;
  private out = "";
  private scope: Scope;
  private readonly frames: Frame[] = [];
  /** Width of each group once closed (null while open); index 0 is the whole match. */
  readonly groupWidths: (Width | null)[] = [[0, 0]];
  private readonly groupNames = new Map<string, number>();
  private lookbehindGroups: number | null = null;
  private typeFlags = { a: false, u: false };
  readonly global: PyRegexFlags;
  mayPreferEmpty = false;

  constructor(pattern: string, options: PyRegexOptions) {
    this.p = pattern;
    this.bytes = options.bytes === true;
    this.scope = { i: options.ignorecase === true, m: options.multiline === true, s: options.dotall === true, x: false, a: this.bytes };
    this.global = { ignorecase: this.scope.i, multiline: this.scope.m, dotall: this.scope.s, verbose: false, ascii: this.scope.a };
  }

  private fail(reason: string): never {
    throw new PyRegexError(reason, this.p, "pattern");
  }

  // --- the tokenizer: one code point at a time; "\\" joins the character after it ---

  private peek(): string | undefined {
    const cp = this.p.codePointAt(this.pos);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  }

  private get(): string | undefined {
    const ch = this.peek();
    if (ch === undefined) return undefined;
    this.pos += ch.length;
    if (ch !== "\\") return ch;
    const next = this.peek();
    if (next === undefined) this.fail("bad escape (end of pattern)");
    this.pos += next.length;
    return `\\${next}`;
  }

  private match(ch: string): boolean {
    if (this.p.startsWith(ch, this.pos)) {
      this.pos += ch.length;
      return true;
    }
    return false;
  }

  private getWhile(n: number, chars: string): string {
    let s = "";
    while (s.length < n) {
      const c = this.p[this.pos];
      if (c === undefined || !chars.includes(c)) break;
      s += c;
      this.pos++;
    }
    return s;
  }

  private getUntil(terminator: string, name: string): string {
    let s = "";
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail(s === "" ? `missing ${name}` : `missing ${terminator}, unterminated name`);
      this.pos += c.length;
      if (c === terminator) {
        if (s === "") this.fail(`missing ${name}`);
        return s;
      }
      s += c;
    }
  }

  private checkGroupName(name: string): void {
    // A bytes pattern's name is its bytes read as latin1: only an ASCII name is an identifier.
    if (!isIdentifier(name) || (this.bytes && !/^[\x00-\x7f]*$/.test(name))) this.fail(`bad character in group name ${pyRepr(name)}`);
  }

  // --- output bookkeeping ---

  private get frame(): Frame {
    return this.frames[this.frames.length - 1] as Frame;
  }

  private newFrame(kind: Frame["kind"], group: number, start: number, ownsLookbehind = false): Frame {
    return { kind, group, start, outer: { ...this.scope }, width: [0, 0], alts: undefined, branches: 0, items: 0, last: { kind: "none" }, ownsLookbehind };
  }

  /** Folds the item a quantifier could still apply to into the branch width. */
  private commit(f: Frame): void {
    if (f.last.kind === "item") {
      f.width[0] += f.last.width[0];
      f.width[1] += f.last.width[1];
    }
  }

  private item(text: string, width: Width, lookaround = false, start = this.out.length): void {
    const f = this.frame;
    this.commit(f);
    this.out += text;
    f.last = { kind: "item", start, width, lookaround };
    f.items++;
  }

  private at(text: string): void {
    const f = this.frame;
    this.commit(f);
    this.out += text;
    f.last = { kind: "at" };
    f.items++;
  }

  private endBranch(f: Frame): void {
    this.commit(f);
    f.last = { kind: "none" };
    f.alts = f.alts === undefined ? [f.width[0], f.width[1]] : [Math.min(f.alts[0], f.width[0]), Math.max(f.alts[1], f.width[1])];
    f.width = [0, 0];
  }

  // --- the parser ---

  run(): string {
    this.frames.push(this.newFrame("top", 0, 0));
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) break;
      if (ch === "|") {
        this.pos++;
        this.endBranch(this.frame);
        this.frame.branches++;
        this.frame.items = 0;
        this.out += "|";
        this.mayPreferEmpty = true;
        continue;
      }
      if (ch === ")") {
        if (this.frames.length === 1) this.fail("unbalanced parenthesis");
        this.pos++;
        this.closeGroup();
        continue;
      }
      const tok = this.get() as string;
      if (this.scope.x) {
        if (WHITESPACE.includes(tok)) continue;
        if (tok === "#") {
          let c: string | undefined;
          do c = this.get();
          while (c !== undefined && c !== "\n");
          continue;
        }
      }
      if (tok.startsWith("\\")) this.escape(tok);
      else if (tok === "[") this.charClass();
      else if ("*+?{".includes(tok)) this.repeat(tok);
      else if (tok === ".") this.item(this.scope.s ? "[\\s\\S]" : "[^\\n]", [1, 1]);
      else if (tok === "(") this.openGroup();
      else if (tok === "^") this.at(this.scope.m ? "(?<![^\\n])" : "^");
      else if (tok === "$") this.at(this.scope.m ? "(?![^\\n])" : "(?=\\n?$)");
      else this.item(litOut(tok), [1, 1]);
    }
    if (this.frames.length > 1) this.fail("missing ), unterminated subpattern");
    this.endBranch(this.frame);
    if (this.typeFlags.a && this.typeFlags.u) this.fail("ASCII and UNICODE flags are incompatible");
    return this.out;
  }

  private category(letter: string, inClass: boolean): string {
    const ascii = this.scope.a;
    switch (letter) {
      case "d":
        return ascii ? "\\d" : "\\p{Nd}";
      case "D":
        return ascii ? "\\D" : "\\P{Nd}";
      case "w":
        return ascii ? "\\w" : inClass ? PY_WORD : `[${PY_WORD}]`;
      case "W":
        return ascii ? "\\W" : `[^${PY_WORD}]`;
      case "s":
        return inClass ? (ascii ? ASCII_SPACE : PY_SPACE) : `[${ascii ? ASCII_SPACE : PY_SPACE}]`;
      default:
        return `[^${ascii ? ASCII_SPACE : PY_SPACE}]`;
    }
  }

  private wordBoundary(negated: boolean): string {
    // Python before 3.14: \B never matches in the empty string ((?!^$): not both at start and end).
    if (this.scope.a) return negated ? "\\B(?!^$)" : "\\b";
    const w = `[${PY_WORD}]`;
    return negated ? `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w})(?!^$))` : `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
  }

  /** \x \u \U (and \N) in and out of classes: the code point, or undefined when `c` is not one of them. */
  private codeEscape(esc: string, c: string): number | undefined {
    if (c === "x") {
      const hex = this.getWhile(2, HEXDIGITS);
      if (hex.length !== 2) this.fail(`incomplete escape ${esc}${hex}`);
      return Number.parseInt(hex, 16);
    }
    if (this.bytes) return undefined;
    if (c === "u" || c === "U") {
      const n = c === "u" ? 4 : 8;
      const hex = this.getWhile(n, HEXDIGITS);
      if (hex.length !== n) this.fail(`incomplete escape ${esc}${hex}`);
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) this.fail(`bad escape ${esc}${hex}`);
      return cp;
    }
    if (c === "N") {
      if (!this.match("{")) this.fail("missing {");
      this.getUntil("}", "character name");
      this.fail(unsupported("a character by name, \\N{...},"));
    }
    return undefined;
  }

  /** Python's _escape: an escape outside a class. */
  private escape(esc: string): void {
    const c = esc.slice(1);
    switch (c) {
      case "A":
        return this.at("^");
      case "Z":
        return this.at("$");
      case "b":
        return this.at(this.wordBoundary(false));
      case "B":
        return this.at(this.wordBoundary(true));
      case "d":
      case "D":
      case "s":
      case "S":
      case "w":
      case "W":
        return this.item(this.category(c, false), [1, 1]);
      case "a":
        return this.item("\\x07", [1, 1]);
      case "f":
      case "n":
      case "r":
      case "t":
      case "v":
        return this.item(esc, [1, 1]);
      case "\\":
        return this.item("\\\\", [1, 1]);
      default:
    }
    const cp = this.codeEscape(esc, c);
    if (cp !== undefined) return this.item(litOut(String.fromCodePoint(cp)), [1, 1]);
    if (c === "0") {
      const oct = this.getWhile(2, OCTDIGITS);
      return this.item(litOut(String.fromCodePoint(Number.parseInt(`0${oct}`, 8))), [1, 1]);
    }
    if (DIGITS.includes(c)) {
      let digits = c;
      const next = this.p[this.pos];
      if (next !== undefined && DIGITS.includes(next)) {
        digits += next;
        this.pos++;
        const third = this.p[this.pos];
        if (OCTDIGITS.includes(c) && OCTDIGITS.includes(next) && third !== undefined && OCTDIGITS.includes(third)) {
          this.pos++;
          const value = Number.parseInt(digits + third, 8);
          if (value > 0o377) this.fail(`octal escape value \\${digits}${third} outside of range 0-0o377`);
          return this.item(litOut(String.fromCodePoint(value)), [1, 1]);
        }
      }
      const group = Number(digits);
      if (group < this.groupWidths.length) return this.groupRef(group, `(?:\\${group})`);
      this.fail(`invalid group reference ${group}`);
    }
    if (ASCIILETTERS.test(c)) this.fail(`bad escape ${esc}`);
    return this.item(litOut(c), [1, 1]);
  }

  private groupRef(group: number, text: string): void {
    const width = this.groupWidths[group];
    if (width === null || width === undefined) this.fail("cannot refer to an open group");
    if (this.lookbehindGroups !== null && group >= this.lookbehindGroups) {
      this.fail("cannot refer to group defined in the same lookbehind subpattern");
    }
    this.item(text, width);
  }

  /** Python's _class_escape: an escape inside a class. */
  private classEscape(esc: string): ClassCode {
    const c = esc.slice(1);
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92 };
    const s = simple[c];
    if (s !== undefined) return { kind: "literal", cp: s, raw: esc };
    if ("dDsSwW".includes(c) && c.length === 1) return { kind: "category", text: this.category(c, true), raw: esc };
    const cp = this.codeEscape(esc, c);
    if (cp !== undefined) return { kind: "literal", cp, raw: esc };
    if (c.length === 1 && OCTDIGITS.includes(c)) {
      const oct = c + this.getWhile(2, OCTDIGITS);
      const value = Number.parseInt(oct, 8);
      if (value > 0o377) this.fail(`octal escape value \\${oct} outside of range 0-0o377`);
      return { kind: "literal", cp: value, raw: `\\${oct}` };
    }
    if (DIGITS.includes(c) || ASCIILETTERS.test(c)) this.fail(`bad escape ${esc}`);
    return { kind: "literal", cp: c.codePointAt(0) ?? 0, raw: esc };
  }

  private charClass(): void {
    const start = this.out.length;
    const negate = this.match("^");
    const parts: string[] = [];
    const render = (code: ClassCode): string => (code.kind === "literal" ? litIn(String.fromCodePoint(code.cp)) : code.text);
    for (;;) {
      const tok = this.get();
      if (tok === undefined) this.fail("unterminated character set");
      if (tok === "]" && parts.length > 0) break;
      const code1: ClassCode = tok.startsWith("\\") ? this.classEscape(tok) : { kind: "literal", cp: tok.codePointAt(0) ?? 0, raw: tok };
      if (this.match("-")) {
        const that = this.get();
        if (that === undefined) this.fail("unterminated character set");
        if (that === "]") {
          parts.push(render(code1), "\\-");
          break;
        }
        const code2: ClassCode = that.startsWith("\\") ? this.classEscape(that) : { kind: "literal", cp: that.codePointAt(0) ?? 0, raw: that };
        if (code1.kind !== "literal" || code2.kind !== "literal" || code2.cp < code1.cp) {
          this.fail(`bad character range ${code1.raw}-${code2.raw}`);
        }
        parts.push(`${render(code1)}-${render(code2)}`);
      } else {
        parts.push(render(code1));
      }
    }
    this.item(`[${negate ? "^" : ""}${parts.join("")}]`, [1, 1], false, start);
  }

  private repeat(tok: string): void {
    let min: number;
    let max: number;
    if (tok === "?") [min, max] = [0, 1];
    else if (tok === "*") [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (tok === "+") [min, max] = [1, Number.POSITIVE_INFINITY];
    else {
      // "{": a repeat only as {m}, {m,}, {,n}, {m,n} (or {,}); anything else is a literal "{".
      const here = this.pos;
      if (this.p[this.pos] === "}") return this.item("\\{", [1, 1]);
      const lo = this.getWhile(Number.POSITIVE_INFINITY, DIGITS);
      let hi = lo;
      if (this.match(",")) hi = this.getWhile(Number.POSITIVE_INFINITY, DIGITS);
      if (!this.match("}")) {
        this.pos = here;
        return this.item("\\{", [1, 1]);
      }
      min = lo === "" ? 0 : Number(lo);
      max = hi === "" ? Number.POSITIVE_INFINITY : Number(hi);
      if (min >= MAXREPEAT || (max !== Number.POSITIVE_INFINITY && max >= MAXREPEAT)) this.fail("the repetition number is too large");
      if (max < min) this.fail("min repeat greater than max repeat");
    }
    const f = this.frame;
    const last = f.last;
    if (last.kind === "none" || last.kind === "at") this.fail("nothing to repeat");
    if (last.kind === "repeat") this.fail("multiple repeat");
    // JavaScript will not repeat a look-around directly; Python will (it matches empty).
    if (last.lookaround) this.out = `${this.out.slice(0, last.start)}(?:${this.out.slice(last.start)})`;
    this.out += tok === "{" ? (max === min ? `{${min}}` : `{${min},${max === Number.POSITIVE_INFINITY ? "" : max}}`) : tok;
    if (this.match("?")) {
      this.out += "?";
      this.mayPreferEmpty = true;
    }
    else if (this.p[this.pos] === "+") this.fail(unsupported(`the possessive quantifier "${tok === "{" ? "}" : tok}+"`));
    const [lo, hi] = last.width;
    f.width[0] += lo * min;
    f.width[1] += max === Number.POSITIVE_INFINITY ? (hi > 0 ? Number.POSITIVE_INFINITY : 0) : hi * max;
    f.last = { kind: "repeat" };
    f.items++;
  }

  private openGroup(): void {
    const start = this.out.length;
    if (!this.match("?")) return this.pushGroup(start, "(", this.newGroup(undefined));
    const ch = this.get();
    if (ch === undefined) this.fail("unexpected end of pattern");
    if (ch === "P") {
      if (this.match("<")) {
        const name = this.getUntil(">", "group name");
        this.checkGroupName(name);
        return this.pushGroup(start, `(?<${name}>`, this.newGroup(name));
      }
      if (this.match("=")) {
        const name = this.getUntil(")", "group name");
        this.checkGroupName(name);
        const gid = this.groupNames.get(name);
        if (gid === undefined) this.fail(`unknown group name ${pyRepr(name)}`);
        return this.groupRef(gid, `\\k<${name}>`);
      }
      const c = this.get();
      if (c === undefined) this.fail("unexpected end of pattern");
      this.fail(`unknown extension ?P${c}`);
    }
    if (ch === ":") return this.pushGroup(start, "(?:");
    if (ch === "#") {
      for (;;) {
        if (this.pos >= this.p.length) this.fail("missing ), unterminated comment");
        if (this.p[this.pos++] === ")") return;
      }
    }
    if (ch === "=" || ch === "!") return this.pushLook(start, "lookahead", `(?${ch}`);
    if (ch === "<") {
      const c = this.get();
      if (c === undefined) this.fail("unexpected end of pattern");
      if (c !== "=" && c !== "!") this.fail(`unknown extension ?<${c}`);
      return this.pushLook(start, "lookbehind", `(?<${c}`);
    }
    if (ch === "(") this.fail(unsupported("a conditional group (?(...)...)"));
    if (ch === ">") this.fail(unsupported("an atomic group (?>...)"));
    if (FLAG_LETTERS.includes(ch) || ch === "-") return this.flagGroup(ch, start);
    this.fail(`unknown extension ?${ch}`);
  }

  private newGroup(name: string | undefined): number {
    const gid = this.groupWidths.length;
    this.groupWidths.push(null);
    if (name !== undefined) {
      const was = this.groupNames.get(name);
      if (was !== undefined) this.fail(`redefinition of group name ${pyRepr(name)} as group ${gid}; was group ${was}`);
      this.groupNames.set(name, gid);
    }
    return gid;
  }

  private pushGroup(start: number, text: string, group = 0): void {
    const f = this.frame;
    this.commit(f);
    f.last = { kind: "none" };
    this.frames.push(this.newFrame("group", group, start));
    this.out += text;
  }

  private pushLook(start: number, kind: "lookahead" | "lookbehind", text: string): void {
    const f = this.frame;
    this.commit(f);
    f.last = { kind: "none" };
    const owns = kind === "lookbehind" && this.lookbehindGroups === null;
    if (owns) this.lookbehindGroups = this.groupWidths.length;
    this.frames.push(this.newFrame(kind, 0, start, owns));
    this.out += text;
  }

  private closeGroup(): void {
    const f = this.frames.pop() as Frame;
    this.endBranch(f);
    const width: Width = f.alts ?? [0, 0];
    if (f.group > 0) this.groupWidths[f.group] = width;
    if (f.kind === "lookbehind") {
      // CPython checks this when compiling, i.e. after the whole pattern parsed; close enough.
      if (width[0] !== width[1]) this.fail("look-behind requires fixed-width pattern");
      if (f.ownsLookbehind) this.lookbehindGroups = null;
    }
    this.scope = f.outer;
    const look = f.kind === "lookahead" || f.kind === "lookbehind";
    this.out += ")";
    // The group is now the item a quantifier applies to (its opening text starts at f.start).
    const parent = this.frame;
    parent.last = { kind: "item", start: f.start, width: look ? [0, 0] : width, lookaround: look };
    parent.items++;
  }

  /** Python's _parse_flags, after "(?" and the first flag letter (or "-"). */
  private flagGroup(first: string, start: number): void {
    const add = new Set<string>();
    const del = new Set<string>();
    let ch: string | undefined = first;
    if (ch !== "-") {
      for (;;) {
        if (ch === "L" && !this.bytes) this.fail("bad inline flags: cannot use 'L' flag with a str pattern");
        if (ch === "u" && this.bytes) this.fail("bad inline flags: cannot use 'u' flag with a bytes pattern");
        add.add(ch);
        if ([...add].filter((x) => "auL".includes(x)).length > 1) this.fail("bad inline flags: flags 'a', 'u' and 'L' are incompatible");
        ch = this.get();
        if (ch === undefined) this.fail("missing -, : or )");
        if (")-:".includes(ch)) break;
        if (!FLAG_LETTERS.includes(ch)) this.fail(/^\p{L}$/u.test(ch) ? "unknown flag" : "missing -, : or )");
      }
    }
    if (ch === ")") {
      // Global flags: Python 3.11 takes them only at the start of the expression.
      const top = this.frames.length === 1 ? this.frame : undefined;
      if (top === undefined || top.branches > 0 || top.items > 0) this.fail("global flags not at the start of the expression");
      this.applyGlobal(add);
      return;
    }
    if (ch === "-") {
      ch = this.get();
      if (ch === undefined) this.fail("missing flag");
      if (!FLAG_LETTERS.includes(ch)) this.fail(/^\p{L}$/u.test(ch) ? "unknown flag" : "missing flag");
      for (;;) {
        if ("auL".includes(ch)) this.fail("bad inline flags: cannot turn off flags 'a', 'u' and 'L'");
        del.add(ch);
        ch = this.get();
        if (ch === undefined) this.fail("missing :");
        if (ch === ":") break;
        if (!FLAG_LETTERS.includes(ch)) this.fail(/^\p{L}$/u.test(ch) ? "unknown flag" : "missing :");
      }
    }
    if ([...add].some((x) => del.has(x))) this.fail("bad inline flags: flag turned on and off");
    const inner: Scope = { ...this.scope };
    for (const x of add) this.setScope(inner, x, true);
    for (const x of del) this.setScope(inner, x, false);
    if (inner.i !== this.global.ignorecase) this.fail(unsupported("a scoped inline flag group that switches case-insensitivity, such as (?i:...),"));
    this.pushGroup(start, "(?:");
    this.scope = inner;
  }

  private setScope(s: Scope, flag: string, on: boolean): void {
    if (flag === "i") s.i = on;
    else if (flag === "m") s.m = on;
    else if (flag === "s") s.s = on;
    else if (flag === "x") s.x = on;
    else if (flag === "a") s.a = true;
    else if (flag === "u") s.a = false;
    // "L" (bytes only): locale-dependent; ASCII in the C locale, which is what bytes get here anyway.
  }

  private applyGlobal(flags: Set<string>): void {
    for (const x of flags) this.setScope(this.scope, x, true);
    if (flags.has("a")) this.typeFlags.a = true;
    if (flags.has("u")) this.typeFlags.u = true;
    this.global.ignorecase = this.scope.i;
    this.global.multiline = this.scope.m;
    this.global.dotall = this.scope.s;
    this.global.verbose = this.scope.x;
    this.global.ascii = this.scope.a;
  }
}

/** str.isidentifier(), near enough: what Python takes as a group name. */
function isIdentifier(name: string): boolean {
  return /^[\p{XID_Start}_]\p{XID_Continue}*$/u.test(name);
}

/** Python's repr() of a str, for messages: 'name'. */
function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

// ---------------------------------------------------------------------------------------------
// Replacement templates, re.sub, re.escape.

const TEMPLATE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\" };

/**
 * Python's `Match.expand(template)` (the replacement of re.sub, and Ansible's lineinfile
 * `backrefs`): `\1`..`\99` and `\g<n>` / `\g<name>` insert groups (an unmatched group inserts ""),
 * `\0` and three-digit `\nnn` are octal escapes, `\n` `\t` `\\` and friends are escapes, a
 * backslash before another ASCII letter is an error, and before anything else it stays.
 */
export function pyExpand(template: string, m: RegExpExecArray): string {
  const fail: (reason: string) => never = (reason) => {
    throw new PyRegexError(reason, template, "replacement");
  };
  const groups = m.length - 1;
  const group = (index: number): string => {
    if (index > groups) fail(`invalid group reference ${index} (the regular expression has ${groups} group${groups === 1 ? "" : "s"})`);
    return m[index] ?? "";
  };
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
    if (e === undefined) fail("bad escape (end of pattern)");
    i += 2;
    if (e === "g") {
      if (template[i] !== "<") fail("missing <");
      const end = template.indexOf(">", i + 1);
      if (end < 0) fail(template.length > i + 1 ? "missing >, unterminated name" : "missing group name");
      const name = template.slice(i + 1, end);
      if (name === "") fail("missing group name");
      i = end + 1;
      if (isIdentifier(name)) {
        const named = m.groups ?? {};
        if (!Object.hasOwn(named, name)) fail(`unknown group name ${pyRepr(name)}`);
        out += named[name] ?? "";
      } else {
        // Python's int(name): surrounding whitespace, a "+" and "_" between digits are allowed.
        const int = /^\s*\+?([0-9](?:_?[0-9])*)\s*$/.exec(name);
        if (int === null) fail(`bad character in group name ${pyRepr(name)}`);
        out += group(Number((int[1] ?? "").replace(/_/g, "")));
      }
      continue;
    }
    if (e === "0") {
      const oct = /^[0-7]{0,2}/.exec(template.slice(i))?.[0] ?? "";
      out += String.fromCharCode(Number.parseInt(`0${oct}`, 8) & 0xff);
      i += oct.length;
      continue;
    }
    if (DIGITS.includes(e)) {
      let digits = e;
      const next = template[i];
      if (next !== undefined && DIGITS.includes(next)) {
        digits += next;
        i++;
        const third = template[i];
        if (OCTDIGITS.includes(e) && OCTDIGITS.includes(next) && third !== undefined && OCTDIGITS.includes(third)) {
          i++;
          const value = Number.parseInt(digits + third, 8);
          if (value > 0o377) fail(`octal escape value \\${digits}${third} outside of range 0-0o377`);
          out += String.fromCharCode(value);
          continue;
        }
      }
      out += group(Number(digits));
      continue;
    }
    const simple = TEMPLATE_ESCAPES[e];
    if (simple !== undefined) out += simple;
    else if (ASCIILETTERS.test(e)) fail(`bad escape \\${e}`);
    else out += `\\${e}`;
  }
  return out;
}

/** Whether `index` falls between the two halves of a surrogate pair. */
function splitsPair(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1);
  const after = text.charCodeAt(index);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/**
 * Python's `re.search(pattern, text)` for a RegExp from compilePyRegex — or re.match /
 * re.fullmatch when it was compiled with that mode.
 */
export function pySearch(re: RegExp, text: string): RegExpExecArray | null {
  if (re.sticky) {
    re.lastIndex = 0; // anchored at the start, which never splits a pair
    return re.exec(text);
  }
  if (!re.global) {
    const m = re.exec(text);
    if (m === null || !splitsPair(text, m.index)) return m;
  }
  const first = pyFindIter(re, text).next();
  return first.done === true ? null : first.value;
}

/**
 * Python's `re.finditer(pattern, text)` for a RegExp from compilePyRegex (global or not): the
 * matches re.findall and re.sub see. As in Python 3.7+, an empty match may follow a non-empty
 * one; after an empty match Python looks for a non-empty match at the same position before it
 * moves on, where JavaScript's scan moves on at once — so `|\D` finds "x" in "x1", not only "".
 */
export function* pyFindIter(re: RegExp, text: string): Generator<RegExpExecArray, void, undefined> {
  const flags = re.flags.replace(/[gy]/g, "");
  const scan = new RegExp(re.source, `${flags}g`);
  let pos = 0;
  while (pos <= text.length) {
    scan.lastIndex = pos;
    const m = scan.exec(text);
    if (m === null) return;
    if (splitsPair(text, m.index)) {
      pos = m.index + 1; // V8's bogus zero-width match inside a character: not a position Python has
      continue;
    }
    yield m;
    const at = m.index;
    pos = at + m[0].length;
    if (m[0] !== "") continue;
    if (preferEmpty.has(re)) {
      // SRE's must_advance: the first match at `at`, in backtracking order, that is not empty —
      // the same RegExp, sticky at `at`, with its end required to be past `at`.
      const codePoints = [...text.slice(0, at)].length;
      const nonEmpty = new RegExp(`(?:${re.source})(?<=^[\\s\\S]{${codePoints + 1},})`, `${flags}y`);
      nonEmpty.lastIndex = at;
      const again = nonEmpty.exec(text);
      if (again !== null && again.index === at) {
        yield again;
        pos = again.index + again[0].length;
        continue;
      }
    }
    if (at >= text.length) return;
    pos = at + String.fromCodePoint(text.codePointAt(at) ?? 0).length;
  }
}

/**
 * Python's `re.subn(pattern, template, text, count)` for a RegExp from compilePyRegex: count 0
 * replaces every match.
 */
export function pySub(re: RegExp, template: string, text: string, count = 0): { output: string; subs: number } {
  let output = "";
  let at = 0;
  let subs = 0;
  for (const m of pyFindIter(re, text)) {
    if (count > 0 && subs >= count) break;
    output += text.slice(at, m.index) + pyExpand(template, m);
    at = m.index + m[0].length;
    subs++;
  }
  return { output: output + text.slice(at), subs };
}

/** Python's re.escape (3.7+: only the characters special in patterns, and whitespace). */
export function pyReEscape(s: string): string {
  return s.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}
