import { type Expr, type UnaryOperator, heightOver, other } from "./ast.js";
import type { PyConstant } from "./constants.js";
import { PyException, pySyntaxError } from "./errors.js";
import { numberValue } from "./numbers.js";
import { concatenateStrings } from "./strings.js";
import { type Token, PyTokenizer } from "./tokenizer.js";

// CPython 3.11's expression grammar (Grammar/python.gram, from `eval` down to `atom`, and the
// `fstring` entry for f-string fields), as a recursive-descent parser that accepts exactly the
// same token sequences. ast.literal_eval rejects most valid expressions anyway, but it rejects
// them with ValueError where invalid syntax is a SyntaxError, so the whole grammar is here:
// lambdas, comprehensions and their targets, calls, slices, walrus, await, yield.
//
// CPython's PEG parser also gives up (MemoryError) when its rule calls nest 6000 deep. Where it
// is on that stack is modelled by the `lv` arguments, the depth CPython's generated parser has
// when it enters each rule: exact for the displays, brackets and unary minus a literal is made
// of, approximate for the rest. Long chains (unary operators, `**`, `not`, lambdas, conditional
// expressions) are parsed with loops, so no input can exhaust JavaScript's stack here.

const MAXSTACK = 6000;

const KEYWORDS = new Set([
  "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif", "else",
  "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
  "return", "try", "while", "with", "yield",
]);

const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  "|": 1, "^": 2, "&": 3, "<<": 4, ">>": 4, "+": 5, "-": 5, "*": 6, "/": 6, "//": 6, "%": 6, "@": 6,
};

const BINARY_OPERATOR: Readonly<Record<string, string>> = {
  "|": "BitOr", "^": "BitXor", "&": "BitAnd", "<<": "LShift", ">>": "RShift", "+": "Add", "-": "Sub",
  "*": "Mult", "/": "Div", "//": "FloorDiv", "%": "Mod", "@": "MatMult",
};

const UNARY_OPERATOR: Readonly<Record<string, UnaryOperator>> = { "+": "UAdd", "-": "USub", "~": "Invert" };

export interface ParseContext {
  readonly names: string[];
}

/** One link of a chain parsed with a loop, folded into nested nodes once the chain ends. */
type ExpressionFrame =
  | { readonly kind: "lambda"; readonly line: number; readonly paramsHeight: number }
  | { readonly kind: "ifexp"; readonly body: Expr; readonly test: Expr; readonly afterBody: number };

interface PowerFrame {
  readonly ops: readonly { op: UnaryOperator; line: number }[];
  readonly base: Expr;
  /** Where the `**` was: the chain falls back to `base` alone when what follows it fails. */
  readonly mark: number;
}

interface Arguments {
  readonly nargs: number;
  readonly nkeywords: number;
  readonly height: number;
}

function isStarred(e: Expr): boolean {
  return e.kind === "Other" && e.type === "Starred";
}

function constant(value: PyConstant, line: number): Expr {
  return { kind: "Constant", value, line, height: 1 };
}

export class PyParser {
  private readonly tokens: Token[] = [];
  private pos = 0;

  constructor(
    private readonly tok: PyTokenizer,
    private readonly ctx: ParseContext,
    /** A field of an f-string: its errors are worded "f-string: ...". */
    private readonly inFstring: boolean,
  ) {}

  // ---- tokens ---------------------------------------------------------------------------------

  private peek(k = 0): Token {
    while (this.tokens.length <= this.pos + k) {
      const last = this.tokens[this.tokens.length - 1];
      if (last !== undefined && last.type === "ENDMARKER") return last;
      const t = this.tok.next();
      this.tokens.push(t);
      if (t.type === "ERRORTOKEN") throw this.tokenizerError(t);
    }
    const t = this.tokens[this.pos + k];
    if (t === undefined) throw new Error("token buffer out of range");
    return t;
  }

  private isOp(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === "OP" && t.text === text;
  }

  private isKeyword(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === "NAME" && t.text === word;
  }

  private isName(k = 0): boolean {
    const t = this.peek(k);
    return t.type === "NAME" && !KEYWORDS.has(t.text);
  }

