import { parse, parseAllDocuments, type Tags } from "yaml";
import { FilterError } from "../errors.js";
import { pyTruthy } from "../values/compare.js";
import { numericValue } from "../values/py-float.js";
import { pyYamlDump, type DumpOptions } from "../yaml/dump.js";
import { text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// to_yaml / to_nice_yaml through our PyYAML emitter port (byte-identical with Ansible for
// JSON-like data), from_yaml / from_yaml_all with YAML 1.1 rules (yes/no are booleans), as
// PyYAML's SafeLoader reads them.

function dumpOptions(filter: string, kw: Readonly<Record<string, unknown>>, base: DumpOptions): DumpOptions {
  const opts: DumpOptions = { ...base };
  for (const [key, value] of Object.entries(kw)) {
    switch (key) {
      case "indent":
        opts.indent = numericValue(value);
        break;
      case "width":
        opts.width = numericValue(value);
        break;
      case "default_flow_style":
        opts.defaultFlowStyle = value === null ? null : pyTruthy(value);
        break;
      case "sort_keys":
        opts.sortKeys = pyTruthy(value);
        break;
      case "explicit_start":
        opts.explicitStart = pyTruthy(value);
        break;
      case "explicit_end":
        opts.explicitEnd = pyTruthy(value);
        break;
      case "allow_unicode":
        opts.allowUnicode = pyTruthy(value);
        break;
      case "vault_behavior":
        break;
      default:
        throw new FilterError(filter, `unsupported keyword argument '${key}'`);
    }
  }
  return opts;
}

// PyYAML reads a timestamp as a datetime.date, which prints as its source text ("2024-01-02");
// kept as that text rather than a JS Date (which prints as neither).
const YAML_11 = {
  version: "1.1",
  customTags: (tags: Tags): Tags => tags.filter((t) => typeof t !== "object" || t.tag !== "tag:yaml.org,2002:timestamp"),
} as const;

function load(filter: string, source: string): unknown {
  try {
    return parse(source, YAML_11) as unknown;
  } catch (e) {
    throw new FilterError(filter, (e as Error).message, { cause: e });
  }
}

export const yamlFilters: FilterTable = {
  to_yaml: defineFilter(["**kw"], (v, [kw]) => pyYamlDump(v, dumpOptions("to_yaml", kw as Record<string, unknown>, { defaultFlowStyle: null }))),
  to_nice_yaml: defineFilter(["indent", "**kw"], (v, [indent, kw]) =>
    pyYamlDump(v, dumpOptions("to_nice_yaml", kw as Record<string, unknown>, { indent: indent === undefined ? 4 : numericValue(indent), defaultFlowStyle: false })),
  ),
  from_yaml: defineFilter([], (v) => (v === null ? null : typeof v === "string" ? load("from_yaml", v) : v)),
  from_yaml_all: defineFilter([], (v) => {
    if (v === null) return [];
    try {
      return parseAllDocuments(text(v), YAML_11).map((d) => d.toJS() as unknown);
    } catch (e) {
      throw new FilterError("from_yaml_all", (e as Error).message, { cause: e });
    }
  }),
};
