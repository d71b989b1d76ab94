import {
  nunjucksInternals,
  type BinOpNode,
  type CompareNode,
  type CompileFrame,
  type FunCallNode,
  type IfNode,
  type InlineIfNode,
  type Node,
  type NodeList,
  type PairNode,
  type TemplateRefNode,
  type UnaryOpNode,
  type ValueNode,
} from "../nunjucks/internals.js";
import { PyFloat } from "../values/py-float.js";
import type { AssignNode, AutoescapeNode, DoNode, ForNode, LookupNode, SliceNode, TestNode, WithNode } from "./nodes.js";

// Nunjucks' code generator, with every expression routed through the Jinja runtime (`jr`, see
// runtime/runtime.ts) instead of JavaScript operators. Statement code we keep from Nunjucks
// (macros, blocks, includes, imports, extends) calls back into these overrides for its
// expressions. Each runtime call gets a site — `S[n]`, a {file, line, column} table emitted at
// the top of the generated module — so errors point at the exact expression.

const { nodes } = nunjucksInternals;
const Base = nunjucksInternals.compiler.Compiler;

export interface KnownCallables {
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

const OPS: Record<string, string> = {
  Add: "add",
  Sub: "sub",
  Mul: "mul",
  Div: "div",
  FloorDiv: "floordiv",
  Mod: "mod",
  Pow: "pow",
  Concat: "concat",
};

/** Every name a template fragment reads (Symbol nodes), for varargs/kwargs/caller detection. */
function usedNames(root: Node): Set<string> {
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (typeof v !== "object" || v === null || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      v.forEach(visit);
      return;
    }
    const node = v as Partial<Node> & { value?: unknown };
    if (node.typename === "Symbol" && typeof node.value === "string") out.add(node.value);
    for (const child of Object.values(v)) visit(child);
  };
  visit(root);
  return out;
}

