import { TemplateSyntaxError } from "../errors.js";
import { nunjucksInternals, type NodeList, type TemplateProps, type Tokenizer, type ValueNode } from "../nunjucks/internals.js";
import { JinjaCompiler, type KnownCallables } from "./compiler.js";
import { createTokenizer, jinjaSource } from "./lexer.js";
import { AssignNodeClass } from "./nodes.js";
import { JinjaParser } from "./parser.js";
import type { JinjaSyntax } from "./settings.js";

// Source text → JavaScript module text → template functions. Parse errors keep the position the
// parser reports; errors from the tokenizer itself (an unterminated comment) take the position the
// tokenizer stopped at.

export interface CompiledTemplate {
  props: TemplateProps;
  references: readonly { name: string; optional: boolean }[];
  /** The filter whose result is the template's whole output (`{{ x | to_json }}` and nothing else), if so. */
  loneFilter: string | undefined;
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
  /** A variable's value is read with Ansible's escape_backslashes (see createTokenizer); a template file is not. */
  escapeBackslashes?: boolean;
}

function tokenize(unit: SourceUnit): Tokenizer {
  return createTokenizer(jinjaSource(unit.source, unit.syntax), unit.syntax, unit.lineOffset, unit.escapeBackslashes === true);
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

/** A part of a template that outputs nothing (or nothing but empty text). */
const NO_OUTPUT = Symbol("no output");
type Lone = string | undefined | typeof NO_OUTPUT;

/** Both branches of an `{% if %}`: the filter when each gives it or nothing. */
function eitherBranch(a: Lone, b: Lone): Lone {
  if (a === NO_OUTPUT) return b;
  if (b === NO_OUTPUT) return a;
  return a === b ? a : undefined;
}

/**
 * The filter whose result is the whole output of `node` when that output is one Jinja2 node:
 * one `{{ }}` whose expression is a filter call, alone or as the only output of the branches of
 * `{% if %}` blocks (Jinja2 yields the taken branch's nodes at the root, so the concat still sees
 * one node). Anything else that outputs (text, loops, includes) makes it undefined.
 */
function loneOutput(node: unknown): Lone {
  const { nodes } = nunjucksInternals;
  if (node === null || node === undefined) return NO_OUTPUT;
  if (node instanceof nodes.If) return eitherBranch(loneOutput(node.body), loneOutput(node.else_));
  if (node instanceof nodes.Output) {
    const outputs = node.children.filter((c) => !(c instanceof nodes.TemplateData && c.value === ""));
    if (outputs.length === 0) return NO_OUTPUT;
    if (outputs.length !== 1) return undefined;
    let expr = outputs[0];
    while (expr instanceof nodes.Group && expr.children.length === 1) expr = expr.children[0];
    if (!(expr instanceof nodes.Filter) || !(expr.name instanceof nodes.Symbol)) return undefined;
    return typeof expr.name.value === "string" ? expr.name.value : undefined;
  }
  if (node instanceof nodes.NodeList) {
    let found: Lone = NO_OUTPUT;
    for (const child of node.children) {
      // `{% set %}` outputs nothing; it may sit beside the one output.
      if (child instanceof AssignNodeClass) continue;
      const lone = loneOutput(child);
      if (lone === NO_OUTPUT) continue;
      if (found !== NO_OUTPUT || lone === undefined) return undefined;
      found = lone;
    }
    return found;
  }
  return undefined;
}

/**
 * The filter that makes the whole output when Jinja2 hands the environment's concat a filter's
 * result as its only node (see loneOutput).
 */
function loneFilterOf(ast: NodeList): string | undefined {
  const lone = loneOutput(ast);
  return lone === NO_OUTPUT ? undefined : lone;
}

export function compileTemplate(unit: SourceUnit, file: string, known: KnownCallables): CompiledTemplate {
  const tokens = tokenize(unit);
  let code: string;
  let references: CompiledTemplate["references"];
  let loneFilter: string | undefined;
  try {
    const ast = new JinjaParser(tokens, unit.syntax.lstrip_blocks).parseAsRoot();
    loneFilter = loneFilterOf(ast);
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
  return { props, references, loneFilter };
}