  private acceptOp(text: string): boolean {
    if (!this.isOp(text)) return false;
    this.pos++;
    return true;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  /** CPython's parser runs out of stack when a rule is entered 6001 calls deep. */
  private touch(lv: number): void {
    // CPython's MemoryError has no message; this one says why.
    if (lv > MAXSTACK) throw new PyException("MemoryError", "the expression nests too deeply for CPython's parser (6000 rule calls)");
  }

  private fail(mark: number): null {
    this.pos = mark;
    return null;
  }

  // ---- errors ---------------------------------------------------------------------------------

  private unclosed(): PyException {
    const open = this.tok.parens[this.tok.parens.length - 1];
    return pySyntaxError(`'${open?.ch ?? "("}' was never closed`, open?.line ?? 1);
  }

  private tokenizerError(t: Token): PyException {
    switch (t.done) {
      case "E_EOF":
        return this.tok.parens.length > 0 ? this.unclosed() : pySyntaxError("unexpected EOF while parsing", t.line);
      case "E_DEDENT":
        return pySyntaxError("unindent does not match any outer indentation level", t.line, "IndentationError");
      case "E_TABSPACE":
        return pySyntaxError("inconsistent use of tabs and spaces in indentation", t.line, "TabError");
      case "E_TOODEEP":
        return pySyntaxError("too many levels of indentation", t.line, "IndentationError");
      default:
        return pySyntaxError("unexpected character after line continuation character", t.line);
    }
  }

  /**
   * The error CPython reports when the grammar did not match (_PyPegen_set_syntax_error): at the
   * last token read, "unexpected indent" for an INDENT, else "invalid syntax" — unless the rest
   * of the source holds a tokenizer error, which wins.
   */
  private syntaxErrorAfterFailure(): PyException {
    const last = this.tokens[this.tokens.length - 1];
    if (last === undefined) return pySyntaxError("error at start before reading any input", 1);
    if (last.type === "INDENT") return pySyntaxError("unexpected indent", last.line, "IndentationError");
    if (last.type === "DEDENT") return pySyntaxError("unexpected unindent", last.line, "IndentationError");
    const generic = pySyntaxError(this.inFstring ? "f-string: invalid syntax" : "invalid syntax", last.line);
    try {
      for (;;) {
        const t = this.tok.next();
        if (t.type === "ENDMARKER") return generic;
        if (t.type === "ERRORTOKEN") {
          const open = this.tok.parens[this.tok.parens.length - 1];
          return open !== undefined && last.line > open.line ? this.unclosed() : generic;
        }
      }
    } catch (e) {
      if (e instanceof PyException) return e;
      throw e;
    }
  }

  // ---- entry points ---------------------------------------------------------------------------

  /** eval: expressions NEWLINE* ENDMARKER */
  parseEval(): Expr {
    const body = this.expressions(2);
    if (body !== null) {
      while (this.peek().type === "NEWLINE") this.pos++;
      if (this.peek().type === "ENDMARKER") return body;
    }
    throw this.syntaxErrorAfterFailure();
  }

  /** fstring: star_expressions (the source is the field's text in parentheses). */
  parseFstringField(): Expr {
    const body = this.starExpressions(2);
    if (body !== null) return body;
    throw this.syntaxErrorAfterFailure();
  }

  // ---- expressions ----------------------------------------------------------------------------

  /** expressions: expression (',' expression)* [','] */
  private expressions(lv: number): Expr | null {
    const first = this.expression(lv + 1);
    if (first === null) return null;
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.acceptOp(",")) {
      const next = this.expression(lv + 3);
      if (next === null) break;
      elts.push(next);
    }
    return { kind: "Tuple", elts, line: first.line, height: heightOver(...elts.map((e) => e.height)) };
  }

  /** star_expressions: star_expression (',' star_expression)* [','] */
  private starExpressions(lv: number): Expr | null {
    const first = this.starExpression(lv + 1);
    if (first === null) return null;
    if (!this.isOp(",")) return first;
    const elts = [first];
    while (this.acceptOp(",")) {
      const next = this.starExpression(lv + 3);
      if (next === null) break;
      elts.push(next);
    }
    return { kind: "Tuple", elts, line: first.line, height: heightOver(...elts.map((e) => e.height)) };
  }

  /** star_expression: '*' bitwise_or | expression */
  private starExpression(lv: number): Expr | null {
    const mark = this.pos;
    if (this.isOp("*")) {
      const line = this.peek().line;
      this.pos++;
      const value = this.bitwiseOr(lv + 1);
      return value === null ? this.fail(mark) : other("Starred", line, value.height);
    }
    return this.expression(lv + 1);
  }

  /** star_named_expression: '*' bitwise_or | named_expression */
  private starNamedExpression(lv: number): Expr | null {
    const mark = this.pos;
    if (this.isOp("*")) {
      const line = this.peek().line;
      this.pos++;
      const value = this.bitwiseOr(lv + 1);
      return value === null ? this.fail(mark) : other("Starred", line, value.height);
    }
    return this.namedExpression(lv + 1);
  }

  /** named_expression: NAME ':=' expression | expression !':=' */
  private namedExpression(lv: number): Expr | null {
    const mark = this.pos;
    if (this.isName() && this.isOp(":=", 1)) {
      const line = this.peek().line;
      this.pos += 2;
      const value = this.expression(lv + 2);
      return value === null ? this.fail(mark) : other("NamedExpr", line, 1, value.height);
    }
    const e = this.expression(lv + 1);
    if (e === null) return null;
    return this.isOp(":=") ? this.fail(mark) : e;
  }

