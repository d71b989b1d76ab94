import {
  nunjucksInternals,
  type Node,
  type NodeList,
  type Token,
  type Tokenizer,
  type ValueNode,
} from "../nunjucks/internals.js";
import { escapeRegExp } from "../../inventory/glob.js";
import { PyFloat } from "../values/py-float.js";
import {
  AssignNodeClass,
  AutoescapeNodeClass,
  CapturedNodeClass,
  DoNodeClass,
  ForNodeClass,
  LookupNodeClass,
  SliceNodeClass,
  TestNodeClass,
  TupleNodeClass,
  WithNodeClass,
} from "./nodes.js";

// Nunjucks' parser with Jinja2's expression grammar. Statements Nunjucks already parses like
// Jinja2 (if, block, extends, include, import, macro, call, filter, raw) are inherited; the
// expression parser is replaced so that precedence, tests (`x is divisibleby 3`), `not in`,
// tuples, slices, dict keys as expressions, True/False/None and `for ... if ...` all follow
// jinja2/parser.py.

const { lexer, nodes } = nunjucksInternals;
const Base = nunjucksInternals.parser.Parser;

const COMPARE_OPS = new Set(["==", "!=", "<", ">", "<=", ">=", "===", "!=="]);
const CONSTANTS: Record<string, unknown> = {
  true: true,
  True: true,
  false: false,
  False: false,
  none: null,
  None: null,
};
/** Tokens that can start a test argument written without parentheses (`is divisibleby 3`). */
const TEST_ARG_START = new Set([
  lexer.TOKEN_SYMBOL,
  lexer.TOKEN_STRING,
  lexer.TOKEN_INT,
  lexer.TOKEN_FLOAT,
  lexer.TOKEN_BOOLEAN,
  lexer.TOKEN_NONE,
  lexer.TOKEN_LEFT_PAREN,
  lexer.TOKEN_LEFT_BRACKET,
  lexer.TOKEN_LEFT_CURLY,
]);

export class JinjaParser extends Base {
  constructor(
    tokens: Tokenizer,
    private readonly lstripBlocks = false,
  ) {
    super(tokens);
  }

  private peekOrFail(): Token {
    const tok = this.peekToken();
    if (tok === null) this.fail("unexpected end of template");
    return tok;
  }

  private isOperator(tok: Token | null, value: string): boolean {
    return tok !== null && tok.type === lexer.TOKEN_OPERATOR && tok.value === value;
  }

  private isSymbol(tok: Token | null, value: string): boolean {
    return tok !== null && tok.type === lexer.TOKEN_SYMBOL && tok.value === value;
  }

  // ---- statements ---------------------------------------------------------------------------

  override parseStatement(): Node | null {
    const tok = this.peekOrFail();
    if (tok.type === lexer.TOKEN_SYMBOL && !(this.breakOnBlocks ?? []).includes(tok.value)) {
      switch (tok.value) {
        case "for":
          return this.parseFor();
        case "set":
          return this.parseSet();
        case "with":
          return this.parseWith();
        case "do":
          return this.parseDo();
        case "autoescape":
          return this.parseAutoescape();
        case "filter":
          return this.parseFilterBlock();
        case "asyncEach":
        case "asyncAll":
        case "ifAsync":
        case "switch":
        case "verbatim":
          // Nunjucks-only tags: Jinja2 would reject them, so templates stay portable.
          this.fail(`unknown block tag: ${tok.value}`, tok.lineno, tok.colno);
          break;
        default:
          break;
      }
    }
    return super.parseStatement();
  }

  /** An assignment target: `x`, `a, b`, `(a, b)`; with `allowAttr`, also `ns.attr`. */
  private parseAssignTarget(allowAttr: boolean, allowTuple: boolean): Node {
    const first = this.parseTargetName(allowAttr);
    if (!allowTuple || this.peekToken()?.type !== lexer.TOKEN_COMMA) return first;
    const tuple = new TupleNodeClass(first.lineno, first.colno, [first]);
    while (this.skip(lexer.TOKEN_COMMA)) {
      const next = this.peekOrFail();
      if (next.type !== lexer.TOKEN_SYMBOL && next.type !== lexer.TOKEN_LEFT_PAREN) break;
      tuple.addChild(this.parseTargetName(false));
    }
    return tuple;
  }

