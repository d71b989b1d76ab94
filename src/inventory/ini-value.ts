import { isPyErrorSubclass, literalEval } from "../python/literal-eval.js";
import { plainOf } from "../template/values/exact-vars.js";
import { PyBytes } from "../template/values/py-bytes.js";

/**
 * An INI inventory value typed as Ansible's ini plugin types it (`_parse_value`): the Python
 * literal the text spells, else the text itself when literal_eval raises ValueError or
 * SyntaxError (`yes`, `hello world`, `10.0.0.1`); top-level bytes become text (to_text). Any
 * other failure (an unhashable dict key, nesting too deep) fails the file in Ansible too; it is
 * thrown here for the parser to name the line. `exact` keeps the Python form (a float 2.0, a
 * tuple, an int past 2^53) for templates, when it differs from the plain value.
 */
export function iniValue(text: string): { value: unknown; exact?: unknown } {
  const r = literalEval(text);
  if (!r.ok) {
    const keepText = r.errorClass !== "Unsupported" && (isPyErrorSubclass(r.errorClass, "ValueError") || isPyErrorSubclass(r.errorClass, "SyntaxError"));
    if (keepText) return { value: text };
    throw new Error(r.error);
  }
  const value = r.value instanceof PyBytes ? bytesToText(r.value) : r.value;
  const plain = plainOf(value);
  return plain === value ? { value } : { value: plain, exact: value };
}

function bytesToText(b: PyBytes): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(b.bytes);
  } catch {
    throw new Error("a bytes literal that is not UTF-8 text");
  }
}
