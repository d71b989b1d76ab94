// A typed view of the parts of Nunjucks 3.2.4 that its public typings leave out: the lexer, the
// parser, the AST node classes, the compiler and the runtime Frame. We subclass the parser and the
// compiler (Jinja2 grammar and Python semantics), so these shapes are load-bearing: they mirror
// node_modules/nunjucks/src/*.js and must be re-checked when Nunjucks is upgraded.
import { createRequire } from "node:module";

export interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

export interface Tokenizer {
  str: string;
  index: number;
  len: number;
  lineno: number;
  colno: number;
  in_code: boolean;
  trimBlocks: boolean;
  tags: {
    BLOCK_START: string;
    BLOCK_END: string;
    VARIABLE_START: string;
    VARIABLE_END: string;
    COMMENT_START: string;
    COMMENT_END: string;
  };
  nextToken(): Token | null;
  current(): string;
  forward(): void;
  isFinished(): boolean;
  _parseString(delimiter: string): string;
}

export interface Node {
  lineno: number;
  colno: number;
  readonly typename: string;
  readonly fields: readonly string[];
  findAll<T extends Node>(type: new (...args: never[]) => T, results?: T[]): T[];
}

export interface ValueNode extends Node {
  value: unknown;
}
export interface NodeList extends Node {
  children: Node[];
  addChild(node: Node): void;
}
export interface PairNode extends Node {
  key: Node;
  value: Node;
}
export interface LookupValNode extends Node {
  target: Node;
  val: Node;
}
export interface IfNode extends Node {
  cond: Node;
  body: NodeList;
  else_: Node | null;
}
export interface InlineIfNode extends Node {
  cond: Node;
  body: Node;
  else_: Node | null;
}
export interface ForNode extends Node {
  arr: Node;
  name: Node;
  body: NodeList;
  else_: NodeList | null;
}
export interface FunCallNode extends Node {
  name: Node;
  args: NodeList;
}
export interface SetNode extends Node {
  targets: Node[];
  value: Node | null;
  body: Node | null;
}
export interface CaptureNode extends Node {
  body: NodeList;
}
export interface BinOpNode extends Node {
  left: Node;
  right: Node;
}
export interface UnaryOpNode extends Node {
  target: Node;
}
export interface CompareNode extends Node {
  expr: Node;
  ops: CompareOperandNode[];
}
export interface CompareOperandNode extends Node {
  expr: Node;
  type: string;
}
export interface TemplateRefNode extends Node {
  template: Node;
}

export type NodeClass<T extends Node = Node> = new (lineno: number, colno: number, ...fields: unknown[]) => T;

export interface NodeClasses {
  Node: NodeClass;
  Root: NodeClass<NodeList>;
  NodeList: NodeClass<NodeList>;
  Literal: NodeClass<ValueNode>;
  Symbol: NodeClass<ValueNode>;
  Group: NodeClass<NodeList>;
  Array: NodeClass<NodeList>;
  Dict: NodeClass<NodeList>;
  Pair: NodeClass<PairNode>;
  LookupVal: NodeClass<LookupValNode>;
  If: NodeClass<IfNode>;
  InlineIf: NodeClass<InlineIfNode>;
  For: NodeClass<ForNode>;
  FunCall: NodeClass<FunCallNode>;
  Filter: NodeClass<FunCallNode>;
  KeywordArgs: NodeClass<NodeList>;
  Set: NodeClass<SetNode>;
  Output: NodeClass<NodeList>;
  Capture: NodeClass<CaptureNode>;
  TemplateData: NodeClass<ValueNode>;
  Caller: NodeClass;
  Include: NodeClass<TemplateRefNode>;
  Import: NodeClass<TemplateRefNode>;
  FromImport: NodeClass<TemplateRefNode>;
  Extends: NodeClass<TemplateRefNode>;
  Block: NodeClass;
  Super: NodeClass;
  Or: NodeClass<BinOpNode>;
  And: NodeClass<BinOpNode>;
  Not: NodeClass<UnaryOpNode>;
  In: NodeClass<BinOpNode>;
  Is: NodeClass<BinOpNode>;
  Add: NodeClass<BinOpNode>;
  Concat: NodeClass<BinOpNode>;
  Sub: NodeClass<BinOpNode>;
  Mul: NodeClass<BinOpNode>;
  Div: NodeClass<BinOpNode>;
  FloorDiv: NodeClass<BinOpNode>;
  Mod: NodeClass<BinOpNode>;
  Pow: NodeClass<BinOpNode>;
  Neg: NodeClass<UnaryOpNode>;
  Pos: NodeClass<UnaryOpNode>;
  Compare: NodeClass<CompareNode>;
  CompareOperand: NodeClass<CompareOperandNode>;
}