  /**
   * expression: disjunction 'if' disjunction 'else' expression | disjunction | lambdef
   * Lambda bodies and else-branches continue the loop instead of recursing.
   */
  private expression(lv: number): Expr | null {
    const start = this.pos;
    const frames: ExpressionFrame[] = [];
    let cur = lv;
    let result: Expr | null = null;
    for (;;) {
      this.touch(cur + 22);
      if (this.isKeyword("lambda")) {
        const line = this.peek().line;
        this.pos++;
        const params = this.lambdaParameters(cur + 2);
        if (params !== null && this.acceptOp(":")) {
          frames.push({ kind: "lambda", line, paramsHeight: params });
          cur += 2;
          continue;
        }
      } else {
        const body = this.disjunction(cur + 1);
        if (body !== null) {
          const afterBody = this.pos;
          if (this.acceptKeyword("if")) {
            const test = this.disjunction(cur + 1);
            if (test !== null && this.acceptKeyword("else")) {
              frames.push({ kind: "ifexp", body, test, afterBody });
              cur += 1;
              continue;
            }
            this.pos = afterBody;
          }
          result = body;
        }
      }
      if (result !== null) break;
      // This link failed: a lambda with it fails too, a conditional expression falls back to
      // its body alone (the grammar's second alternative).
      while (frames.length > 0 && frames[frames.length - 1]?.kind === "lambda") frames.pop();
      const frame = frames.pop();
      if (frame === undefined) return this.fail(start);
      if (frame.kind === "ifexp") {
        this.pos = frame.afterBody;
        result = frame.body;
      }
      break;
    }
    if (result === null) return this.fail(start);
    for (let k = frames.length - 1; k >= 0; k--) {
      const frame = frames[k];
      if (frame === undefined) continue;
      result =
        frame.kind === "lambda"
          ? other("Lambda", frame.line, frame.paramsHeight, result.height)
          : other("IfExp", frame.body.line, frame.body.height, frame.test.height, result.height);
    }
    return result;
  }

  /** disjunction: conjunction ('or' conjunction)* */
  private disjunction(lv: number): Expr | null {
    return this.boolOp("or", lv, (l) => this.conjunction(l));
  }

  /** conjunction: inversion ('and' inversion)* */
  private conjunction(lv: number): Expr | null {
    return this.boolOp("and", lv, (l) => this.inversion(l));
  }

  private boolOp(word: string, lv: number, operand: (lv: number) => Expr | null): Expr | null {
    const first = operand(lv + 1);
    if (first === null) return null;
    const values = [first];
    while (this.isKeyword(word)) {
      const mark = this.pos;
      this.pos++;
      const next = operand(lv + 3);
      if (next === null) {
        this.pos = mark;
        break;
      }
      values.push(next);
    }
    return values.length === 1 ? first : other("BoolOp", first.line, ...values.map((v) => v.height));
  }

  /** inversion: 'not' inversion | comparison */
  private inversion(lv: number): Expr | null {
    const mark = this.pos;
    const lines: number[] = [];
    while (this.isKeyword("not")) {
      lines.push(this.peek().line);
      this.pos++;
    }
    let e = this.comparison(lv + lines.length + 1);
    if (e === null) return this.fail(mark);
    for (let k = lines.length - 1; k >= 0; k--) e = { kind: "UnaryOp", op: "Not", operand: e, line: lines[k] ?? e.line, height: e.height + 1 };
    return e;
  }

  /** The comparison operator at the current token, as the number of tokens it spans. */
  private compareOperator(): number {
    const t = this.peek();
    if (t.type === "OP") return ["==", "!=", "<=", "<", ">=", ">"].includes(t.text) ? 1 : 0;
    if (t.type !== "NAME") return 0;
    if (t.text === "in") return 1;
    if (t.text === "not") return this.isKeyword("in", 1) ? 2 : 0;
    if (t.text === "is") return this.isKeyword("not", 1) ? 2 : 1;
    return 0;
  }

  /** comparison: bitwise_or (compare_op bitwise_or)* */
  private comparison(lv: number): Expr | null {
    const first = this.bitwiseOr(lv + 1);
    if (first === null) return null;
    const heights = [first.height];
    for (;;) {
      const width = this.compareOperator();
      if (width === 0) break;
      const mark = this.pos;
      this.pos += width;
      const next = this.bitwiseOr(lv + 4);
      if (next === null) {
        this.pos = mark;
        break;
      }
      heights.push(next.height);
    }
    return heights.length === 1 ? first : other("Compare", first.line, ...heights);
  }