  private parseTargetName(allowAttr: boolean): Node {
    const tok = this.peekOrFail();
    if (tok.type === lexer.TOKEN_LEFT_PAREN) {
      this.nextToken();
      const inner = this.parseAssignTarget(false, true);
      this.expect(lexer.TOKEN_RIGHT_PAREN);
      return inner;
    }
    const name = this.nextToken();
    if (name === null || name.type !== lexer.TOKEN_SYMBOL) {
      this.fail(`expected a name to assign to, got ${name?.value ?? "end of template"}`, tok.lineno, tok.colno);
    }
    if (Object.hasOwn(CONSTANTS, name.value)) this.fail(`cannot assign to '${name.value}'`, name.lineno, name.colno);
    const symbol = new nodes.Symbol(name.lineno, name.colno, name.value);
    if (allowAttr && this.isOperator(this.peekToken(), ".")) {
      this.nextToken();
      const attr = this.nextToken();
      if (attr === null || attr.type !== lexer.TOKEN_SYMBOL) this.fail("expected an attribute name after '.'");
      return new LookupNodeClass(name.lineno, name.colno, symbol, new nodes.Literal(attr.lineno, attr.colno, attr.value), true);
    }
    return symbol;
  }

  /** `{% block name [scoped] [required] %}`: a scoped block sees the variables around it. */
  override parseBlock(): Node {
    const tag = this.peekOrFail();
    this.skipSymbol("block");
    const node = new nodes.Block(tag.lineno, tag.colno) as Node & { name: Node; body: NodeList; scoped?: boolean };
    node.name = this.parsePrimary();
    if (node.name.typename !== "Symbol") this.fail("block name expected", tag.lineno, tag.colno);
    for (;;) {
      if (this.skipSymbol("scoped")) node.scoped = true;
      else if (!this.skipSymbol("required")) break;
    }
    this.advanceAfterBlockEnd(tag.value);
    node.body = this.parseUntilBlocks("endblock");
    this.skipSymbol("endblock");
    this.skipSymbol(String((node.name as ValueNode).value));
    const end = this.peekToken();
    if (end === null) this.fail("expected endblock, got end of file");
    this.advanceAfterBlockEnd(end.value);
    return node;
  }

  /** `{% include name [ignore missing] [with context | without context] %}`, as Jinja2 parses it. */
  override parseInclude(): Node {
    const tag = this.peekOrFail();
    this.skipSymbol("include");
    const node = new nodes.Include(tag.lineno, tag.colno) as Node & { template: Node; ignoreMissing?: boolean; withoutContext?: boolean };
    node.template = this.parseExpression();
    if (this.skipSymbol("ignore")) {
      if (!this.skipSymbol("missing")) this.fail("expected 'missing' after 'ignore'");
      node.ignoreMissing = true;
    }
    const next = this.peekToken();
    if (this.isSymbol(next, "with") || this.isSymbol(next, "without")) {
      this.nextToken();
      if (!this.skipSymbol("context")) this.fail("expected 'context'");
      node.withoutContext = next?.value === "without";
    }
    this.advanceAfterBlockEnd("include");
    return node;
  }

  /**
   * `{% raw %}...{% endraw %}` as Jinja2's lexer reads it, with the template's delimiters: the
   * text runs to the first endraw (raw blocks do not nest); `{% raw -%}` strips the whitespace
   * after it, `{%- endraw` the whitespace before, lstrip_blocks the blanks before an endraw that
   * starts its line, and trim_blocks the newline after `endraw %}` (not after `+%}`/`-%}`).
   */
  override parseRaw(): Node {
    const begun = this.advanceAfterBlockEnd();
    // advanceAfterBlockEnd marks a `-%}` for the next text node; the raw text is that node.
    this.dropLeadingWhitespace = false;
    const t = this.tokens;
    const { BLOCK_START, BLOCK_END } = t.tags;
    const end = new RegExp(`${escapeRegExp(BLOCK_START)}([-+]?)\\s*endraw\\s*(?:\\+${escapeRegExp(BLOCK_END)}|(-)${escapeRegExp(BLOCK_END)}\\s*|${escapeRegExp(BLOCK_END)}${t.trimBlocks ? "\\n?" : ""})`, "g");
    end.lastIndex = t.index;
    const m = end.exec(t.str);
    if (m === null) this.fail("Missing end of raw directive", begun.lineno, begun.colno);
    let text = t.str.slice(t.index, m.index);
    if (begun.value.startsWith("-")) text = text.replace(/^\s*/, "");
    const lineStarting = t.index === 0 || t.str[t.index - 1] === "\n";
    if (m[1] === "-") {
      text = text.replace(/\s*$/, "");
    } else if (m[1] !== "+" && this.lstripBlocks) {
      const lineStart = text.lastIndexOf("\n") + 1;
      if ((lineStart > 0 || lineStarting) && /^\s+$/.test(text.slice(lineStart))) text = text.slice(0, lineStart);
    }
    while (t.index < m.index + m[0].length && !t.isFinished()) t.forward();
    return new nodes.Output(begun.lineno, begun.colno, [new nodes.TemplateData(begun.lineno, begun.colno, text)]);
  }

