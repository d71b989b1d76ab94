import { TemplateSyntaxError } from "../errors.js";
import type { NodeList, TemplateProps } from "../nunjucks/internals.js";
import { JinjaCompiler, type KnownCallables } from "./compiler.js";
import { createTokenizer, jinjaSource } from "./lexer.js";
import { JinjaParser } from "./parser.js";

// Source text → JavaScript module text → template functions. Parse errors keep the position the
// parser reports; errors from the tokenizer itself (an unterminated comment) take the position the
// tokenizer stopped at.

export interface CompiledTemplate {
  props: TemplateProps;
  references: readonly { name: string; optional: boolean }[];
}

interface Positioned {
  lineno?: number;
  colno?: number;
}

/** Ansible's template module: trim_blocks on, lstrip_blocks off. */
const LEXER_OPTIONS = { trimBlocks: true, lstripBlocks: false } as const;

/** The syntax tree of a template that compiles (static analysis reads it; errors are compile's to report). */
export function parseSource(source: string): NodeList {
  return new JinjaParser(createTokenizer(jinjaSource(source), LEXER_OPTIONS)).parseAsRoot();
}

/** How a template's text is read; a variable's value is read with `escapeBackslashes`, as Ansible does. */
export interface CompileOptions {
  escapeBackslashes?: boolean;
}

export function compileTemplate(source: string, file: string, known: KnownCallables, options: CompileOptions = {}): CompiledTemplate {
  const tokens = createTokenizer(jinjaSource(source), { ...LEXER_OPTIONS, ...options });
  let code: string;
  let references: CompiledTemplate["references"];
  try {
    const ast = new JinjaParser(tokens).parseAsRoot();
    const compiler = new JinjaCompiler(file, known);
    compiler.compile(ast);
    code = compiler.getCode();
    references = compiler.references;
  } catch (e) {
    const err = e as Error & Positioned;
    const line = typeof err.lineno === "number" ? err.lineno : tokens.lineno + 1;
    const column = typeof err.colno === "number" ? err.colno : tokens.colno + 1;
    // Nunjucks prefixes some messages with its parser method ("parseIf: ..."): not for operators.
    const detail = (err.message ?? String(e)).replace(/^\(unknown path\)\s*/, "").replace(/^parse\w+: /, "");
    throw new TemplateSyntaxError(detail, { file, line, column }, { cause: e });
  }
  let props: TemplateProps;
  try {
    props = new Function(code)() as TemplateProps;
  } catch (e) {
    // The generated code did not load: a compiler defect, reported against the template.
    throw new TemplateSyntaxError(`internal error compiling template: ${String(e)}`, { file, line: 0, column: 0 }, { cause: e });
  }
  return { props, references };
}