  /** bitwise_or down to term: left-associative binary operators, by precedence climbing. */
  private bitwiseOr(lv: number): Expr | null {
    return this.binary(1, lv + 12);
  }

  private binary(minPrecedence: number, factorLv: number): Expr | null {
    let left = this.factor(factorLv);
    if (left === null) return null;
    for (;;) {
      const t = this.peek();
      const precedence = t.type === "OP" ? BINARY_PRECEDENCE[t.text] : undefined;
      if (precedence === undefined || precedence < minPrecedence) return left;
      const mark = this.pos;
      this.pos++;
      const right = this.binary(precedence + 1, factorLv);
      if (right === null) {
        this.pos = mark;
        return left;
      }
      left = { kind: "BinOp", op: BINARY_OPERATOR[t.text] ?? t.text, left, right, line: left.line, height: heightOver(left.height, right.height) };
    }
  }

  /** factor: ('+' | '-' | '~') factor | power;  power: await_primary ['**' factor] */
  private factor(lv: number): Expr | null {
    const start = this.pos;
    const frames: PowerFrame[] = [];
    let cur = lv;
    let result: Expr | null = null;
    for (;;) {
      const linkStart = this.pos;
      const ops: { op: UnaryOperator; line: number }[] = [];
      for (;;) {
        const t = this.peek();
        const op = t.type === "OP" ? UNARY_OPERATOR[t.text] : undefined;
        if (op === undefined) break;
        ops.push({ op, line: t.line });
        this.pos++;
        cur++;
      }
      this.touch(cur + 5);
      const base = this.awaitPrimary(cur + 2);
      if (base === null) {
        this.pos = linkStart;
        const frame = frames.pop();
        if (frame === undefined) return this.fail(start);
        // The `**` before this link fails: that power is its base alone.
        this.pos = frame.mark;
        result = this.applyUnary(frame.ops, frame.base);
        break;
      }
      if (this.isOp("**")) {
        frames.push({ ops, base, mark: this.pos });
        this.pos++;
        cur += 2;
        continue;
      }
      result = this.applyUnary(ops, base);
      break;
    }
    for (let k = frames.length - 1; k >= 0; k--) {
      const frame = frames[k];
      if (frame === undefined) continue;
      const power: Expr = { kind: "BinOp", op: "Pow", left: frame.base, right: result, line: frame.base.line, height: heightOver(frame.base.height, result.height) };
      result = this.applyUnary(frame.ops, power);
    }
    return result;
  }

  private applyUnary(ops: readonly { op: UnaryOperator; line: number }[], operand: Expr): Expr {
    let e = operand;
    for (let k = ops.length - 1; k >= 0; k--) {
      const u = ops[k];
      if (u !== undefined) e = { kind: "UnaryOp", op: u.op, operand: e, line: u.line, height: e.height + 1 };
    }
    return e;
  }

  /** await_primary: 'await' primary | primary */
  private awaitPrimary(lv: number): Expr | null {
    if (this.isKeyword("await")) {
      const mark = this.pos;
      const line = this.peek().line;
      this.pos++;
      const e = this.primary(lv + 1);
      return e === null ? this.fail(mark) : other("Await", line, e.height);
    }
    return this.primary(lv + 1);
  }

  /** primary: atom followed by '.' NAME, a call, a generator argument or a subscript. */
  private primary(lv: number): Expr | null {
    const atom = this.atom(lv + 2);
    if (atom === null) return null;
    return this.trailers(atom, lv);
  }

  private trailers(start: Expr, lv: number): Expr {
    let e = start;
    for (;;) {
      const next = this.trailer(e, lv);
      if (next === null) return e;
      e = next;
    }
  }

  /** One trailer after `e`, or null (nothing consumed) when none follows. */
  private trailer(e: Expr, lv: number): Expr | null {
    const mark = this.pos;
    if (this.acceptOp(".")) {
      if (!this.isName()) return this.fail(mark);
      this.pos++;
      return other("Attribute", e.line, e.height);
    }
    if (this.acceptOp("(")) {
      const args = this.callArguments(lv + 2);
      if (args === null || !this.acceptOp(")")) return this.fail(mark);
      return { kind: "Call", func: e, nargs: args.nargs, nkeywords: args.nkeywords, line: e.line, height: heightOver(e.height, args.height) };
    }
    if (this.acceptOp("[")) {
      const index = this.slices(lv + 2);
      if (index === null || !this.acceptOp("]")) return this.fail(mark);
      return other("Subscript", e.line, e.height, index.height);
    }
    return null;
  }