  override parseFor(): Node {
    const forTok = this.peekOrFail();
    this.skipSymbol("for");
    const target = this.parseAssignTarget(false, true);
    if (!this.skipSymbol("in")) this.fail('expected "in" keyword for loop', forTok.lineno, forTok.colno);
    const iter = this.parseTupleExpression(false);
    let cond: Node | null = null;
    if (this.skipSymbol("if")) cond = this.parseExpression();
    const recursive = this.skipSymbol("recursive");
    this.advanceAfterBlockEnd("for");
    const body = this.parseUntilBlocks("endfor", "else");
    let else_: NodeList | null = null;
    if (this.skipSymbol("else")) {
      this.advanceAfterBlockEnd("else");
      else_ = this.parseUntilBlocks("endfor");
    }
    this.advanceAfterBlockEnd();
    const node = new ForNodeClass(forTok.lineno, forTok.colno, target, iter, cond, body, else_);
    node.recursive = recursive;
    return node;
  }

  override parseSet(): Node {
    const tag = this.peekOrFail();
    this.skipSymbol("set");
    const target = this.parseAssignTarget(true, true);
    if (this.skipValue(lexer.TOKEN_OPERATOR, "=")) {
      const value = this.parseTupleExpression(true);
      this.advanceAfterBlockEnd("set");
      return new AssignNodeClass(tag.lineno, tag.colno, target, value, null);
    }
    let filter: Node | undefined;
    const pipe = this.peekToken();
    if (pipe?.type === lexer.TOKEN_PIPE) filter = this.parseFilterExpr(new CapturedNodeClass(pipe.lineno, pipe.colno));
    if (!this.skip(lexer.TOKEN_BLOCK_END)) this.fail("expected = or block end in set tag", tag.lineno, tag.colno);
    const body = this.parseUntilBlocks("endset");
    this.advanceAfterBlockEnd();
    const node = new AssignNodeClass(tag.lineno, tag.colno, target, null, body);
    if (filter !== undefined) node.filter = filter;
    return node;
  }

  private parseWith(): Node {
    const tag = this.peekOrFail();
    this.skipSymbol("with");
    const targets: Node[] = [];
    const values: Node[] = [];
    while (this.peekToken()?.type !== lexer.TOKEN_BLOCK_END) {
      if (targets.length > 0 && !this.skip(lexer.TOKEN_COMMA)) this.fail("expected comma in with statement");
      targets.push(this.parseAssignTarget(false, false));
      if (!this.skipValue(lexer.TOKEN_OPERATOR, "=")) this.fail("expected = in with statement");
      values.push(this.parseExpression());
    }
    this.advanceAfterBlockEnd("with");
    const body = this.parseUntilBlocks("endwith");
    this.advanceAfterBlockEnd();
    return new WithNodeClass(tag.lineno, tag.colno, targets, values, body);
  }

  private parseAutoescape(): Node {
    const tag = this.peekOrFail();
    this.skipSymbol("autoescape");
    const value = this.parseExpression();
    this.advanceAfterBlockEnd("autoescape");
    const body = this.parseUntilBlocks("endautoescape");
    this.advanceAfterBlockEnd();
    return new AutoescapeNodeClass(tag.lineno, tag.colno, value, body);
  }