function js(value: string): string {
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

export class JinjaCompiler extends Base {
  private readonly sites: string[] = [];
  /** Templates named by literal in include/import/extends, so check() can follow them. */
  readonly references: { name: string; optional: boolean }[] = [];
  private currentBlock: string | null = null;
  /** The JS variable holding a `{% set x | f %}` block's text while its filters compile. */
  private captured: string | null = null;
  private readonly file: string;
  /**
   * Per enclosing loop (innermost last; a macro body starts afresh): whether its body names
   * `loop`. Only then does Jinja2 keep `loop` among the locals an include receives.
   */
  private readonly loopShown: boolean[] = [];

  constructor(
    file: string,
    private readonly known: KnownCallables,
  ) {
    super(file, false);
    this.file = file;
  }

  /** A reference to the site table entry for node (1-based line and column). */
  private site(node: Node): string {
    this.sites.push(`{file:${js(this.file)},line:${node.lineno + 1},column:${node.colno + 1}}`);
    return `S[${this.sites.length - 1}]`;
  }

  override getCode(): string {
    return `var S = [${this.sites.join(",")}];\n${super.getCode()}`;
  }

  override _emitFuncBegin(node: Node, name: string): void {
    this.currentBlock = name.startsWith("b_") ? name.slice(2) : null;
    super._emitFuncBegin(node, name);
    this._emitLine(`var jr = env.jr; lineno = ${node.lineno + 1}; colno = ${node.colno + 1};`);
  }

  override _emitFuncEnd(noReturn?: boolean): void {
    if (!noReturn) this._emitLine(`cb(null, ${this.buffer ?? "output"});`);
    this._closeScopeLevels();
    this._emitLine("} catch (e) {");
    this._emitLine(`  cb(env.jr.locate(e, ${js(this.file)}, lineno, colno));`);
    this._emitLine("}");
    this._emitLine("}");
    this.buffer = null;
  }

  private position(node: Node): void {
    this._emitLine(`lineno = ${node.lineno + 1}; colno = ${node.colno + 1};`);
    const ref = node as TemplateRefNode & { ignoreMissing?: boolean };
    if (ref.template.typename === "Literal" && typeof (ref.template as ValueNode).value === "string") {
      this.references.push({ name: String((ref.template as ValueNode).value), optional: ref.ignoreMissing === true });
    }
  }

  override _compileExpression(node: Node, frame: CompileFrame): void {
    this.compile(node, frame);
  }

  private expr(node: Node, frame: CompileFrame): void {
    this.compile(node, frame);
  }

  /** Expression text for messages: `hostvars[h].ansible_host`. */
  private describe(node: Node): string {
    switch (node.typename) {
      case "Symbol":
        return String((node as ValueNode).value);
      case "Literal": {
        const v = (node as ValueNode).value;
        if (typeof v === "string") return `'${v}'`;
        if (v === null) return "None";
        if (typeof v === "boolean") return v ? "True" : "False";
        return String(v instanceof PyFloat ? v.value : v);
      }
      case "JLookup": {
        const n = node as LookupNode;
        const key = n.val.typename === "Literal" ? (n.val as ValueNode).value : undefined;
        if (n.dot && typeof key === "string") return `${this.describe(n.target)}.${key}`;
        return `${this.describe(n.target)}[${this.describe(n.val)}]`;
      }
      case "FunCall":
        return `${this.describe((node as FunCallNode).name)}(...)`;
      case "Filter": {
        const f = node as FunCallNode;
        const input = f.args.children[0];
        return `${input === undefined ? "" : this.describe(input)} | ${String((f.name as ValueNode).value)}`;
      }
      default:
        return "<expression>";
    }
  }

  // ---- literals and names ----------------------------------------------------------------

  compileLiteral(node: ValueNode): void {
    const v = node.value;
    if (typeof v === "string") this._emit(js(v));
    else if (v instanceof PyFloat) this._emit(`jr.float(${String(v.value)})`);
    else if (v === null || v === undefined) this._emit("null");
    else if (typeof v === "bigint") this._emit(`${v.toString()}n`);
    else this._emit(String(v));
  }

  compileTemplateData(node: ValueNode): void {
    this.compileLiteral(node);
  }

  compileSymbol(node: ValueNode, frame: CompileFrame): void {
    const name = String(node.value);
    const bound = frame.lookup(name);
    if (bound) this._emit(`jr.local(${bound}, ${js(name)}, ${this.site(node)})`);
    else this._emit(`jr.name(context, frame, ${js(name)}, ${this.site(node)})`);
  }

  compileJLookup(node: LookupNode, frame: CompileFrame): void {
    this._emit("jr.attr(");
    this.expr(node.target, frame);
    this._emit(",");
    this.expr(node.val, frame);
    this._emit(`, ${node.dot ? "true" : "false"}, ${js(this.describe(node))}, ${this.site(node)})`);
  }

  compileJSlice(node: SliceNode, frame: CompileFrame): void {
    this._emit("jr.slice(");
    this.expr(node.target, frame);
    for (const part of [node.start, node.stop, node.step]) {
      this._emit(",");
      if (part === null) this._emit("null");
      else this.expr(part, frame);
    }
    this._emit(`, ${this.site(node)})`);
  }

  compileJTuple(node: NodeList, frame: CompileFrame): void {
    this._emit("jr.tuple(");
    this._compileAggregate(node, frame, "[", "]");
    this._emit(")");
  }

  compileDict(node: NodeList, frame: CompileFrame): void {
    this._emit("jr.dict([");
    node.children.forEach((child, i) => {
      const pair = child as PairNode;
      if (i > 0) this._emit(",");
      this.expr(pair.key, frame);
      this._emit(",");
      this.expr(pair.value, frame);
    });
    this._emit(`], ${this.site(node)})`);
  }

  /** Positional arguments as a JS array and keyword arguments as an object literal. */
  private compileArgs(args: readonly Node[], frame: CompileFrame): void {
    const positional = args.filter((a) => a.typename !== "KeywordArgs");
    const keywords = args.find((a) => a.typename === "KeywordArgs") as NodeList | undefined;
    this._emit("[");
    positional.forEach((a, i) => {
      if (i > 0) this._emit(",");
      this.expr(a, frame);
    });
    this._emit("], {");
    (keywords?.children ?? []).forEach((child, i) => {
      const pair = child as PairNode;
      if (i > 0) this._emit(",");
      this._emit(`${js(String((pair.key as ValueNode).value))}: `);
      this.expr(pair.value, frame);
    });
    this._emit("}");
  }

  // ---- calls, filters, tests -------------------------------------------------------------

  compileFunCall(node: FunCallNode, frame: CompileFrame): void {
    const callee = node.name;
    if (callee.typename === "Symbol" && (callee as ValueNode).value === "super" && node.args.children.length === 0) {
      if (this.currentBlock === null) this.fail("super() is only available inside a block", node.lineno, node.colno);
      const block = this.currentBlock;
      this._emit(`jr.superBlock(env, context, ${js(block)}, b_${block}, frame, runtime, ${this.site(node)})`);
      return;
    }
    this._emit("jr.call(");
    this.expr(callee, frame);
    this._emit(",");
    this.compileArgs(node.args.children, frame);
    this._emit(`, ${js(this.describe(callee))}, ${this.site(node)})`);
  }

  compileFilter(node: FunCallNode, frame: CompileFrame): void {
    const name = String((node.name as ValueNode).value);
    if (!this.known.hasFilter(name)) this.fail(`no filter named '${name}'`, node.lineno, node.colno);
    this._emit(`jr.filter(${js(name)}, ${this.site(node)}, `);
    this.compileArgs(node.args.children, frame);
    this._emit(")");
  }

  compileJTest(node: TestNode, frame: CompileFrame): void {
    if (!this.known.hasTest(node.name)) this.fail(`no test named '${node.name}'`, node.lineno, node.colno);
    this._emit(`jr.test(${js(node.name)}, ${this.site(node)}, `);
    this.compileArgs([node.expr, ...node.args.children], frame);
    this._emit(")");
  }

  // ---- operators ---------------------------------------------------------------------------

  private binary(node: BinOpNode, frame: CompileFrame): void {
    this._emit(`jr.op(${js(OPS[node.typename] ?? "")}, `);
    this.expr(node.left, frame);
    this._emit(",");
    this.expr(node.right, frame);
    this._emit(`, ${this.site(node)})`);
  }

  compileAdd(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }
  compileSub(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }
  compileMul(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }
  compileDiv(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }
  compileFloorDiv(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }
  compileMod(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }
  compilePow(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }
  compileConcat(node: BinOpNode, frame: CompileFrame): void {
    this.binary(node, frame);
  }

  compileNeg(node: UnaryOpNode, frame: CompileFrame): void {
    this._emit("jr.neg(");
    this.expr(node.target, frame);
    this._emit(`, ${this.site(node)})`);
  }

  compilePos(node: UnaryOpNode, frame: CompileFrame): void {
    this._emit("jr.pos(");
    this.expr(node.target, frame);
    this._emit(`, ${this.site(node)})`);
  }

  compileNot(node: UnaryOpNode, frame: CompileFrame): void {
    this._emit("jr.not(");
    this.expr(node.target, frame);
    this._emit(`, ${this.site(node)})`);
  }

  compileAnd(node: BinOpNode, frame: CompileFrame): void {
    this._emit("jr.and(");
    this.expr(node.left, frame);
    this._emit(", function() { return ");
    this.expr(node.right, frame);
    this._emit(`; }, ${this.site(node)})`);
  }

  compileOr(node: BinOpNode, frame: CompileFrame): void {
    this._emit("jr.or(");
    this.expr(node.left, frame);
    this._emit(", function() { return ");
    this.expr(node.right, frame);
    this._emit(`; }, ${this.site(node)})`);
  }

  compileCompare(node: CompareNode, frame: CompileFrame): void {
    const [first, ...rest] = node.ops;
    if (first === undefined) {
      this.expr(node.expr, frame);
      return;
    }
    if (rest.length === 0) {
      this._emit(`jr.cmp(${js(first.type)}, `);
      this.expr(node.expr, frame);
      this._emit(",");
      this.expr(first.expr, frame);
      this._emit(`, ${this.site(first)})`);
      return;
    }
    // a < b < c: each operand evaluated once, later ones only if needed, as in Python.
    const left = this._tmpid();
    const right = this._tmpid();
    this._emit(`(function() { var ${left} = `);
    this.expr(node.expr, frame);
    this._emit(`; var ${right};`);
    for (const op of node.ops) {
      this._emit(` ${right} = `);
      this.expr(op.expr, frame);
      this._emit(`; if (!jr.cmp(${js(op.type)}, ${left}, ${right}, ${this.site(op)})) return false; ${left} = ${right};`);
    }
    this._emit(" return true; })()");
  }

  compileInlineIf(node: InlineIfNode, frame: CompileFrame): void {
    this._emit("(jr.truthy(");
    this.expr(node.cond, frame);
    this._emit(`, ${this.site(node)}) ? `);
    this.expr(node.body, frame);
    this._emit(" : ");
    if (node.else_ !== null) {
      this.expr(node.else_, frame);
    } else {
      // Jinja2 uses its lenient Undefined here even under StrictUndefined: `{{ ',' if not
      // loop.last }}` renders nothing on the last item instead of failing.
      this._emit('""');
    }
    this._emit(")");
  }

  // ---- statements ----------------------------------------------------------------------------

  compileOutput(node: NodeList, frame: CompileFrame): void {
    for (const child of node.children) {
      if (child.typename === "TemplateData") {
        const text = (child as ValueNode).value;
        if (text) {
          this._emit(`${this.buffer ?? "output"} += `);
          this.compileLiteral(child as ValueNode);
          this._emitLine(";");
        }
        continue;
      }
      this._emit(`${this.buffer ?? "output"} += jr.out(`);
      this.expr(child, frame);
      this._emitLine(`, ${this.site(child)});`);
    }
  }

  compileIf(node: IfNode, frame: CompileFrame): void {
    this._emit("if (jr.truthy(");
    this.expr(node.cond, frame);
    this._emitLine(`, ${this.site(node)})) {`);
    this._withScopedSyntax(() => this.compile(node.body, frame));
    const else_ = node.else_;
    if (else_ !== null) {
      this._emitLine("} else {");
      this._withScopedSyntax(() => this.compile(else_, frame));
    }
    this._emitLine("}");
  }

  /** Emits code binding `target` (a name or a tuple of names) to the JS expression `source`. */
  private bindTarget(target: Node, source: string, frame: CompileFrame, topLevelExports: boolean): void {
    if (target.typename === "Symbol") {
      const name = String((target as ValueNode).value);
      const id = frame.lookup(name) || this._tmpid();
      this._emitLine(`var ${id} = ${source};`);
      this._emitLine(`frame.set(${js(name)}, ${id});`);
      if (topLevelExports) {
        this._emitLine(`if (frame.topLevel) { context.setVariable(${js(name)}, ${id});${name.startsWith("_") ? "" : ` context.addExport(${js(name)}, ${id});`} }`);
      }
      return;
    }
    if (target.typename === "JTuple") {
      const targets = (target as NodeList).children;
      const parts = this._tmpid();
      this._emitLine(`var ${parts} = jr.unpack(${source}, ${targets.length}, ${this.site(target)});`);
      targets.forEach((t, i) => this.bindTarget(t, `${parts}[${i}]`, frame, topLevelExports));
      return;
    }
    this.fail("cannot assign to this expression", target.lineno, target.colno);
  }

  /**
   * Loop variables are bound at compile time to JS variables, like Nunjucks does — each loop to
   * its own: reusing an outer binding of the name (a macro argument, an enclosing loop's
   * variable) would overwrite it, where Jinja2 gives it back after the loop.
   */
  private bindLoopTarget(target: Node, source: string, frame: CompileFrame): void {
    if (target.typename === "Symbol") {
      const name = String((target as ValueNode).value);
      let id = frame.get(name);
      if (!id) {
        id = this._tmpid();
        frame.set(name, id);
      }
      this._emitLine(`var ${id} = ${source}; frame.set(${js(name)}, ${id});`);
      return;
    }
    const targets = (target as NodeList).children;
    const parts = this._tmpid();
    this._emitLine(`var ${parts} = jr.unpack(${source}, ${targets.length}, ${this.site(target)});`);
    targets.forEach((t, i) => this.bindLoopTarget(t, `${parts}[${i}]`, frame));
  }

  compileJFor(node: ForNode, outer: CompileFrame): void {
    if (node.recursive === true) {
      this.compileRecursiveFor(node, outer);
      return;
    }
    const frame = outer.push();
    const site = this.site(node);
    const items = this._tmpid();
    this._emitLine("frame = frame.push();");
    this._emit(`var ${items} = jr.iter(`);
    this.expr(node.iter, frame);
    this._emitLine(`, ${site});`);
    this.emitLoop(node, frame, items, site);
  }

  /**
   * A macro (or a `{% call %}` body) with Jinja2's argument binding (runtime/macro.ts): required
   * parameters arrive positionally, parameters with defaults in a keyword object, then `varargs`
   * and `kwargs`, which the body sees only when it names them.
   */
  override _compileMacro(node: Node, frame?: CompileFrame): string {
    const macro = node as Node & { name?: ValueNode; args: NodeList; body: NodeList };
    const funcId = `macro_${this._tmpid()}`;
    const keepFrame = frame !== undefined;
    const children = macro.args.children;
    const last = children[children.length - 1];
    const defaults = last !== undefined && last.typename === "KeywordArgs" ? (last as NodeList).children as PairNode[] : [];
    const required = (defaults.length > 0 ? children.slice(0, -1) : children).map((a) => {
      if (a.typename !== "Symbol") this.fail("macro parameters must be names", a.lineno, a.colno);
      return String((a as ValueNode).value);
    });
    const optional = defaults.map((p) => String((p.key as ValueNode).value));
    const uses = usedNames(macro.body);
    const shape = {
      name: macro.name === undefined ? "caller" : String(macro.name.value),
      required,
      optional,
      catchVarargs: uses.has("varargs"),
      catchKwargs: uses.has("kwargs"),
      caller: uses.has("caller"),
    };
    const currFrame = keepFrame && frame !== undefined ? frame.push(true) : new nunjucksInternals.runtime.Frame();
    const params = required.map((n) => `l_${n}`);
    this._emitLines(
      `var ${funcId} = jr.macro(${JSON.stringify(shape)}, function (${[...params, "kwargs", "l_varargs", "l_kwargs"].join(", ")}) {`,
      "var callerFrame = frame;",
      `frame = ${keepFrame ? "frame.push(true);" : "new runtime.Frame();"}`,
      "kwargs = kwargs || {};",
      'if (Object.prototype.hasOwnProperty.call(kwargs, "caller")) { frame.set("caller", kwargs.caller); }',
    );
    for (const n of required) {
      this._emitLine(`frame.set(${js(n)}, l_${n});`);
      currFrame.set(n, `l_${n}`);
    }
    for (const pair of defaults) {
      const name = String((pair.key as ValueNode).value);
      this._emit(`frame.set(${js(name)}, Object.prototype.hasOwnProperty.call(kwargs, ${js(name)}) ? kwargs[${js(name)}] : `);
      this._compileExpression(pair.value, currFrame);
      this._emitLine(");");
    }
    if (shape.catchVarargs) this._emitLine('frame.set("varargs", l_varargs);');
    if (shape.catchKwargs) this._emitLine('frame.set("kwargs", l_kwargs);');
    const bufferId = this._pushBuffer();
    this.loopShown.push(false);
    this._withScopedSyntax(() => this.compile(macro.body, currFrame));
    this.loopShown.pop();
    this._emitLine(`frame = ${keepFrame ? "frame.pop();" : "callerFrame;"}`);
    this._emitLine(`return new runtime.SafeString(${bufferId});`);
    this._emitLine("});");
    this._popBuffer();
    return funcId;
  }

  /**
   * The part of a for loop both kinds share, once `items` holds the iterated list: the inline
   * `if` filter, the loop object (jr.loop with `loopArgs`), one scope per iteration, and `else`.
   */
  private emitLoop(node: ForNode, frame: CompileFrame, items: string, loopArgs: string): void {
    const len = this._tmpid();
    const i = this._tmpid();
    const loop = this._tmpid();
    const cond = node.cond;
    if (cond !== null) {
      // Jinja2 filters before counting, so loop.length/index/last refer to the kept items.
      const item = this._tmpid();
      this._emitLine(`${items} = ${items}.filter(function(${item}) {`);
      this.bindLoopTarget(node.target, item, frame);
      this._emit("return jr.truthy(");
      this.expr(cond, frame);
      this._emitLine(`, ${this.site(cond)}); });`);
    }
    this._emitLine(`var ${len} = ${items}.length; var ${loop} = jr.loop(${items}, ${loopArgs});`);
    this._emitLine(`for (var ${i} = 0; ${i} < ${len}; ${i}++) {`);
    // A fresh scope per iteration: Jinja2 forgets a body's assignments between iterations.
    this._emitLine("frame = frame.push();");
    this.bindLoopTarget(node.target, `${items}[${i}]`, frame);
    this._emitLine(`${loop}.index0 = ${i}; frame.set("loop", ${loop});`);
    this.loopShown.push(usedNames(node.body).has("loop"));
    this._withScopedSyntax(() => {
      this.compile(node.body, frame);
      this._emitLine("frame = frame.pop();");
    });
    this.loopShown.pop();
    this._emitLine("}");
    const else_ = node.else_;
    if (else_ !== null) {
      this._emitLine(`if (!${len}) {`);
      this._withScopedSyntax(() => this.compile(else_, frame));
      this._emitLine("}");
    }
    this._emitLine("frame = frame.pop();");
  }

  /**
   * `{% for x in xs recursive %}`: the loop is a function of its items and depth, rendering into
   * its own buffer; `loop(children)` in the body calls it again one level deeper.
   */
  private compileRecursiveFor(node: ForNode, outer: CompileFrame): void {
    const frame = outer.push();
    const site = this.site(node);
    const fn = this._tmpid();
    const raw = this._tmpid();
    const depth = this._tmpid();
    const items = this._tmpid();
    const buffer = this.buffer;
    this.buffer = "output";
    this._emitLine(`var ${fn} = function(${raw}, ${depth}) {`);
    this._emitLine('var output = "";');
    this._emitLine("frame = frame.push();");
    this._emitLine(`var ${items} = jr.iter(${raw}, ${site});`);
    this.emitLoop(node, frame, items, `${site}, ${depth}, function(next) { return ${fn}(next, ${depth} + 1); }`);
    this._emitLine("return output;");
    this._emitLine("};");
    this.buffer = buffer;
    this._emit(`${buffer ?? "output"} += ${fn}(`);
    this.expr(node.iter, outer);
    this._emitLine(", 1);");
  }

  compileJAssign(node: AssignNode, frame: CompileFrame): void {
    const value = this._tmpid();
    this._emit(`var ${value} = `);
    if (node.value !== null) {
      this.expr(node.value, frame);
    } else {
      this.compileCapture(new nodes.Capture(node.lineno, node.colno, node.body), frame);
    }
    this._emitLine(";");
    if (node.filter !== undefined) {
      // `{% set x | f %}`: the filter chain runs over the captured text.
      const saved = this.captured;
      this.captured = value;
      this._emit(`${value} = `);
      this.expr(node.filter, frame);
      this._emitLine(";");
      this.captured = saved;
    }
    if (node.target.typename === "JLookup") {
      const target = node.target as LookupNode;
      this._emit("jr.setAttr(");
      this.expr(target.target, frame);
      this._emitLine(`, ${js(String((target.val as ValueNode).value))}, ${value}, ${this.site(target)});`);
      return;
    }
    // Jinja2 scoping: an assignment never reaches out of the current scope (a loop body, a
    // macro, a block), unlike Nunjucks, which writes to the outer variable.
    this.bindTarget(node.target, value, frame, true);
  }

  /**
   * `{% autoescape x %}`: Ansible renders with Jinja2's NativeEnvironment, whose output is never
   * escaped, so the block only evaluates its switch and renders its body as it is.
   */
  compileJAutoescape(node: AutoescapeNode, frame: CompileFrame): void {
    this.expr(node.value, frame);
    this._emitLine(";");
    this._withScopedSyntax(() => this.compile(node.body, frame));
  }

  compileJCaptured(): void {
    if (this.captured === null) this.fail("internal error: captured block outside a set block");
    this._emit(this.captured);
  }

  compileJWith(node: WithNode, outer: CompileFrame): void {
    const values = node.values.map((v) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this.expr(v, outer);
      this._emitLine(";");
      return id;
    });
    const frame = outer.push();
    this._emitLine("frame = frame.push();");
    node.targets.forEach((t, i) => this.bindTarget(t, values[i] ?? "undefined", frame, false));
    this._withScopedSyntax(() => this.compile(node.body, frame));
    this._emitLine("frame = frame.pop();");
  }

  compileJDo(node: DoNode, frame: CompileFrame): void {
    this.expr(node.expr, frame);
    this._emitLine(";");
  }

  /**
   * Nunjucks' include, rendering the included template as Jinja2 does: with the context and the
   * including template's locals — `loop` only when the loop's own body names it (Jinja2 makes
   * it a local then) — or `without context` with none of them.
   */
  override compileInclude(node: Node, frame: CompileFrame): void {
    this.position(node);
    const without = (node as Node & { withoutContext?: boolean }).withoutContext === true;
    const ignoreMissing = (node as Node & { ignoreMissing?: boolean }).ignoreMissing === true;
    this._emitLine("var tasks = [];");
    this._emitLine("tasks.push(");
    this._emitLine("function(callback) {");
    const id = this._compileGetTemplate(node, frame, false, ignoreMissing);
    this._emitLine(`callback(null,${id});});`);
    this._emitLine("});");
    const id2 = this._tmpid();
    this._emitLine("tasks.push(");
    this._emitLine("function(template, callback){");
    this._emitLine(`template.render(${without ? "{}" : "context.getVariables()"}, jr.includeFrame(frame, ${without}, ${this.loopShown[this.loopShown.length - 1] === true}), ${this._makeCallback(id2)}`);
    this._emitLine(`callback(null,${id2});});`);
    this._emitLine("});");
    this._emitLine("tasks.push(");
    this._emitLine("function(result, callback){");
    this._emitLine(`${this.buffer ?? "output"} += result;`);
    this._emitLine("callback(null);");
    this._emitLine("});");
    this._emitLine("env.waterfall(tasks, function(){");
    this._addScopeLevel();
  }

  /**
   * Nunjucks' block call, with Jinja2's scoping: a block sees the template's context (top-level
   * assignments, imports, macros) but the variables around it (a loop's) only if it is `scoped`.
   */
  override compileBlock(node: Node): void {
    const block = node as Node & { name: ValueNode; scoped?: boolean };
    const id = this._tmpid();
    if (!this.inBlock) this._emit('(parentTemplate ? function(e, c, f, r, cb) { cb(""); } : ');
    this._emit(`context.getBlock(${js(String(block.name.value))})`);
    if (!this.inBlock) this._emit(")");
    this._emitLine(`(env, context, ${block.scoped === true ? "frame" : "new runtime.Frame()"}, runtime, ${this._makeCallback(id)}`);
    this._emitLine(`${this.buffer ?? "output"} += ${id};`);
    this._addScopeLevel();
  }

  override compileImport(node: Node, frame: CompileFrame): void {
    this.position(node);
    super.compileImport(node, frame);
  }

  override compileFromImport(node: Node, frame: CompileFrame): void {
    this.position(node);
    super.compileFromImport(node, frame);
  }

  override compileExtends(node: Node, frame: CompileFrame): void {
    this.position(node);
    super.compileExtends(node, frame);
  }
}
