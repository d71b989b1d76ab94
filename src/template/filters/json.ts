import { FilterError } from "../errors.js";
import { pyJsonDumps, pyJsonLoads, type DumpOptions } from "../values/json.js";
import { numericValue } from "../values/py-float.js";
import { pyTruthy } from "../values/compare.js";
import { text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// to_json / to_nice_json / from_json as Ansible defines them: json.dumps with Python's defaults
// (ensure_ascii, ", " separators), and to_nice_json = indent 4, sort_keys, separators (',', ': ').

function dumpOptions(filter: string, kw: Readonly<Record<string, unknown>>, base: DumpOptions): DumpOptions {
  const opts: DumpOptions = { ...base };
  for (const [key, value] of Object.entries(kw)) {
    switch (key) {
      case "indent":
        opts.indent = value === null ? null : typeof value === "string" ? value : (numericValue(value) ?? null);
        break;
      case "sort_keys":
        opts.sortKeys = pyTruthy(value);
        break;
      case "ensure_ascii":
        opts.ensureAscii = pyTruthy(value);
        break;
      case "separators":
        if (!Array.isArray(value) || value.length !== 2) throw new FilterError(filter, "separators must be an (item_separator, key_separator) pair");
        opts.separators = [text(value[0]), text(value[1])];
        break;
      case "vault_to_text":
      case "preprocess_unsafe":
      case "profile":
        break;
      default:
        throw new FilterError(filter, `unexpected keyword argument '${key}'`);
    }
  }
  return opts;
}

export const jsonFilters: FilterTable = {
  to_json: defineFilter(["**kw"], (v, [kw]) => pyJsonDumps(v, dumpOptions("to_json", kw as Record<string, unknown>, {}))),
  to_nice_json: defineFilter(["indent", "sort_keys", "**kw"], (v, [indent, sortKeys, kw]) => {
    const rest = { ...(kw as Record<string, unknown>) };
    delete rest.separators;
    const opts = dumpOptions("to_nice_json", rest, {
      indent: indent === undefined ? 4 : (numericValue(indent) ?? 4),
      sortKeys: sortKeys === undefined ? true : pyTruthy(sortKeys),
    });
    return pyJsonDumps(v, { ...opts, separators: [",", ": "] });
  }),
  from_json: defineFilter(["**kw"], (v) => {
    try {
      return pyJsonLoads(text(v));
    } catch (e) {
      throw new FilterError("from_json", (e as Error).message, { cause: e });
    }
  }),
};