export interface LexerModule {
  lex(src: string, opts: object): Tokenizer;
  TOKEN_STRING: string;
  TOKEN_WHITESPACE: string;
  TOKEN_DATA: string;
  TOKEN_BLOCK_START: string;
  TOKEN_BLOCK_END: string;
  TOKEN_VARIABLE_START: string;
  TOKEN_VARIABLE_END: string;
  TOKEN_COMMENT: string;
  TOKEN_LEFT_PAREN: string;
  TOKEN_RIGHT_PAREN: string;
  TOKEN_LEFT_BRACKET: string;
  TOKEN_RIGHT_BRACKET: string;
  TOKEN_LEFT_CURLY: string;
  TOKEN_RIGHT_CURLY: string;
  TOKEN_OPERATOR: string;
  TOKEN_COMMA: string;
  TOKEN_COLON: string;
  TOKEN_TILDE: string;
  TOKEN_PIPE: string;
  TOKEN_INT: string;
  TOKEN_FLOAT: string;
  TOKEN_BOOLEAN: string;
  TOKEN_NONE: string;
  TOKEN_SYMBOL: string;
  TOKEN_REGEX: string;
}

/** The instance side of nunjucks' Parser, as far as our subclass uses it. */
export interface ParserBase {
  tokens: Tokenizer;
  peeked: Token | null;
  breakOnBlocks: string[] | null;
  dropLeadingWhitespace: boolean;
  nextToken(withWhitespace?: boolean): Token | null;
  peekToken(): Token | null;
  pushToken(tok: Token | null): void;
  error(msg: string, lineno?: number, colno?: number): Error;
  fail(msg: string, lineno?: number, colno?: number): never;
  skip(type: string): boolean;
  expect(type: string): Token;
  skipValue(type: string, val: string): boolean;
  skipSymbol(val: string): boolean;
  advanceAfterBlockEnd(name?: string): Token;
  parseUntilBlocks(...blockNames: string[]): NodeList;
  parseStatement(): Node | null;
  parseSignature(tolerant?: boolean, noParens?: boolean): NodeList | null;
  parseExpression(): Node;
  parsePrimary(noPostfix?: boolean): Node;
  parsePostfix(node: Node): Node;
  parseAggregate(): Node | null;
  parseFilterName(): ValueNode;
  parseFor(): Node;
  parseRaw(tagName?: string): Node;
  parseInclude(): Node;
  parseBlock(): Node;
  parseSet(): Node;
  parseAsRoot(): NodeList;
}
export type ParserClass = new (tokens: Tokenizer) => ParserBase;

