import { isPyErrorSubclass, literalEval } from "../python/literal-eval.js";

// Ansible 2.14's ansible_eval_concat (jinja2_native off, its default): a variable's value rendered
// as a template is text, except that text which looks like a Python literal list or dict (starts
// with `{` or `[`) or is exactly `True`/`False` becomes that value, read by ast.literal_eval with
// `true`/`false`/`null` taken as JSON's (Json2Python). So `"{{ 1 + 1 }}"` is the string "2" while
// `"{{ my_list }}"` is a list again. A template whose whole output is one of the "string type
// filters" (`{{ x | to_json }}`) stays text: Ansible wraps those filters' results as
// NativeJinjaText, which concat returns untouched.

/** ansible-core's STRING_TYPE_FILTERS default (jinja2.dont_type_filters). */
const STRING_TYPE_FILTERS: ReadonlySet<string> = new Set(["string", "to_json", "to_nice_json", "to_yaml", "to_nice_yaml", "ppretty", "json"]);

/** The text looks like a literal that Python evaluates and Ansible lets fail (TypeError, RecursionError), or one this port cannot evaluate. */
export class LiteralValueError extends Error {
  override name = "LiteralValueError";
}

/**
 * The value of a rendered variable template. `text` is Jinja2's output before Ansible puts back
 * the trailing newlines it dropped; `loneFilter` the filter whose result is all of it, if so.
 */
export function evalConcat(text: string, loneFilter?: string): unknown {
  if (loneFilter !== undefined && STRING_TYPE_FILTERS.has(loneFilter)) return text;
  if (!(text.startsWith("{") || text.startsWith("[") || text === "True" || text === "False")) return text;
  // ast.parse(out, mode='eval') then literal_eval of the tree: no lstrip of the text.
  const r = literalEval(text, { lstrip: false, jsonNames: true });
  if (r.ok) return r.value;
  if (r.errorClass === "Unsupported") throw new LiteralValueError(`the text looks like a Python literal this port cannot evaluate: ${r.error}`);
  // except (ValueError, SyntaxError, MemoryError): the text stays; anything else fails the template.
  if (isPyErrorSubclass(r.errorClass, "ValueError") || isPyErrorSubclass(r.errorClass, "SyntaxError") || isPyErrorSubclass(r.errorClass, "MemoryError")) return text;
  throw new LiteralValueError(`ast.literal_eval of the text raised ${r.error}`);
}
