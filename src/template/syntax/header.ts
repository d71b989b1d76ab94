import { TemplateSyntaxError } from "../errors.js";
import { literalEval } from "../../python/literal-eval.js";
import { pyTruthy } from "../values/compare.js";
import { pyTypeName } from "../values/kinds.js";
import type { JinjaSyntaxOptions } from "./settings.js";

// A template's `#jinja2: key: value, key: value` first line, read as ansible-core 2.14's
// Templar.do_template reads it: only when the text starts with exactly "#jinja2:"; the rest of
// the first line split at every comma, each piece at its first colon, the value a Python literal;
// then the line is gone from what renders. The line ends at the first "\n"; a template of that
// line alone and no newline keeps all its text, and the line's last character is lost (Ansible
// slices to index -1), so `#jinja2: trim_blocks: False` alone fails as it does there.
//
// Each key is set on the Jinja2 environment. Keys that are not Environment attributes change
// nothing there, so they change nothing here; attributes whose effect this engine does not
// reproduce are refused rather than silently rendered differently.

export const HEADER_PREFIX = "#jinja2:";

export interface TemplateHeader {
  /** What compiles: the source without the header line. */
  body: string;
  /** How many lines were removed above `body` (positions in it are shifted back by this). */
  lineOffset: number;
  options: JinjaSyntaxOptions;
}

const FLAGS = new Set(["trim_blocks", "lstrip_blocks", "keep_trailing_newline"] as const);
const STRINGS = new Set([
  "newline_sequence",
  "block_start_string",
  "block_end_string",
  "variable_start_string",
  "variable_end_string",
  "comment_start_string",
  "comment_end_string",
] as const);
/** Environment attributes whose change leaves Ansible's template output as it was. */
const NO_EFFECT = new Set(["autoescape", "optimized", "auto_reload", "cache", "bytecode_cache"]);
/** Off when None, and then nothing changes. */
const PREFIXES = new Set(["line_statement_prefix", "line_comment_prefix"]);
/** Attributes of Ansible's Jinja2 environment (instance and class): setting them changes how templates work. */
const ENVIRONMENT_ATTRIBUTES = new Set([
  "extensions", "filters", "finalize", "globals", "is_async", "loader", "policies", "tests", "undefined",
  "code_generator_class", "concat", "context_class", "template_class", "lexer", "linked_to", "overlayed",
  "sandboxed", "shared", "add_extension", "call_filter", "call_test", "compile", "compile_expression",
  "compile_templates", "extend", "from_string", "get_or_select_template", "get_template", "getattr", "getitem",
  "handle_exception", "iter_extensions", "join_path", "lex", "list_templates", "make_globals", "overlay",
  "parse", "preprocess", "select_template",
]);

function isFlag(key: string): key is "trim_blocks" | "lstrip_blocks" | "keep_trailing_newline" {
  return (FLAGS as Set<string>).has(key);
}
function isString(key: string): key is Exclude<keyof JinjaSyntaxOptions, "trim_blocks" | "lstrip_blocks" | "keep_trailing_newline"> {
  return (STRINGS as Set<string>).has(key);
}

/** The header of `source`, or undefined when it has none. Errors name `file`, line 1 and the column of the bad piece. */
export function readHeader(source: string, file: string): TemplateHeader | undefined {
  if (!source.startsWith(HEADER_PREFIX)) return undefined;
  const eol = source.indexOf("\n");
  const line = eol === -1 ? source.slice(HEADER_PREFIX.length, -1) : source.slice(HEADER_PREFIX.length, eol);
  const options: JinjaSyntaxOptions = {};
  let column = HEADER_PREFIX.length + 1;
  for (const pair of line.split(",")) {
    const at = { file, line: 1, column: column + (pair.length - pair.trimStart().length) };
    column += pair.length + 1;
    const colon = pair.indexOf(":");
    if (colon === -1) {
      throw new TemplateSyntaxError(`#jinja2: cannot read '${pair.trim()}': the first line takes 'key: value' pairs separated by commas`, at);
    }
    const key = pair.slice(0, colon).trim();
    const text = pair.slice(colon + 1).trim();
    // Ansible: setattr(environment, key, ast.literal_eval(val.strip())); whatever literal_eval raises fails the task.
    const parsed = literalEval(text);
    if (!parsed.ok) {
      throw new TemplateSyntaxError(`#jinja2: the value of ${key} is not a Python literal (${text === "" ? "nothing" : text}): ${parsed.errorClass}: ${parsed.error}`, at);
    }
    const value = parsed.value;
    if (isFlag(key)) {
      // Jinja2 only asks whether the value is true: "false" in quotes is a true value there.
      options[key] = pyTruthy(value);
    } else if (isString(key)) {
      if (typeof value !== "string") throw new TemplateSyntaxError(`#jinja2: ${key} must be a string, got ${pyTypeName(value)} (${text})`, at);
      if (value === "") throw new TemplateSyntaxError(`#jinja2: ${key} cannot be empty`, at);
      options[key] = value;
    } else if (PREFIXES.has(key)) {
      if (value !== null) throw new TemplateSyntaxError(`#jinja2: ${key} (Jinja2 line statements and line comments) is not supported`, at);
    } else if (ENVIRONMENT_ATTRIBUTES.has(key)) {
      throw new TemplateSyntaxError(`#jinja2: ${key} cannot be set from a template by this engine`, at);
    } else if (!NO_EFFECT.has(key)) {
      // Ansible sets it on the environment, where nothing reads it: the template renders as without it.
    }
  }
  return { body: source.slice(eol + 1), lineOffset: eol === -1 ? 0 : 1, options };
}