  /**
   * The arguments of a call after its '(' (the caller expects the ')'): a lone generator
   * expression `f(x for x in y)`, or args [','] — positional arguments (also *iterables), then
   * keywords (NAME=value, *iterables), then keywords and **mappings. The grammar's first
   * alternative (primary genexp) and the second share their first expression, parsed once here.
   */
  private callArguments(lv: number): Arguments | null {
    const mark = this.pos;
    let phase: "positional" | "keywords" | "mappings" = "positional";
    let nargs = 0;
    let nkeywords = 0;
    const heights: number[] = [];
    // CPython first tries the generator-expression alternative, whose element is 2 rules deep;
    // the arguments' values are 5 deep (the first) and 6 (the others).
    this.touch(lv + 24);
    for (let index = 0; !this.isOp(")"); index++) {
      const valueLv = index === 0 ? lv + 5 : lv + 6;
      let value: Expr | null;
      if (this.isOp("*") && phase !== "mappings") {
        this.pos++;
        value = this.expression(valueLv);
        nargs++;
      } else if (this.isOp("**")) {
        this.pos++;
        value = this.expression(valueLv);
        phase = "mappings";
        nkeywords++;
      } else if (this.isName() && this.isOp("=", 1)) {
        this.pos += 2;
        value = this.expression(valueLv);
        if (phase === "positional") phase = "keywords";
        nkeywords++;
        // A keyword is a node of its own around its value.
        if (value !== null) value = other("keyword", value.line, value.height);
      } else if (phase === "positional") {
        value = this.namedExpression(index === 0 ? lv + 1 : valueLv - 1);
        if (value !== null && index === 0 && (this.isKeyword("for") || this.isKeyword("async"))) {
          const clauses = this.comprehensionClauses(lv + 1);
          if (clauses === null || !this.isOp(")")) return this.fail(mark);
          return { nargs: 1, nkeywords: 0, height: heightOver(value.height, clauses) };
        }
        if (value !== null && this.isOp("=")) return this.fail(mark);
        nargs++;
      } else {
        return this.fail(mark);
      }
      if (value === null) return this.fail(mark);
      heights.push(value.height);
      if (!this.acceptOp(",")) break;
      if (this.isOp(")")) this.touch(lv + 28);
    }
    return { nargs, nkeywords, height: heights.length === 0 ? 0 : Math.max(...heights) };
  }

  /** slices: slice !',' | ','.(slice | starred_expression)+ [','] */
  private slices(lv: number): Expr | null {
    const first = this.sliceOrStarred(lv + 1);
    if (first === null) return null;
    if (!this.isOp(",")) return first;
    const heights = [first.height];
    while (this.acceptOp(",")) {
      const next = this.sliceOrStarred(lv + 4);
      if (next === null) break;
      heights.push(next.height);
    }
    return other("Tuple", first.line, ...heights);
  }

  /** slice: [expression] ':' [expression] [':' [expression]] | named_expression; or '*' expression */
  private sliceOrStarred(lv: number): Expr | null {
    const mark = this.pos;
    const line = this.peek().line;
    if (this.acceptOp("*")) {
      const value = this.expression(lv + 1);
      return value === null ? this.fail(mark) : other("Starred", line, value.height);
    }
    const lower = this.expression(lv + 1);
    if (this.acceptOp(":")) {
      const upper = this.expression(lv + 1);
      const heights = [lower?.height ?? 0, upper?.height ?? 0];
      if (this.acceptOp(":")) heights.push(this.expression(lv + 2)?.height ?? 0);
      return other("Slice", line, ...heights);
    }
    if (lower === null) return this.fail(mark);
    // named_expression: the expression already parsed, unless it is the NAME of a walrus.
    if (this.isOp(":=")) {
      this.pos = mark;
      return this.namedExpression(lv + 1);
    }
    return lower;
  }

  /** lambda_params up to (not including) the ':' — the grammar's rules as a small state machine. */
  private lambdaParameters(lv: number): number | null {
    const mark = this.pos;
    let heights = 0;
    let positional = 0;
    let sawDefault = false;
    let sawSlash = false;
    let keywordOnly = false;
    let bareStar = false;
    let keywordOnlyCount = 0;
    let sawKwargs = false;
    while (!this.isOp(":")) {
      if (sawKwargs) return this.fail(mark);
      if (this.acceptOp("/")) {
        if (keywordOnly || sawSlash || positional === 0) return this.fail(mark);
        sawSlash = true;
      } else if (this.acceptOp("*")) {
        if (keywordOnly) return this.fail(mark);
        keywordOnly = true;
        if (this.isName()) {
          this.pos++;
          heights = Math.max(heights, 1);
        } else {
          bareStar = true;
        }
      } else if (this.acceptOp("**")) {
        if (!this.isName()) return this.fail(mark);
        this.pos++;
        sawKwargs = true;
        heights = Math.max(heights, 1);
      } else if (this.isName()) {
        this.pos++;
        heights = Math.max(heights, 1);
        let hasDefault = false;
        if (this.acceptOp("=")) {
          const value = this.expression(lv + 6);
          if (value === null) return this.fail(mark);
          heights = Math.max(heights, value.height);
          hasDefault = true;
        }
        if (keywordOnly) {
          keywordOnlyCount++;
        } else {
          if (hasDefault) sawDefault = true;
          else if (sawDefault) return this.fail(mark);
          positional++;
        }
      } else {
        return this.fail(mark);
      }
      if (this.acceptOp(",")) continue;
      if (!this.isOp(":")) return this.fail(mark);
    }
    if (bareStar && keywordOnlyCount === 0) return this.fail(mark);
    return heights + 1;
  }

