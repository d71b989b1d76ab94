// Ansible 2.14's ansible_eval_concat (jinja2_native off, its default): a variable's value rendered
// as a template is text, except that text which looks like a Python literal list or dict
// (starts with `{` or `[`) or is exactly `True`/`False` becomes that value. So `"{{ 1 + 1 }}"` is
// the string "2" while `"{{ my_list }}"` is a list again.

/**
 * The value of a rendered variable template. `text` is Jinja2's output before Ansible puts back
 * the trailing newlines it dropped.
 */
export function evalConcat(text: string): unknown {
  if (text === "True") return true;
  if (text === "False") return false;
  return text;
}