/** The instance side of nunjucks' Compiler, as far as our subclass uses it. */
export interface CompilerBase {
  templateName: string | undefined;
  codebuf: string[];
  buffer: string | null;
  inBlock?: boolean;
  _emit(code: string): void;
  _emitLine(code: string): void;
  _emitLines(...lines: string[]): void;
  _emitFuncBegin(node: Node, name: string): void;
  _emitFuncEnd(noReturn?: boolean): void;
  _tmpid(): string;
  _pushBuffer(): string;
  _popBuffer(): void;
  _withScopedSyntax(func: () => void): void;
  _addScopeLevel(): void;
  _closeScopeLevels(): void;
  _makeCallback(res?: string): string;
  _compileGetTemplate(node: Node, frame: CompileFrame, eagerCompile: boolean, ignoreMissing: boolean): string;
  _compileExpression(node: Node, frame: CompileFrame): void;
  _compileAggregate(node: NodeList, frame: CompileFrame, startChar?: string, endChar?: string): void;
  compile(node: Node, frame?: CompileFrame): void;
  fail(msg: string, lineno?: number, colno?: number): never;
  getCode(): string;
  compileCapture(node: Node, frame: CompileFrame): void;
  compileInclude(node: Node, frame: CompileFrame): void;
  compileBlock(node: Node, frame: CompileFrame): void;
  _compileMacro(node: Node, frame?: CompileFrame): string;
  compileImport(node: Node, frame: CompileFrame): void;
  compileFromImport(node: Node, frame: CompileFrame): void;
  compileExtends(node: Node, frame: CompileFrame): void;
}
export type CompilerClass = new (templateName: string | undefined, throwOnUndefined: boolean) => CompilerBase;

/** A frame of the Nunjucks compiler (compile time: name → JS variable) and runtime (name → value). */
export interface CompileFrame {
  set(name: string, val: string, resolveUp?: boolean): void;
  /** This frame's own binding, not its parents'. */
  get(name: string): string | null;
  lookup(name: string): string | undefined | null;
  push(isolateWrites?: boolean): CompileFrame;
  pop(): CompileFrame | undefined;
}

export interface RuntimeFrame {
  variables: Record<string, unknown>;
  parent: RuntimeFrame | null;
  topLevel: boolean;
  set(name: string, val: unknown, resolveUp?: boolean): void;
  lookup(name: string): unknown;
  push(isolateWrites?: boolean): RuntimeFrame;
  pop(): RuntimeFrame;
}

export interface RuntimeContext {
  ctx: Record<string, unknown>;
  lookup(name: string): unknown;
  setVariable(name: string, val: unknown): void;
  getVariables(): Record<string, unknown>;
  getSuper(
    env: unknown,
    name: string,
    block: unknown,
    frame: RuntimeFrame,
    runtime: unknown,
    cb: (err: unknown, res?: string) => void,
  ): void;
}

export interface SafeStringClass {
  new (val: string): { val: string; toString(): string };
}

export interface RuntimeModule {
  Frame: new (parent?: RuntimeFrame, isolateWrites?: boolean) => RuntimeFrame & CompileFrame;
  SafeString: SafeStringClass;
  makeKeywordArgs<T extends object>(obj: T): T;
  isKeywordArgs?: (obj: unknown) => boolean;
}

export interface LibModule {
  TemplateError: new (message: string | Error, lineno?: number, colno?: number) => Error & {
    lineno?: number;
    colno?: number;
  };
}

/** The instance side of nunjucks' Environment that we configure (loaders are replaced by ours). */
export interface EnvironmentBase {
  opts: { autoescape: boolean; trimBlocks: boolean; lstripBlocks: boolean; dev: boolean };
  globals: Record<string, unknown>;
  getTemplate: (...args: unknown[]) => unknown;
}

export interface TemplateProps {
  root: unknown;
  [block: string]: unknown;
}

/** The instance side of nunjucks' Template; our subclass replaces how it compiles. */
export interface TemplateBase {
  env: EnvironmentBase;
  tmplStr: string;
  path: string;
  blocks: Record<string, unknown>;
  rootRenderFunc: unknown;
  compiled: boolean;
  compile(): void;
  _getBlocks(props: TemplateProps): Record<string, unknown>;
  render(ctx: object): string;
}

export interface NunjucksInternals {
  Environment: new (loaders: unknown[], opts: object) => EnvironmentBase;
  Template: new (src: string, env: EnvironmentBase, path: string, eagerCompile: boolean) => TemplateBase;
  lexer: LexerModule;
  parser: { Parser: ParserClass };
  compiler: { Compiler: CompilerClass };
  nodes: NodeClasses;
  runtime: RuntimeModule;
  lib: LibModule;
}

const require = createRequire(import.meta.url);

/** The very module instance the public `nunjucks` import resolves to, so instanceof checks agree. */
export const nunjucksInternals = require("nunjucks") as NunjucksInternals;