  /** for_if_clauses: (['async'] 'for' star_targets 'in' disjunction ('if' disjunction)*)+ ; their height. */
  private comprehensionClauses(lv: number): number | null {
    const mark = this.pos;
    let height = 0;
    let count = 0;
    for (;;) {
      const clauseStart = this.pos;
      this.acceptKeyword("async");
      if (!this.acceptKeyword("for")) {
        this.pos = clauseStart;
        break;
      }
      const target = this.starTargets(lv + 3);
      if (target === null || !this.acceptKeyword("in")) return this.fail(mark);
      const iter = this.disjunction(lv + 3);
      if (iter === null) return this.fail(mark);
      const heights = [target.height, iter.height];
      while (this.isKeyword("if")) {
        const ifMark = this.pos;
        this.pos++;
        const test = this.disjunction(lv + 5);
        if (test === null) {
          this.pos = ifMark;
          break;
        }
        heights.push(test.height);
      }
      height = Math.max(height, heightOver(...heights));
      count++;
    }
    return count === 0 ? this.fail(mark) : height;
  }

  // ---- assignment targets (of comprehension clauses) ------------------------------------------

  /** star_targets: star_target !',' | star_target (',' star_target)* [','] */
  private starTargets(lv: number): Expr | null {
    const first = this.starTarget(lv + 1);
    if (first === null) return null;
    if (!this.isOp(",")) return first;
    const heights = [first.height];
    while (this.acceptOp(",")) {
      const next = this.starTarget(lv + 2);
      if (next === null) break;
      heights.push(next.height);
    }
    return other("Tuple", first.line, ...heights);
  }

  /** star_target: '*' (!'*' star_target) | target_with_star_atom */
  private starTarget(lv: number): Expr | null {
    const mark = this.pos;
    if (this.isOp("*")) {
      const line = this.peek().line;
      this.pos++;
      if (this.isOp("*")) return this.fail(mark);
      const inner = this.starTarget(lv + 1);
      return inner === null ? this.fail(mark) : other("Starred", line, inner.height);
    }
    return this.targetWithStarAtom(lv + 1);
  }

  /** t_primary '.' NAME | t_primary '[' slices ']' (not followed by another trailer) | star_atom */
  private targetWithStarAtom(lv: number): Expr | null {
    // Memoized as CPython's parser memoizes: '(' target ')' is tried before a tuple of targets
    // from the same place, which would otherwise double the work at every nested parenthesis.
    const mark = this.pos;
    const memo = this.targetMemo.get(mark);
    if (memo !== undefined) {
      this.pos = memo.end;
      return memo.target;
    }
    const target = this.targetWithStarAtomUncached(lv);
    this.targetMemo.set(mark, { target, end: this.pos });
    return target;
  }

  private readonly targetMemo = new Map<number, { target: Expr | null; end: number }>();

  private targetWithStarAtomUncached(lv: number): Expr | null {
    const mark = this.pos;
    const atom = this.atom(lv + 3);
    if (atom !== null) {
      let e = atom;
      let lastTrailer = "";
      for (;;) {
        const before = this.pos;
        const next = this.trailer(e, lv + 1);
        if (next === null) break;
        lastTrailer = this.peekAt(before).text;
        e = next;
      }
      const followed = this.isOp("(") || this.isOp("[") || this.isOp(".");
      if ((lastTrailer === "." || lastTrailer === "[") && !followed) return e;
    }
    this.pos = mark;
    return this.starAtom(lv + 1);
  }

  private peekAt(index: number): Token {
    const t = this.tokens[index];
    if (t === undefined) throw new Error("token buffer out of range");
    return t;
  }

