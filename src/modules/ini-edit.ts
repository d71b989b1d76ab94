import { compilePyRegex, pyReEscape, pySearch } from "../python/regex.js";
import { readLines } from "./line-edit.js";

// Pure INI editing with the semantics of community.general.ini_file 6.6.2 (the collection in
// Debian 12's `ansible` 7.7.0 package; 6.x has no ignore_spaces, added in 7.1.0), ported line by
// line, quirks included, so that a file Ansible converged is left alone: a new file starts with a
// blank line, a commented-out option ("#opt = x") is taken over, a section header is matched as a
// prefix ("[s]x" is section s), and a missing final newline is a change of its own.

export interface IniSpec {
  state: "present" | "absent";
  /** undefined or "": the lines before the first section header. */
  section?: string | undefined;
  option?: string | undefined;
  /** The wanted values of the option (value: one), duplicates ignored. */
  values: readonly string[];
  exclusive: boolean;
  no_extra_spaces: boolean;
  allow_no_value: boolean;
}

export interface IniEdit {
  content: string;
  changed: boolean;
  /** ini_file's msg: "OK", "option added", "option changed", "section and option added", "only section added", "section removed". */
  msg: string;
}

/**
 * A file's text as ini_file reads it: Python text mode with utf-8-sig, so a BOM is dropped and
 * "\r\n" and "\r" become "\n" (written back that way when anything changes).
 */
export function iniText(raw: string): string {
  return raw.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
}

/** Ansible's stand-in section for the lines before the first header: a name no file has. */
const FAKE_SECTION = "ad01e11446efb704fcdbdb21f2c43757423d91c5";

const BLANK_OR_COMMENT = compilePyRegex("^[ \\t]*([#;].*)?$", { mode: "match" });

/** Group 6 is the value. `commented`: a line commented out with # or ; counts too. */
function optionMatcher(option: string, commented: boolean): (line: string) => RegExpExecArray | null {
  const re = compilePyRegex(`${commented ? "[#;]?" : ""}( |\\t)*(${pyReEscape(option)})( |\\t)*(=|$)( |\\t)*(.*)`, { mode: "match" });
  return (line) => pySearch(re, line);
}

/**
 * ini_file on a file's text (after iniText; `undefined`: the file does not exist). The section's
 * lines run from its (last consecutive) header to the next header. state=present: lines of the
 * option whose value is wanted stay (respaced), with exclusive the others take the remaining
 * values or go, and values still missing are inserted after the section's last line that is not
 * blank or a comment; a missing section is appended with them. state=absent: the option's lines
 * (with exclusive=false only those with one of the values) go, or without option the section.
 */
export function editIni(content: string | undefined, spec: IniSpec): IniEdit {
  const { option, allow_no_value: allowNoValue } = spec;
  const present = spec.state === "present";
  const values: string[] = [];
  for (const v of spec.values) if (!values.includes(v)) values.push(v);
  const assignment = (o: string, v: string) => (spec.no_extra_spaces ? `${o}=${v}\n` : `${o} = ${v}\n`);

  const lines = content === undefined ? [] : readLines(content);
  let changed = false;
  if (lines.length === 0) lines.push("\n");
  const last = lines.at(-1) ?? "";
  if (!last.endsWith("\n")) {
    lines[lines.length - 1] = `${last}\n`;
    changed = true;
  }
  lines.unshift(`[${FAKE_SECTION}]`);
  lines.push("[");
  const section = spec.section ? spec.section : FAKE_SECTION;

  let within = false;
  let start = 0;
  let end = 0;
  for (const [i, l] of lines.entries()) {
    if (l.startsWith(`[${section}]`)) {
      within = true;
      start = i;
    } else if (l.startsWith("[") && within) {
      end = i;
      break;
    }
  }
  const before = lines.slice(0, start);
  let sectionLines = lines.slice(start, end);
  const after = lines.slice(end);
  const changedLines = sectionLines.map(() => false);

  let msg = "OK";
  let noValuePresent = false;
  const update = (index: number, newline: string) => {
    if (sectionLines[index] !== newline) {
      changed = true;
      msg = "option changed";
    }
    sectionLines[index] = newline;
    changedLines[index] = true;
  };

  if (present && option) {
    const matchOpt = optionMatcher(option, true);
    // 1. lines already holding a wanted value keep it; with allow_no_value and no values, the first line becomes the bare option
    for (let i = 0; i < sectionLines.length; i++) {
      const m = matchOpt(sectionLines[i] ?? "");
      if (!m) continue;
      const value = m[6] ?? "";
      if (values.length > 0 && values.includes(value)) {
        if (!value && allowNoValue) {
          update(i, `${option}\n`);
          noValuePresent = true;
        } else {
          update(i, assignment(option, value));
        }
        values.splice(values.indexOf(value), 1);
      } else if (values.length === 0 && allowNoValue) {
        update(i, `${option}\n`);
        noValuePresent = true;
        break;
      }
    }
    if (spec.exclusive && !allowNoValue) {
      // 2. other lines of the option take the remaining values, 3. the rest of them go
      if (values.length > 0) {
        for (let i = 0; i < sectionLines.length; i++) {
          if (changedLines[i] || !matchOpt(sectionLines[i] ?? "")) continue;
          update(i, assignment(option, values.shift() ?? ""));
          if (values.length === 0) break;
        }
      }
      for (let i = sectionLines.length - 1; i > 0; i--) {
        if (changedLines[i] || !matchOpt(sectionLines[i] ?? "")) continue;
        sectionLines.splice(i, 1);
        changedLines.splice(i, 1);
        changed = true;
        msg = "option changed";
      }
    }
  }

  if (present) {
    // 4. what is still missing goes after the section's last line that is not blank or a comment
    for (let i = sectionLines.length; i > 0; i--) {
      if (pySearch(BLANK_OR_COMMENT, sectionLines[i - 1] ?? "")) continue;
      if (option && values.length > 0) {
        sectionLines.splice(i, 0, ...values.map((v) => assignment(option, v)));
        msg = "option added";
        changed = true;
      } else if (option && values.length === 0 && allowNoValue && !noValuePresent) {
        sectionLines.splice(i, 0, `${option}\n`);
        msg = "option added";
        changed = true;
      }
      break;
    }
  } else if (option) {
    const matchActive = optionMatcher(option, false);
    const keep = spec.exclusive
      ? sectionLines.filter((l) => !matchActive(l))
      : values.length > 0
        ? sectionLines.filter((l) => {
            const m = matchActive(l);
            return !(m && values.includes(m[6] ?? ""));
          })
        : sectionLines;
    if (keep.length !== sectionLines.length) {
      changed = true;
      msg = "option changed";
      sectionLines = keep;
    }
  } else if (sectionLines.length > 0) {
    sectionLines = [];
    msg = "section removed";
    changed = true;
  }

  const result = [...before, ...sectionLines, ...after].slice(1, -1);
  if (!within && present) {
    result.push(`[${section}]\n`);
    msg = "section and option added";
    if (option && values.length > 0) result.push(...values.map((v) => assignment(option, v)));
    else if (option && allowNoValue) result.push(`${option}\n`);
    else msg = "only section added";
    changed = true;
  }
  return { content: result.join(""), changed, msg };
}
