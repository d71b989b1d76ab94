import { TemplateSyntaxError } from "../errors.js";
import { nunjucksInternals, type NodeList, type TemplateProps, type Tokenizer, type ValueNode } from "../nunjucks/internals.js";
import { JinjaCompiler, type KnownCallables } from "./compiler.js";
import { createTokenizer, jinjaSource } from "./lexer.js";
import { JinjaParser } from "./parser.js";
import type { JinjaSyntax } from "./settings.js";

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

/** What a template's text is compiled from: its source, the syntax, and the line its source starts at (below a removed header). */
export interface SourceUnit {
  source: string;
  syntax: JinjaSyntax;
  /** Lines above `source` in the file (a removed `#jinja2:` line). */
  lineOffset: number;
}

function tokenize(unit: SourceUnit): Tokenizer {
  return createTokenizer(jinjaSource(unit.source, unit.syntax), unit.syntax, unit.lineOffset);
}

/** The syntax tree of a template that compiles (static analysis reads it; errors are compile's to report). */
export function parseSource(unit: SourceUnit): NodeList {
  return new JinjaParser(tokenize(unit), unit.syntax.lstrip_blocks).parseAsRoot();
}

/** Template text is written with the newline sequence, as Jinja2's lexer writes it. */
function applyNewlineSequence(ast: NodeList, newline: string): void {
  if (newline === "\n") return;
  for (const node of ast.findAll(nunjucksInternals.nodes.TemplateData as never) as ValueNode[]) {
    if (typeof node.value === "string") node.value = node.value.replace(/\n/g, newline);
  }
}

export function compileTemplate(unit: SourceUnit, file: string, known: KnownCallables): CompiledTemplate {
  const tokens = tokenize(unit);
  let code: string;
  let references: CompiledTemplate["references"];
  try {
    const ast = new JinjaParser(tokens, unit.syntax.lstrip_blocks).parseAsRoot();
    applyNewlineSequence(ast, unit.syntax.newline_sequence);
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