  /** star_atom: NAME | '(' target_with_star_atom ')' | '(' [star_targets_tuple_seq] ')' | '[' [star_targets_list_seq] ']' */
  private starAtom(lv: number): Expr | null {
    const mark = this.pos;
    const t = this.peek();
    if (this.isName()) {
      this.pos++;
      return { kind: "Name", id: t.text, line: t.line, height: 1 };
    }
    const close = this.isOp("(") ? ")" : this.isOp("[") ? "]" : undefined;
    if (close === undefined) return null;
    this.pos++;
    if (close === ")") {
      const inner = this.targetWithStarAtom(lv + 1);
      if (inner !== null && this.acceptOp(")")) return inner;
      this.pos = mark + 1;
    }
    const heights: number[] = [];
    let commas = 0;
    while (!this.isOp(close)) {
      const target = this.starTarget(lv + 2);
      if (target === null) return this.fail(mark);
      heights.push(target.height);
      if (!this.acceptOp(",")) break;
      commas++;
    }
    // A parenthesized sequence of targets needs a comma: `(a)` was the first alternative.
    if (close === ")" && heights.length > 0 && commas === 0) return this.fail(mark);
    if (!this.acceptOp(close)) return this.fail(mark);
    return other(close === ")" ? "Tuple" : "List", t.line, ...heights);
  }

  // ---- atoms ----------------------------------------------------------------------------------

  private atom(lv: number): Expr | null {
    this.touch(lv);
    const t = this.peek();
    switch (t.type) {
      case "NAME":
        if (t.text === "True" || t.text === "False") {
          this.pos++;
          return constant({ type: "bool", value: t.text === "True" }, t.line);
        }
        if (t.text === "None") {
          this.pos++;
          return constant({ type: "None" }, t.line);
        }
        if (KEYWORDS.has(t.text)) return null;
        this.pos++;
        // Identifiers are NFKC-normalized: `ｓｅｔ` is the name set.
        return { kind: "Name", id: /^[\x00-\x7f]*$/.test(t.text) ? t.text : t.text.normalize("NFKC"), line: t.line, height: 1 };
      case "NUMBER":
        this.pos++;
        return constant(numberValue(t.text, t.line), t.line);
      case "STRING":
        return this.strings();
      case "OP":
        if (t.text === "(") return this.parenthesized(lv);
        if (t.text === "[") return this.listDisplay(lv);
        if (t.text === "{") return this.braceDisplay(lv);
        if (t.text === "...") {
          this.pos++;
          return constant({ type: "Ellipsis" }, t.line);
        }
        return null;
      default:
        return null;
    }
  }

  /** strings: STRING+ */
  private strings(): Expr {
    const first = this.peek();
    const texts: string[] = [];
    while (this.peek().type === "STRING") {
      texts.push(this.peek().text);
      this.pos++;
    }
    const line = first.line;
    const node = concatenateStrings(texts, {
      line,
      names: this.ctx.names,
      compile: (text) => parseFstringField(text, this.ctx),
    });
    switch (node.kind) {
      case "str":
        return constant({ type: "str", value: node.value }, line);
      case "bytes":
        return constant({ type: "bytes", value: node.value }, line);
      default:
        return other("JoinedStr", line, node.height - 1);
    }
  }

  /** '(' ... ')': a tuple, a parenthesized expression (or yield) or a generator expression. */
  private parenthesized(lv: number): Expr | null {
    const mark = this.pos;
    const line = this.peek().line;
    this.pos++;
    if (this.isOp(")")) {
      this.touch(lv + 28);
      this.pos++;
      return { kind: "Tuple", elts: [], line, height: 1 };
    }
    this.touch(lv + 28);
    if (this.isKeyword("yield")) {
      const y = this.yieldExpression(lv + 4);
      return y !== null && this.acceptOp(")") ? y : this.fail(mark);
    }
    const first = this.starNamedExpression(lv + 4);
    if (first === null) return this.fail(mark);
    if (this.acceptOp(",")) {
      const elts = [first];
      let slot = lv + 6;
      for (;;) {
        if (this.isOp(")")) {
          this.touch(slot + 24);
          break;
        }
        const next = this.starNamedExpression(slot);
        if (next === null) return this.fail(mark);
        elts.push(next);
        slot = lv + 7;
        if (!this.acceptOp(",")) break;
      }
      if (!this.acceptOp(")")) return this.fail(mark);
      return { kind: "Tuple", elts, line, height: heightOver(...elts.map((e) => e.height)) };
    }
    if (isStarred(first)) return this.fail(mark);
    if (this.acceptOp(")")) return first;
    if (this.isKeyword("for") || this.isKeyword("async")) {
      const clauses = this.comprehensionClauses(lv + 3);
      if (clauses === null || !this.acceptOp(")")) return this.fail(mark);
      return other("GeneratorExp", line, first.height, clauses);
    }
    return this.fail(mark);
  }

  /** yield_expr: 'yield' 'from' expression | 'yield' [star_expressions] */
  private yieldExpression(lv: number): Expr | null {
    const mark = this.pos;
    const line = this.peek().line;
    this.pos++;
    if (this.acceptKeyword("from")) {
      const value = this.expression(lv + 1);
      return value === null ? this.fail(mark) : other("YieldFrom", line, value.height);
    }
    const value = this.starExpressions(lv + 1);
    return other("Yield", line, value?.height ?? 0);
  }

