import { PyRegexError, pyExpand, pyRegexFlags, pySearch } from "../python/regex.js";
import { regexArg } from "./args.js";
import { ModuleError } from "./contract.js";

// Pure line and block editing with Ansible's lineinfile/blockinfile semantics (ansible-core 2.16),
// quirks included: a file converged by Ansible is left alone, and the same arguments give the
// same file. The host's file is read and written elsewhere (lines.ts).

const NL = "\n";

/** Python's bytes.readlines(): lines split after each "\n", each keeping its terminator. */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Python's bytes.splitlines(True): split after "\r\n", "\n" or "\r", terminators kept. */
export function splitLinesKeep(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

const stripEol = (l: string) => l.replace(/[\r\n]+$/, "");
const endsWithEol = (l: string) => l.endsWith("\n") || l.endsWith("\r");

// ---------------------------------------------------------------------------------------------
// lineinfile

export interface LineSpec {
  state: "present" | "absent";
  line?: string | undefined;
  regexp?: string | undefined;
  search_string?: string | undefined;
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
  backrefs?: boolean | undefined;
  firstmatch?: boolean | undefined;
}

export interface LineEdit {
  /** The new content (the old one when nothing changed). */
  content: string;
  changed: boolean;
  /** Ansible's msg: "line added", "line replaced", "N line(s) removed", "". */
  msg: string;
  /** state=absent: how many lines matched (and were removed). */
  found?: number;
}

/**
 * lineinfile on a file's text (`undefined`: the file does not exist and create allows it).
 *
 * state=present: the last line matching regexp (or containing search_string; the first one with
 * firstmatch) is replaced by `line` (expanded with the match's groups with backrefs). Without a
 * match, a line equal to `line` anywhere means nothing to do; otherwise the line is inserted
 * after the last line matching insertafter (before the last matching insertbefore; first ones
 * with firstmatch), at BOF, or at EOF (the default, and the fallback when the insert regex
 * matches nothing). With backrefs and no match the file is left alone.
 *
 * state=absent: every line matching regexp, containing search_string, or equal to line goes.
 */
export function editLine(content: string | undefined, spec: LineSpec): LineEdit {
  return spec.state === "absent" ? removeLines(content, spec) : presentLine(content ?? "", spec);
}

function removeLines(content: string | undefined, spec: LineSpec): LineEdit {
  if (content === undefined) return { content: "", changed: false, msg: "file not present", found: 0 };
  const re = spec.regexp !== undefined ? regexArg(spec.regexp, "regexp") : undefined;
  const matches = (l: string): boolean => {
    if (re) return pySearch(re, l) !== null;
    if (spec.search_string !== undefined) return l.includes(spec.search_string);
    return stripEol(l) === spec.line;
  };
  const lines = readLines(content);
  const kept = lines.filter((l) => !matches(l));
  const found = lines.length - kept.length;
  return { content: kept.join(""), changed: found > 0, msg: found > 0 ? `${found} line(s) removed` : "", found };
}

function presentLine(content: string, spec: LineSpec): LineEdit {
  const line = spec.line ?? "";
  const lines = readLines(content);
  let insertafter = spec.insertafter;
  const insertbefore = spec.insertbefore;
  if (insertafter === undefined && insertbefore === undefined) insertafter = "EOF";
  const firstmatch = spec.firstmatch === true;

  const matchRe = spec.regexp !== undefined ? regexArg(spec.regexp, "regexp") : undefined;
  const insRe =
    insertafter !== undefined && insertafter !== "BOF" && insertafter !== "EOF"
      ? regexArg(insertafter, "insertafter")
      : insertbefore !== undefined && insertbefore !== "BOF"
        ? regexArg(insertbefore, "insertbefore")
        : undefined;

  // index[0]: the line that matched regexp/search_string (or equals line); index[1]: the insert point.
  let matchAt = -1;
  let insertAt = -1;
  let match: RegExpExecArray | true | undefined;

  if (matchRe) {
    for (const [n, l] of lines.entries()) {
      const m = pySearch(matchRe, l);
      if (m) {
        matchAt = n;
        match = m;
        if (firstmatch) break;
      }
    }
  }
  if (spec.search_string !== undefined) {
    for (const [n, l] of lines.entries()) {
      if (l.includes(spec.search_string)) {
        matchAt = n;
        match = true;
        if (firstmatch) break;
      }
    }
  }
  if (!match) {
    for (const [n, l] of lines.entries()) {
      if (stripEol(l) === line) {
        matchAt = n;
      } else if (insRe && pySearch(insRe, l) !== null) {
        if (insertafter !== undefined) {
          insertAt = n + 1;
          if (firstmatch) break;
        }
        if (insertbefore !== undefined) {
          insertAt = n;
          if (firstmatch) break;
        }
      }
    }
  }

  const added = (): LineEdit => ({ content: lines.join(""), changed: true, msg: "line added" });
  const same: LineEdit = { content, changed: false, msg: "" };

  if (matchAt !== -1) {
    let newLine = spec.backrefs && match && match !== true ? expandBackrefs(line, match) : line;
    if (!newLine.endsWith(NL)) newLine += NL;
    // (The branch Ansible has here for "no regexp, no match, no exact line" cannot be reached:
    // matchAt is only set by a match or an exact line.)
    if (lines[matchAt] === newLine) return same;
    lines[matchAt] = newLine;
    return { content: lines.join(""), changed: true, msg: "line replaced" };
  }
  if (spec.backrefs) return same; // the line cannot be built without the groups of a match
  if (insertbefore === "BOF" || insertafter === "BOF") {
    lines.unshift(line + NL);
    return added();
  }
  if (insertafter === "EOF" || insertAt === -1) {
    const last = lines.at(-1);
    if (last !== undefined && !endsWithEol(last)) lines.push(NL);
    lines.push(line + NL);
    return added();
  }
  if (insertafter !== undefined) {
    // Not again when the line is already right after the insertafter match.
    if (insertAt === lines.length) {
      const last = lines[insertAt - 1] ?? "";
      if (stripEol(last) === line) return same;
      // Ansible appends without ending the last line first, gluing the two ("#xy"): a bug not kept.
      if (!endsWithEol(last)) lines[insertAt - 1] = last + NL;
      lines.push(line + NL);
      return added();
    }
    if (stripEol(lines[insertAt] ?? "") === line) return same;
    lines.splice(insertAt, 0, line + NL);
    return added();
  }
  lines.splice(insertAt, 0, line + NL);
  return added();
}

/** lineinfile's backrefs: the line is Python's `match.expand(line)`. */
function expandBackrefs(line: string, match: RegExpExecArray): string {
  try {
    return pyExpand(line, match);
  } catch (err) {
    if (err instanceof PyRegexError) throw new ModuleError(`invalid line ${JSON.stringify(line)} for backrefs: ${err.reason}`);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// blockinfile

/** Ansible's default: files already managed by Ansible keep their blocks (no duplicate). */
export const DEFAULT_MARKER = "# {mark} ANSIBLE MANAGED BLOCK";

export interface BlockSpec {
  state: "present" | "absent";
  block: string;
  marker: string;
  marker_begin: string;
  marker_end: string;
  insertafter?: string | undefined;
  insertbefore?: string | undefined;
  append_newline?: boolean | undefined;
  prepend_newline?: boolean | undefined;
}

export interface BlockEdit {
  content: string;
  changed: boolean;
  /** "Block inserted", "Block removed", "File created", "". */
  msg: string;
}

/** The marker line for one end: "{mark}" replaced by marker_begin or marker_end. */
export function markerLine(marker: string, mark: string): string {
  return `${marker.replaceAll("{mark}", mark)}${NL}`;
}

/**
 * blockinfile on a file's text (`undefined`: absent, to be created). An existing block (its last
 * begin and last end marker) is replaced in place, or removed with state=absent or an empty
 * block; a new one goes after the last line matching insertafter (before the last matching
 * insertbefore; a (?m) expression is searched in the whole text), at BOF, or at EOF.
 */
export function editBlock(content: string | undefined, spec: BlockSpec): BlockEdit {
  const present = spec.state === "present";
  if (!present && content === undefined) return { content: "", changed: false, msg: "File not present" };
  const original = content ?? "";
  const lines = splitLinesKeep(original);
  let insertafter = spec.insertafter;
  const insertbefore = spec.insertbefore;
  if (insertafter === undefined && insertbefore === undefined) insertafter = "EOF";
  const insPattern = insertafter !== undefined && insertafter !== "EOF" ? insertafter : insertbefore !== undefined && insertbefore !== "BOF" ? insertbefore : undefined;
  const insRe = insPattern !== undefined ? regexArg(insPattern, insertafter !== undefined ? "insertafter" : "insertbefore") : undefined;

  const begin = markerLine(spec.marker, spec.marker_begin);
  const end = markerLine(spec.marker, spec.marker_end);
  let blockLines: string[] = [];
  if (present && spec.block !== "") {
    const block = spec.block.endsWith(NL) ? spec.block : spec.block + NL;
    blockLines = [begin, ...splitLinesKeep(block), end];
  }

  let n0: number | undefined;
  let n1: number | undefined;
  for (const [i, l] of lines.entries()) {
    if (l === begin) n0 = i;
    if (l === end) n1 = i;
  }

  let at: number;
  if (n0 === undefined || n1 === undefined) {
    let found: number | undefined;
    if (insRe && insPattern !== undefined) {
      if (pyRegexFlags(insPattern, { bytes: true }).multiline) {
        const m = pySearch(insRe, original);
        if (m) {
          const upTo = insertafter !== undefined ? m.index + m[0].length : m.index;
          found = countNewlines(original.slice(0, upTo));
        }
      } else {
        for (const [i, l] of lines.entries()) if (pySearch(insRe, l) !== null) found = i;
      }
      if (found === undefined) at = lines.length;
      else at = insertafter !== undefined ? found + 1 : found;
    } else if (insertbefore !== undefined) {
      at = 0; // BOF
    } else {
      at = lines.length; // EOF
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
    at = n0;
  } else {
    lines.splice(n1, n0 - n1 + 1);
    at = n1;
  }

  // A line without its separator before the block gets one, as Ansible does. (Only when
  // there is a block to insert: Ansible also adds it when removing, turning a no-op
  // state=absent on a file without a final newline into a change every run.)
  const prev = lines[at - 1];
  if (at > 0 && prev !== undefined && !prev.endsWith(NL) && blockLines.length > 0) lines[at - 1] = prev + NL;

  if (spec.prepend_newline && present && blockLines.length > 0 && at !== 0 && lines[at - 1] !== NL) {
    lines.splice(at, 0, NL);
    at++;
  }
  lines.splice(at, 0, ...blockLines);
  if (spec.append_newline && present && blockLines.length > 0) {
    const after = at + blockLines.length;
    if (after < lines.length && lines[after] !== NL) lines.splice(after, 0, NL);
  }

  const result = lines.join("");
  if (content === undefined) return { content: result, changed: true, msg: "File created" };
  if (result === original) return { content, changed: false, msg: "" };
  return { content: result, changed: true, msg: blockLines.length === 0 ? "Block removed" : "Block inserted" };
}

function countNewlines(s: string): number {
  let n = 0;
  for (const c of s) if (c === NL) n++;
  return n;
}
