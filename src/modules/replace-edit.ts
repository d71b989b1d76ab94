import { PyRegexError, compilePyRegex, pySearch, pySub } from "../python/regex.js";
import { ModuleError } from "./contract.js";

// Pure text replacement with the semantics of ansible.builtin.replace (ansible-core 2.14): unlike
// lineinfile, the patterns are str patterns (\w \d \s are Unicode), regexp is compiled with
// MULTILINE and applied to the whole text (or the part between after and before) by re.subn.

export interface ReplaceSpec {
  regexp: string;
  /** Python's re.sub template: \1, \g<name>, \n ...; "" removes the matches. */
  replace: string;
  after?: string | undefined;
  before?: string | undefined;
}

export interface ReplaceEdit {
  content: string;
  changed: boolean;
  /** replace's msg: "N replacements made", "" or the before/after mismatch. */
  msg: string;
}

/** `what`: the argument at fault, with its value when the pattern was built from it. */
function compile(pattern: string, what: string, options: { multiline?: boolean; dotall?: boolean }): RegExp {
  try {
    return compilePyRegex(pattern, options);
  } catch (err) {
    if (err instanceof PyRegexError) throw new ModuleError(`invalid ${what} ${JSON.stringify(pattern)}: ${err.reason}`);
    throw err;
  }
}

/**
 * replace on a file's text. With after and/or before, only the text between the first match of
 * after and the next match of before (DOTALL: across lines) is searched; when they do not match,
 * nothing changes. A change is reported only when the text differs, whatever the count.
 */
export function editReplace(content: string, spec: ReplaceSpec): ReplaceEdit {
  // Python's truthiness: an empty after or before is no bound.
  const { after, before } = spec;
  let pattern = "";
  if (after && before) pattern = `${after}(?P<subsection>.*?)${before}`;
  else if (after) pattern = `${after}(?P<subsection>.*)`;
  else if (before) pattern = `(?P<subsection>.*)${before}`;

  let start = 0;
  let end = content.length;
  if (pattern) {
    const what = [after ? `after ${JSON.stringify(after)}` : "", before ? `before ${JSON.stringify(before)}` : ""].filter(Boolean).join(" and ");
    const re = compile(pattern, `${what}: the pattern`, { dotall: true });
    // The `d` flag gives the group's indices, which re's match.start/end('subsection') are.
    const m = pySearch(new RegExp(re.source, `${re.flags}d`), content);
    const at = m?.indices?.groups?.subsection;
    if (!at) return { content, changed: false, msg: `Pattern for before/after params did not match the given file: ${pattern}` };
    [start, end] = at;
  }
  const section = content.slice(start, end);
  const re = compile(spec.regexp, "regexp", { multiline: true });
  let result: { output: string; subs: number };
  try {
    result = pySub(re, spec.replace, section);
  } catch (err) {
    if (err instanceof PyRegexError) throw new ModuleError(`invalid replace ${JSON.stringify(spec.replace)}: ${err.reason}`);
    throw err;
  }
  if (result.subs === 0 || result.output === section) return { content, changed: false, msg: "" };
  return { content: content.slice(0, start) + result.output + content.slice(end), changed: true, msg: `${result.subs} replacements made` };
}