  /** '[' ... ']': a list or a list comprehension. */
  private listDisplay(lv: number): Expr | null {
    const mark = this.pos;
    const line = this.peek().line;
    this.pos++;
    if (this.isOp("]")) {
      this.touch(lv + 29);
      this.pos++;
      return { kind: "List", elts: [], line, height: 1 };
    }
    const first = this.starNamedExpression(lv + 5);
    if (first === null) return this.fail(mark);
    if (!isStarred(first) && (this.isKeyword("for") || this.isKeyword("async"))) {
      const clauses = this.comprehensionClauses(lv + 3);
      if (clauses === null || !this.acceptOp("]")) return this.fail(mark);
      return other("ListComp", line, first.height, clauses);
    }
    const elts = this.moreElements(first, "]", lv + 6);
    if (elts === null) return this.fail(mark);
    return { kind: "List", elts, line, height: heightOver(...elts.map((e) => e.height)) };
  }

  /** (',' star_named_expression)* [','] close — the items after the first of a list or set. */
  private moreElements(first: Expr, close: string, lv: number): Expr[] | null {
    const elts = [first];
    while (this.acceptOp(",")) {
      if (this.isOp(close)) {
        this.touch(lv + 24);
        break;
      }
      const next = this.starNamedExpression(lv);
      if (next === null) return null;
      elts.push(next);
    }
    return this.acceptOp(close) ? elts : null;
  }

  /** '{' ... '}': a dict, a set, or their comprehensions. */
  private braceDisplay(lv: number): Expr | null {
    const mark = this.pos;
    const line = this.peek().line;
    this.pos++;
    if (this.isOp("}")) {
      this.touch(lv + 29);
      this.pos++;
      return { kind: "Dict", keys: [], values: [], line, height: 1 };
    }
    let first: Expr | null;
    if (this.isOp("**")) {
      const dict = this.dictItems(null, lv, line);
      return dict ?? this.fail(mark);
    }
    // The dict alternative, tried first, goes down to an atom for the first key.
    this.touch(lv + 29);
    if (this.isOp("*") || (this.isName() && this.isOp(":=", 1))) {
      first = this.starNamedExpression(lv + 5);
    } else {
      first = this.expression(lv + 7);
      if (first !== null && this.isOp(":")) {
        const dict = this.dictItems(first, lv, line);
        return dict ?? this.fail(mark);
      }
      if (first !== null && this.isOp(":=")) return this.fail(mark);
    }
    if (first === null) return this.fail(mark);
    if (!isStarred(first) && (this.isKeyword("for") || this.isKeyword("async"))) {
      const clauses = this.comprehensionClauses(lv + 3);
      if (clauses === null || !this.acceptOp("}")) return this.fail(mark);
      return other("SetComp", line, first.height, clauses);
    }
    const elts = this.moreElements(first, "}", lv + 6);
    if (elts === null) return this.fail(mark);
    return { kind: "Set", elts, line, height: heightOver(...elts.map((e) => e.height)) };
  }

  /** The items of a dict display after '{' (the first key already parsed, unless it starts with '**'). */
  private dictItems(firstKey: Expr | null, lv: number, line: number): Expr | null {
    const keys: (Expr | null)[] = [];
    const values: Expr[] = [];
    let slot = lv + 7;
    let key = firstKey;
    for (;;) {
      if (key === null && this.acceptOp("**")) {
        const mapping = this.bitwiseOr(slot - 1);
        if (mapping === null) return null;
        keys.push(null);
        values.push(mapping);
      } else {
        key ??= this.expression(slot);
        if (key === null || !this.acceptOp(":")) return null;
        const value = this.expression(slot);
        if (value === null) return null;
        if (keys.length === 0 && (this.isKeyword("for") || this.isKeyword("async"))) {
          const clauses = this.comprehensionClauses(lv + 3);
          if (clauses === null || !this.acceptOp("}")) return null;
          return other("DictComp", key.line, key.height, value.height, clauses);
        }
        keys.push(key);
        values.push(value);
      }
      key = null;
      slot = lv + 8;
      if (!this.acceptOp(",")) break;
      if (this.isOp("}")) {
        this.touch(slot + 22);
        break;
      }
    }
    if (!this.acceptOp("}")) return null;
    const heights = [...keys.map((k) => k?.height ?? 0), ...values.map((v) => v.height)];
    return { kind: "Dict", keys, values, line, height: heightOver(...heights) };
  }
}

/** Parses one f-string replacement field's text, as CPython compiles "(" + text + ")". */
export function parseFstringField(text: string, ctx: ParseContext): Expr {
  return new PyParser(new PyTokenizer(`(${text})`), ctx, true).parseFstringField();
}
