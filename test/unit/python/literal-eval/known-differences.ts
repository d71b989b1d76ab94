import type { LiteralCase } from "./cases.js";

// Where the port knowingly answers differently from CPython, each with the reason. The
// differential test fails on any other difference, and on a listed one that stops differing.
// "outcome" is the exception class or the value; "repr" is only how the engine prints the value.

export interface KnownDifference {
  readonly aspect: "outcome" | "repr";
  readonly reason: string;
  /** `pythonRepr`: repr() of CPython's value, when it has one. */
  matches(c: LiteralCase, pythonRepr: string | null): boolean;
}

const texts =
  (...list: string[]) =>
  (c: LiteralCase): boolean =>
    list.includes(c.text);

/** The deepest bracket nesting of a repr (strings aside: no such value has brackets in a string). */
function bracketDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of text) {
    if ("([{".includes(ch)) max = Math.max(max, ++depth);
    else if (")]}".includes(ch)) depth--;
  }
  return max;
}

export const knownDifferences: readonly KnownDifference[] = [
  {
    aspect: "outcome",
    reason:
      "JavaScript has no Unicode character name database: a \\N{name} escape is refused (Unsupported) whether or not CPython knows the name (it answers a value, or SyntaxError for an unknown name, or ValueError for an f-string)",
    matches: texts("'\\N{EM DASH}'", "'\\N{LATIN SMALL LETTER A}'", "'\\N{latin small letter a}'", "'\\N{DASH}'", "f'\\N{EM DASH}'"),
  },
  {
    aspect: "outcome",
    reason: "template dicts key their entries by str(key), so two keys with one str() cannot both be kept (Unsupported)",
    matches: texts("{1: 'a', '1': 'b'}", "{None: 1, 'None': 2}"),
  },
  {
    aspect: "outcome",
    reason:
      "identifiers are checked against JavaScript's Unicode (15.1 or later), CPython 3.11's is 14.0: a character assigned since, or ZWJ/ZWNJ (XID_Continue since 15.1), makes a name here (ValueError) and invalid syntax there (SyntaxError); Ansible catches both alike",
    matches: texts("\u088f", "a\u0cf3", "a\u200d"),
  },
  {
    aspect: "repr",
    reason: "the engine's repr decides what is printable by JavaScript's Unicode, newer than CPython 3.11's: a character assigned since 14.0 prints as itself, not escaped",
    matches: texts("'\u088f'"),
  },
  {
    aspect: "repr",
    reason: "two \\u escapes of the halves of a surrogate pair are two code points in Python and one character in a JavaScript string",
    matches: texts("'\\ud83d\\ude00'"),
  },
  {
    aspect: "repr",
    reason: "the engine's repr prints '...' below 100 levels of nesting (src/template/values/repr.ts), CPython prints everything",
    matches: (_c, pythonRepr) => bracketDepth(pythonRepr ?? "") > 100,
  },
];