  /** `{% filter f(args) | g %}...{% endfilter %}`: the chain runs over the block's text. */
  private parseFilterBlock(): Node {
    const tag = this.peekOrFail();
    this.skipSymbol("filter");
    const capture = new nodes.Capture(tag.lineno, tag.colno, new nodes.NodeList(tag.lineno, tag.colno, [])) as Node & { body: NodeList };
    const name = this.parseFilterName();
    const args = this.peekToken()?.type === lexer.TOKEN_LEFT_PAREN ? this.parseCallArgs() : new nodes.NodeList(name.lineno, name.colno);
    args.children.unshift(capture);
    const filter = this.parseFilterExpr(new nodes.Filter(name.lineno, name.colno, name, args));
    this.advanceAfterBlockEnd("filter");
    capture.body = this.parseUntilBlocks("endfilter");
    this.advanceAfterBlockEnd();
    return new nodes.Output(tag.lineno, tag.colno, [filter]);
  }

  private parseDo(): Node {
    const tag = this.peekOrFail();
    this.skipSymbol("do");
    const expr = this.parseTupleExpression(true);
    this.advanceAfterBlockEnd("do");
    return new DoNodeClass(tag.lineno, tag.colno, expr);
  }

  // ---- expressions --------------------------------------------------------------------------

  /** An expression, or an unparenthesised tuple `a, b` where Jinja2 allows one. */
  private parseTupleExpression(withCondExpr: boolean): Node {
    const first = withCondExpr ? this.parseExpression() : this.parseOr();
    if (this.peekToken()?.type !== lexer.TOKEN_COMMA) return first;
    const tuple = new TupleNodeClass(first.lineno, first.colno, [first]);
    while (this.skip(lexer.TOKEN_COMMA)) {
      const next = this.peekToken();
      if (next === null || next.type === lexer.TOKEN_BLOCK_END || (next.type === lexer.TOKEN_SYMBOL && next.value === "if")) break;
      tuple.addChild(withCondExpr ? this.parseExpression() : this.parseOr());
    }
    return tuple;
  }

  override parseExpression(): Node {
    let expr = this.parseOr();
    while (this.skipSymbol("if")) {
      const cond = this.parseOr();
      const else_ = this.skipSymbol("else") ? this.parseExpression() : null;
      const node = new nodes.InlineIf(expr.lineno, expr.colno);
      node.cond = cond;
      node.body = expr;
      node.else_ = else_;
      expr = node;
    }
    return expr;
  }

  parseOr(): Node {
    let node = this.parseAnd();
    for (let tok = this.peekToken(); this.skipSymbol("or"); tok = this.peekToken()) {
      node = new nodes.Or(tok?.lineno ?? node.lineno, tok?.colno ?? node.colno, node, this.parseAnd());
    }
    return node;
  }

  parseAnd(): Node {
    let node = this.parseNot();
    for (let tok = this.peekToken(); this.skipSymbol("and"); tok = this.peekToken()) {
      node = new nodes.And(tok?.lineno ?? node.lineno, tok?.colno ?? node.colno, node, this.parseNot());
    }
    return node;
  }

  parseNot(): Node {
    const tok = this.peekOrFail();
    if (this.skipSymbol("not")) return new nodes.Not(tok.lineno, tok.colno, this.parseNot());
    return this.parseCompare();
  }

