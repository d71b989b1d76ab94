import { z } from "zod";

// The lexer settings of a Jinja2 environment that change how a template reads: whitespace
// handling, the newline written for every line break, and the delimiters. Ansible's template
// module starts from trim_blocks on, lstrip_blocks off, trailing newline dropped (then put back,
// see preserveTrailingNewlines), "\n"; its task arguments and a template's `#jinja2:` first line
// change them. The names are Jinja2's, as Ansible users write them.

const Delimiter = z.string().min(1, { message: "a delimiter cannot be empty" });

export const JinjaSyntaxOptions = z.strictObject({
  trim_blocks: z.boolean().optional().describe("Drop the first newline after a block tag (default true, as Ansible's template module)."),
  lstrip_blocks: z.boolean().optional().describe("Strip spaces and tabs from the start of a line up to a block tag (default false)."),
  keep_trailing_newline: z.boolean().optional().describe("Keep a template's final newline as Jinja2 would drop it (default false; Ansible puts it back)."),
  newline_sequence: z.string().min(1).optional().describe("The line break written for every line (default \"\\n\")."),
  block_start_string: Delimiter.optional().describe('The block tag\'s opening delimiter (default "{%").'),
  block_end_string: Delimiter.optional().describe('The block tag\'s closing delimiter (default "%}").'),
  variable_start_string: Delimiter.optional().describe('The expression\'s opening delimiter (default "{{").'),
  variable_end_string: Delimiter.optional().describe('The expression\'s closing delimiter (default "}}").'),
  comment_start_string: Delimiter.optional().describe('The comment\'s opening delimiter (default "{#").'),
  comment_end_string: Delimiter.optional().describe('The comment\'s closing delimiter (default "#}").'),
});
export type JinjaSyntaxOptions = z.infer<typeof JinjaSyntaxOptions>;
export type JinjaSyntax = Required<JinjaSyntaxOptions>;

/** Ansible's template module with no options and no header. */
export const ANSIBLE_SYNTAX: JinjaSyntax = Object.freeze({
  trim_blocks: true,
  lstrip_blocks: false,
  keep_trailing_newline: false,
  newline_sequence: "\n",
  block_start_string: "{%",
  block_end_string: "%}",
  variable_start_string: "{{",
  variable_end_string: "}}",
  comment_start_string: "{#",
  comment_end_string: "#}",
});

/** `base` with the options that are set laid on top. */
export function withSyntax(base: JinjaSyntax, options: JinjaSyntaxOptions | undefined): JinjaSyntax {
  const out: JinjaSyntax = { ...base };
  for (const [k, v] of Object.entries(options ?? {}) as [keyof JinjaSyntax, JinjaSyntax[keyof JinjaSyntax] | undefined][]) {
    if (v !== undefined) Object.assign(out, { [k]: v });
  }
  return out;
}

/** One string per distinct syntax: templates compiled under one syntax are cached under it. */
export function syntaxKey(s: JinjaSyntax): string {
  return JSON.stringify(Object.keys(ANSIBLE_SYNTAX).map((k) => s[k as keyof JinjaSyntax]));
}
