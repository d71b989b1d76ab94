// Which strings Ansible's Templar sends to Jinja2 at all, and its shortcut for a lone variable.

/** Templar.is_possibly_template: the string holds a block, variable or comment start. */
export function isPossiblyTemplate(s: string): boolean {
  return s.includes("{%") || s.includes("{{") || s.includes("{#");
}

/**
 * Templar.SINGLE_VAR: `{{ name }}` and nothing else. When `name` holds a number or a boolean (or
 * null), Templar returns that value itself instead of rendering it to text.
 */
// Python's \w is Unicode-aware and its `$` also matches before a final newline.
const SINGLE_VAR = /^\{\{\s*([\p{L}\p{N}_]*)\s*\}\}\n?$/u;

export function singleVariable(s: string): string | undefined {
  return SINGLE_VAR.exec(s)?.[1];
}
