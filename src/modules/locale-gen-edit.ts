import { readLines } from "./line-edit.js";

// The pure part of locale_gen, as community.general.locale_gen reads and edits /etc/locale.gen
// on Debian, and compares names with `locale -a`'s.

// `locale -a` spells encodings its own way (en_US.utf8): both sides are compared in this spelling.
const NORMALIZATION: ReadonlyArray<readonly [string, string]> = [
  [".utf8", ".UTF-8"],
  [".eucjp", ".EUC-JP"],
  [".iso885915", ".ISO-8859-15"],
  [".cp1251", ".CP1251"],
  [".koi8r", ".KOI8-R"],
  [".armscii8", ".ARMSCII-8"],
  [".euckr", ".EUC-KR"],
  [".gbk", ".GBK"],
  [".gb18030", ".GB18030"],
  [".euctw", ".EUC-TW"],
];

export function fixCase(name: string): string {
  return NORMALIZATION.reduce((n, [from, to]) => n.replaceAll(from, to), name);
}

/** Whether `locale -a` lists the locale. */
export function isGenerated(name: string, localeA: string): boolean {
  return localeA.split("\n").some((l) => fixCase(l) === fixCase(name));
}

/** The locales /etc/locale.gen offers (commented out or not), as Ansible's availability check reads them. */
export function offeredLocales(text: string): Set<string> {
  const out = new Set<string>();
  for (const l of text.split("\n")) {
    const m = /^#?\s*(\S+[._\S]+) (\S+)\s*$/.exec(l);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The locale's lines of /etc/locale.gen ("[# ]NAME CHARSET"). */
function lineRe(name: string): RegExp {
  return new RegExp(`^#?\\s*${escapeRe(name)} (.+)`);
}

/** Whether some line of /etc/locale.gen is the locale's; whether one of them is enabled (not commented out). */
export function localeLines(text: string, name: string): { listed: boolean; enabled: boolean } {
  const re = lineRe(name);
  const lines = readLines(text).filter((l) => re.test(l));
  return { listed: lines.length > 0, enabled: lines.some((l) => !l.startsWith("#")) };
}

/** /etc/locale.gen with the locales' lines enabled ("NAME CHARSET") or commented out ("# NAME CHARSET"), as Ansible rewrites them. */
export function setLocales(text: string, names: readonly string[], enabled: boolean): string {
  const edits = names.map((n) => [lineRe(n), (_: string, charset: string) => `${enabled ? "" : "# "}${n} ${charset}`] as const);
  return readLines(text)
    .map((l) => edits.reduce((line, [re, to]) => line.replace(re, to), l))
    .join("");
}
