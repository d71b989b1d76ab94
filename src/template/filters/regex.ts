import { PyRegexError, type PyRegexOptions, compilePyRegex, pyFindIter, pyReEscape, pySearch, pySub } from "../../python/regex.js";
import { FilterError, TemplateValueError } from "../errors.js";
import { tuple } from "../values/tagged.js";
import { flag, int, optionalText, text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Ansible's regex filters with Python `re` semantics (src/python/regex.ts translates the
// syntax): regex_replace (re.subn, count, mandatory_count), regex_search (group selection with
// '\\1' / '\\g<name>'), regex_findall (re.findall's string/tuple results), regex_escape.

/** re.compile for a filter: a pattern Python rejects fails the filter with Python's reason. */
function compile(pattern: string, options: PyRegexOptions): RegExp {
  try {
    return compilePyRegex(pattern, options);
  } catch (err) {
    if (err instanceof PyRegexError) throw new TemplateValueError(`invalid regular expression '${pattern}': ${err.reason}`);
    throw err;
  }
}

export const regexFilters: FilterTable = {
  regex_replace: defineFilter(
    ["pattern", "replacement", "ignorecase", "multiline", "count", "mandatory_count"],
    (v, [pattern, replacement, ignorecase, multiline, count, mandatory]) => {
      const re = compile(optionalText(pattern, ""), { ignorecase: flag(ignorecase), multiline: flag(multiline) });
      let result: { output: string; subs: number };
      try {
        result = pySub(re, optionalText(replacement, ""), text(v), int("regex_replace", count, 0, "count"));
      } catch (err) {
        if (err instanceof PyRegexError) throw new TemplateValueError(err.message);
        throw err;
      }
      const { output, subs } = result;
      const required = int("regex_replace", mandatory, 0, "mandatory_count");
      if (required !== 0 && required !== subs) {
        throw new FilterError("regex_replace", `'${optionalText(pattern, "")}' should match ${required} times, but matches ${subs} times in '${text(v)}'`);
      }
      return output;
    },
  ),
  regex_search: defineFilter(["regex", "*args", "**kwargs"], (v, [pattern, argsRaw, kwargsRaw]) => {
    const kwargs = kwargsRaw as Readonly<Record<string, unknown>>;
    const groups = (argsRaw as unknown[]).map((arg) => {
      const a = text(arg);
      const named = /^\\g<(\S+)>/.exec(a);
      if (named !== null) return /^\d+$/.test(named[1] ?? "") ? Number(named[1]) : (named[1] ?? "");
      const numbered = /^\\(\d+)/.exec(a);
      if (numbered !== null) return Number(numbered[1]);
      throw new FilterError("regex_search", "Unknown argument");
    });
    const re = compile(text(pattern), { ignorecase: flag(kwargs.ignorecase), multiline: flag(kwargs.multiline) });
    const m = pySearch(re, text(v));
    if (m === null) return null;
    if (groups.length === 0) return m[0];
    return groups.map((g) => (typeof g === "number" ? (m[g] ?? null) : (m.groups?.[g] ?? null)));
  }),
  regex_findall: defineFilter(["regex", "multiline", "ignorecase"], (v, [pattern, multiline, ignorecase]) => {
    const re = compile(text(pattern), { ignorecase: flag(ignorecase), multiline: flag(multiline) });
    const out: unknown[] = [];
    for (const m of pyFindIter(re, text(v))) {
      if (m.length === 1) out.push(m[0]);
      else if (m.length === 2) out.push(m[1] ?? "");
      else out.push(tuple(m.slice(1).map((g) => g ?? "")));
    }
    return out;
  }),
  regex_escape: defineFilter(["re_type"], (v, [reType]) => {
    const s = text(v);
    switch (optionalText(reType, "python")) {
      case "python":
        return pyReEscape(s);
      case "posix_basic":
        return s.replace(/[\].[^$*\\]/g, (c) => `\\${c}`);
      case "posix_extended":
        return s.replace(/[\^$.*+?[\]|(){}\\]/g, (c) => `\\${c}`);
      default:
        throw new FilterError("regex_escape", `Invalid regex type (${optionalText(reType, "")})`);
    }
  }),
};