  parseCompare(): Node {
    const expr = this.parseMath1();
    const ops = [];
    for (;;) {
      const tok = this.nextToken();
      if (tok === null) break;
      if ((tok.type === lexer.TOKEN_OPERATOR && COMPARE_OPS.has(tok.value))) {
        ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseMath1(), tok.value));
      } else if (this.isSymbol(tok, "in")) {
        ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseMath1(), "in"));
      } else if (this.isSymbol(tok, "not")) {
        // After an operand, `not` can only start `not in`.
        if (!this.skipSymbol("in")) this.fail("expected 'in' after 'not'", tok.lineno, tok.colno);
        ops.push(new nodes.CompareOperand(tok.lineno, tok.colno, this.parseMath1(), "notin"));
      } else {
        this.pushToken(tok);
        break;
      }
    }
    if (ops.length === 0) return expr;
    const first = ops[0];
    return new nodes.Compare(first?.lineno ?? expr.lineno, first?.colno ?? expr.colno, expr, ops);
  }

  private binaryLoop(next: () => Node, ops: Record<string, (l: number, c: number, a: Node, b: Node) => Node>, type = lexer.TOKEN_OPERATOR): Node {
    let node = next();
    for (;;) {
      const tok = this.peekToken();
      if (tok === null || tok.type !== type || !Object.hasOwn(ops, tok.value)) return node;
      this.nextToken();
      const make = ops[tok.value];
      if (make === undefined) return node;
      node = make(tok.lineno, tok.colno, node, next());
    }
  }

  parseMath1(): Node {
    return this.binaryLoop(() => this.parseConcatExpr(), {
      "+": (l, c, a, b) => new nodes.Add(l, c, a, b),
      "-": (l, c, a, b) => new nodes.Sub(l, c, a, b),
    });
  }

  parseConcatExpr(): Node {
    return this.binaryLoop(
      () => this.parseMath2(),
      { "~": (l, c, a, b) => new nodes.Concat(l, c, a, b) },
      lexer.TOKEN_TILDE,
    );
  }

  parseMath2(): Node {
    return this.binaryLoop(() => this.parsePowExpr(), {
      "*": (l, c, a, b) => new nodes.Mul(l, c, a, b),
      "/": (l, c, a, b) => new nodes.Div(l, c, a, b),
      "//": (l, c, a, b) => new nodes.FloorDiv(l, c, a, b),
      "%": (l, c, a, b) => new nodes.Mod(l, c, a, b),
    });
  }

  parsePowExpr(): Node {
    return this.binaryLoop(() => this.parseUnaryExpr(true), {
      "**": (l, c, a, b) => new nodes.Pow(l, c, a, b),
    });
  }

  parseUnaryExpr(withFilter: boolean): Node {
    const tok = this.peekOrFail();
    let node: Node;
    if (this.skipValue(lexer.TOKEN_OPERATOR, "-")) node = new nodes.Neg(tok.lineno, tok.colno, this.parseUnaryExpr(false));
    else if (this.skipValue(lexer.TOKEN_OPERATOR, "+")) node = new nodes.Pos(tok.lineno, tok.colno, this.parseUnaryExpr(false));
    else node = this.parsePrimary(true);
    node = this.parsePostfix(node);
    return withFilter ? this.parseFilterExpr(node) : node;
  }

  override parsePrimary(noPostfix = false): Node {
    const tok = this.nextToken();
    if (tok === null) this.fail("expected an expression, got end of template");
    let node: Node;
    switch (tok.type) {
      case lexer.TOKEN_STRING: {
        // Adjacent string literals concatenate, as in Python.
        let value = tok.value;
        while (this.peekToken()?.type === lexer.TOKEN_STRING) value += this.nextToken()?.value ?? "";
        node = new nodes.Literal(tok.lineno, tok.colno, value);
        break;
      }
      case lexer.TOKEN_INT:
        // Python ints are unbounded: a literal past 2^53 is a BigInt.
        node = new nodes.Literal(tok.lineno, tok.colno, Number.isSafeInteger(parseInt(tok.value, 10)) ? parseInt(tok.value, 10) : BigInt(tok.value));
        break;
      case lexer.TOKEN_FLOAT:
        node = new nodes.Literal(tok.lineno, tok.colno, new PyFloat(parseFloat(tok.value)));
        break;
      case lexer.TOKEN_BOOLEAN:
        node = new nodes.Literal(tok.lineno, tok.colno, tok.value === "true");
        break;
      case lexer.TOKEN_NONE:
        // Nunjucks lexes `null` as none; in Jinja2 it is an ordinary name.
        node = tok.value === "null" ? new nodes.Symbol(tok.lineno, tok.colno, "null") : new nodes.Literal(tok.lineno, tok.colno, null);
        break;
      case lexer.TOKEN_SYMBOL:
        node = Object.hasOwn(CONSTANTS, tok.value)
          ? new nodes.Literal(tok.lineno, tok.colno, CONSTANTS[tok.value])
          : new nodes.Symbol(tok.lineno, tok.colno, tok.value);
        break;
      case lexer.TOKEN_LEFT_PAREN:
      case lexer.TOKEN_LEFT_BRACKET:
      case lexer.TOKEN_LEFT_CURLY:
        this.pushToken(tok);
        node = this.parseAggregate();
        break;
      default:
        this.fail(`unexpected token: ${tok.value}`, tok.lineno, tok.colno);
    }
    return noPostfix ? node : this.parsePostfix(node);
  }

  override parseAggregate(): Node {
    const open = this.nextToken();
    if (open === null) this.fail("unexpected end of template");
    const close =
      open.type === lexer.TOKEN_LEFT_PAREN
        ? lexer.TOKEN_RIGHT_PAREN
        : open.type === lexer.TOKEN_LEFT_BRACKET
          ? lexer.TOKEN_RIGHT_BRACKET
          : lexer.TOKEN_RIGHT_CURLY;
    const items: Node[] = [];
    let sawComma = false;
    while (!this.skip(close)) {
      if (items.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail("expected comma or closing bracket", open.lineno, open.colno);
        sawComma = true;
        if (this.skip(close)) break;
      }
      if (open.type === lexer.TOKEN_LEFT_CURLY) {
        const key = this.parseExpression();
        if (!this.skip(lexer.TOKEN_COLON)) this.fail("expected colon after dict key", key.lineno, key.colno);
        items.push(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
      } else {
        items.push(this.parseExpression());
      }
    }
    if (open.type === lexer.TOKEN_LEFT_PAREN) {
      const only = items[0];
      if (items.length === 1 && !sawComma && only !== undefined) return only;
      return new TupleNodeClass(open.lineno, open.colno, items);
    }
    return open.type === lexer.TOKEN_LEFT_BRACKET
      ? new nodes.Array(open.lineno, open.colno, items)
      : new nodes.Dict(open.lineno, open.colno, items);
  }

  override parsePostfix(start: Node): Node {
    let node = start;
    for (;;) {
      const tok = this.peekToken();
      if (tok === null) return node;
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = this.parseCallExpr(node);
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        node = this.parseSubscript(node);
      } else if (this.isOperator(tok, ".")) {
        this.nextToken();
        const name = this.nextToken();
        if (name === null || (name.type !== lexer.TOKEN_SYMBOL && name.type !== lexer.TOKEN_INT && name.type !== lexer.TOKEN_BOOLEAN && name.type !== lexer.TOKEN_NONE)) {
          this.fail(`expected name as lookup value, got ${name?.value ?? "end of template"}`, tok.lineno, tok.colno);
        }
        const key = name.type === lexer.TOKEN_INT ? parseInt(name.value, 10) : name.value;
        node = new LookupNodeClass(tok.lineno, tok.colno, node, new nodes.Literal(name.lineno, name.colno, key), name.type !== lexer.TOKEN_INT);
      } else {
        return node;
      }
    }
  }

  private parseSubscript(target: Node): Node {
    const open = this.nextToken();
    if (open === null) this.fail("unexpected end of template");
    const parts: (Node | null)[] = [];
    let isSlice = false;
    let current: Node | null = null;
    for (;;) {
      const tok = this.peekOrFail();
      if (tok.type === lexer.TOKEN_RIGHT_BRACKET) {
        this.nextToken();
        break;
      }
      if (tok.type === lexer.TOKEN_COLON) {
        this.nextToken();
        isSlice = true;
        parts.push(current);
        current = null;
        if (parts.length > 2) this.fail("too many slice components", tok.lineno, tok.colno);
        continue;
      }
      if (current !== null) this.fail("expected ']' or ':'", tok.lineno, tok.colno);
      current = this.parseExpression();
    }
    if (!isSlice) {
      if (current === null) this.fail("expected a subscript", open.lineno, open.colno);
      return new LookupNodeClass(open.lineno, open.colno, target, current, false);
    }
    parts.push(current);
    const [start, stop, step] = [parts[0] ?? null, parts[1] ?? null, parts[2] ?? null];
    return new SliceNodeClass(open.lineno, open.colno, target, start, stop, step);
  }

  /** `(args, kw=value)` as a NodeList ending with KeywordArgs when there are keyword arguments. */
  private parseCallArgs(): NodeList {
    const open = this.nextToken();
    if (open === null) this.fail("unexpected end of template");
    const args = new nodes.NodeList(open.lineno, open.colno);
    const kwargs = new nodes.KeywordArgs(open.lineno, open.colno);
    while (!this.skip(lexer.TOKEN_RIGHT_PAREN)) {
      if (args.children.length + kwargs.children.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail("expected comma between arguments", open.lineno, open.colno);
        if (this.skip(lexer.TOKEN_RIGHT_PAREN)) break;
      }
      const tok = this.peekOrFail();
      if (this.isOperator(tok, "*")) this.fail("*args and **kwargs in calls are not supported", tok.lineno, tok.colno);
      const arg = this.parseExpression();
      if (this.skipValue(lexer.TOKEN_OPERATOR, "=")) {
        if (arg.typename !== "Symbol") this.fail("keyword argument name expected before '='", arg.lineno, arg.colno);
        kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
      } else {
        if (kwargs.children.length > 0) this.fail("positional argument follows keyword argument", arg.lineno, arg.colno);
        args.addChild(arg);
      }
    }
    if (kwargs.children.length > 0) args.addChild(kwargs);
    return args;
  }

  private parseCallExpr(callee: Node): Node {
    const tok = this.peekOrFail();
    return new nodes.FunCall(tok.lineno, tok.colno, callee, this.parseCallArgs());
  }

  parseFilterExpr(start: Node): Node {
    let node = start;
    for (;;) {
      const tok = this.peekToken();
      if (tok === null) return node;
      if (tok.type === lexer.TOKEN_PIPE) {
        this.nextToken();
        const name = this.parseFilterName();
        const args = this.peekToken()?.type === lexer.TOKEN_LEFT_PAREN ? this.parseCallArgs() : new nodes.NodeList(name.lineno, name.colno);
        args.children.unshift(node);
        node = new nodes.Filter(name.lineno, name.colno, name, args);
      } else if (this.isSymbol(tok, "is")) {
        node = this.parseTest(node);
      } else if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = this.parseCallExpr(node);
      } else {
        return node;
      }
    }
  }

  private parseTest(subject: Node): Node {
    const isTok = this.nextToken();
    if (isTok === null) this.fail("unexpected end of template");
    const negated = this.skipSymbol("not");
    const nameTok = this.nextToken();
    if (nameTok === null || (nameTok.type !== lexer.TOKEN_SYMBOL && nameTok.type !== lexer.TOKEN_NONE && nameTok.type !== lexer.TOKEN_BOOLEAN)) {
      this.fail(`expected a test name after 'is', got ${nameTok?.value ?? "end of template"}`, isTok.lineno, isTok.colno);
    }
    let name = nameTok.value;
    while (this.isOperator(this.peekToken(), ".")) {
      this.nextToken();
      name += `.${this.expect(lexer.TOKEN_SYMBOL).value}`;
    }
    let args: NodeList;
    const next = this.peekToken();
    if (next?.type === lexer.TOKEN_LEFT_PAREN) {
      args = this.parseCallArgs();
    } else if (
      next !== null &&
      TEST_ARG_START.has(next.type) &&
      !(next.type === lexer.TOKEN_SYMBOL && ["else", "or", "and", "if", "in", "not"].includes(next.value))
    ) {
      if (this.isSymbol(next, "is")) this.fail("You cannot chain multiple tests with is", next.lineno, next.colno);
      args = new nodes.NodeList(next.lineno, next.colno, [this.parsePrimary()]);
    } else {
      args = new nodes.NodeList(nameTok.lineno, nameTok.colno);
    }
    const test = new TestNodeClass(nameTok.lineno, nameTok.colno, subject, name, args);
    return negated ? new nodes.Not(isTok.lineno, isTok.colno, test) : test;
  }

  override parseFilterName(): ValueNode {
    const tok = this.expect(lexer.TOKEN_SYMBOL);
    let name = tok.value;
    while (this.skipValue(lexer.TOKEN_OPERATOR, ".")) name += `.${this.expect(lexer.TOKEN_SYMBOL).value}`;
    return new nodes.Symbol(tok.lineno, tok.colno, name);
  }
}

export function parseTemplate(tokens: Tokenizer): NodeList {
  return new JinjaParser(tokens).parseAsRoot();
}
