import type { Expr } from "./syntax/ast.js";
import type { PyConstant } from "./syntax/constants.js";
import { type PyErrorClass, PyException, isPyErrorSubclass } from "./syntax/errors.js";
import { PyParser } from "./syntax/parser.js";
import { PyTokenizer } from "./syntax/tokenizer.js";
import type { PyValue } from "./syntax/values.js";
import { UnrepresentableValue, toTemplateValue } from "./template-value.js";

// Python 3.11's ast.literal_eval applied to a string, for the two places Ansible calls it: the
// INI inventory types `key=value` host variables with it (keeping the string on ValueError or
// SyntaxError), and ansible_eval_concat turns a template's output that looks like a dict, a list
// or a bool into one (ast.parse(out, mode='eval') then literal_eval; the caller passes
// lstrip: false for that, as ast.parse does not strip).
//
// The string is parsed by a port of CPython's tokenizer and expression grammar (./syntax/), so
// that exactly what CPython accepts is accepted and every rejection has CPython's exception
// class: SyntaxError (or IndentationError) for what does not parse, ValueError for what parses
// but is no literal, TypeError for an unhashable set item or dict key, and the limits CPython
// hits on hostile input (MemoryError, RecursionError). The value then goes through a port of
// literal_eval's _convert, in its order of evaluation, and comes back in the template engine's
// Python value model (./template-value.ts).
//
// Two things JavaScript cannot do exactly fail as "Unsupported" instead of returning something
// else: `\N{name}` escapes (JavaScript has no Unicode name database), and dicts whose distinct
// keys share a str() (1 and '1'), which template dicts cannot hold apart.
//
// What each caller catches, in Python: the INI plugin `except ValueError` and `except
// SyntaxError` (then the value stays the string; note that it also runs to_text on the result,
// which turns a top-level bytes into text), ansible_eval_concat `except (TypeError, ValueError,
// SyntaxError, MemoryError)`; anything else propagates. Test `errorClass` with isPyErrorSubclass,
// and treat "Unsupported" as an error of its own, never as a reason to keep the string.

export type LiteralEvalErrorClass = PyErrorClass | "Unsupported";

export type LiteralEvalResult =
  | { ok: true; value: unknown }
  | {
      ok: false;
      /** "ValueError: malformed node or string on line 1: <ast.Name object>", in Python's words. */
      error: string;
      /** The exception Python raises (see isPyErrorSubclass), or "Unsupported" for what this port cannot evaluate. */
      errorClass: LiteralEvalErrorClass;
    };

export interface LiteralEvalOptions {
  /** literal_eval's own lstrip(" \t") of a str argument (default true); false for ast.parse(text) then literal_eval. */
  lstrip?: boolean;
}

export { isPyErrorSubclass };

/**
 * The deepest tree CPython converts to ast objects, counting the Expression root: 3 × the
 * recursion limit (1000) minus 3 per Python frame already on the stack, which is 2985 for a
 * caller 5 frames deep (a script calling ast.literal_eval). A deeper caller, such as Ansible,
 * has a slightly lower limit; only operator chains about 3000 long come near it.
 */
const AST_DEPTH_LIMIT = 2985;

class Unsupported extends Error {}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function literalEval(text: string, opts: LiteralEvalOptions = {}): LiteralEvalResult {
  try {
    return { ok: true, value: toTemplateValue(evaluate(opts.lstrip === false ? text : text.replace(/^[ \t]+/, ""))) };
  } catch (e) {
    if (e instanceof PyException) return { ok: false, error: e.message, errorClass: e.pyClass };
    if (e instanceof Unsupported || e instanceof UnrepresentableValue) return { ok: false, error: e.message, errorClass: "Unsupported" };
    // Parsing is bounded like CPython's, so this would be a defect; the caller still gets an answer.
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: `cannot evaluate this literal here: ${message}`, errorClass: "Unsupported" };
  }
}

function evaluate(source: string): PyValue {
  // compile() encodes the source as UTF-8 first, then refuses NUL.
  const surrogate = LONE_SURROGATE.exec(source);
  if (surrogate !== null) {
    const position = Array.from(source.slice(0, surrogate.index)).length;
    const code = (surrogate[0].codePointAt(0) ?? 0).toString(16);
    throw new PyException("UnicodeEncodeError", `'utf-8' codec can't encode character '\\u${code}' in position ${position}: surrogates not allowed`);
  }
  if (source.includes("\0")) throw new PyException("SyntaxError", "source code string cannot contain null bytes");
  const names: string[] = [];
  let tree: Expr;
  try {
    tree = new PyParser(new PyTokenizer(source.replace(/\r\n?/g, "\n")), { names }, false).parseEval();
  } catch (e) {
    // A SyntaxError stands whatever the \N{} names are; anything else might have been one.
    if (names.length > 0 && !(e instanceof PyException && isPyErrorSubclass(e.pyClass, "SyntaxError"))) throw unsupportedNames(names);
    throw e;
  }
  if (names.length > 0) throw unsupportedNames(names);
  if (tree.height + 1 > AST_DEPTH_LIMIT) throw new PyException("RecursionError", "maximum recursion depth exceeded during ast construction");
  return convert(tree);
}

function unsupportedNames(names: readonly string[]): Unsupported {
  return new Unsupported(`\\N{${names[0] ?? ""}}: Unicode character names cannot be looked up here (JavaScript has no Unicode name database); write the character or a \\u escape instead`);
}

// ---- literal_eval's _convert ------------------------------------------------------------------

function astName(node: Expr): string {
  return node.kind === "Other" ? node.type : node.kind;
}

function malformed(node: Expr | null): PyException {
  if (node === null) return new PyException("ValueError", "malformed node or string: None");
  return new PyException("ValueError", `malformed node or string on line ${node.line}: <ast.${astName(node)} object>`);
}

type PyNumber = Extract<PyConstant, { type: "int" | "float" | "complex" }>;

/** _convert_num: a Constant of type int, float or complex (not bool). */
function convertNum(node: Expr): PyNumber {
  if (node.kind !== "Constant") throw malformed(node);
  const v = node.value;
  if (v.type === "int" || v.type === "float" || v.type === "complex") return v;
  throw malformed(node);
}

function negate(v: PyNumber): PyNumber {
  switch (v.type) {
    case "int":
      return { type: "int", value: -v.value };
    case "float":
      return { type: "float", value: -v.value };
    case "complex":
      return { type: "complex", real: -v.real, imag: -v.imag };
  }
}

/** _convert_signed_num: a number, or + or - applied to one. */
function convertSignedNum(node: Expr): PyNumber {
  if (node.kind === "UnaryOp" && (node.op === "UAdd" || node.op === "USub")) {
    const operand = convertNum(node.operand);
    return node.op === "UAdd" ? operand : negate(operand);
  }
  return convertNum(node);
}

/** A real (int or float) plus or minus a complex, as Python computes it: complex(real, 0.0) ± right. */
function complexArithmetic(left: PyNumber, op: string, right: Extract<PyConstant, { type: "complex" }>): PyNumber {
  let real: number;
  if (left.type === "int") {
    real = Number(left.value);
    if (!Number.isFinite(real)) throw new PyException("OverflowError", "int too large to convert to float");
  } else if (left.type === "float") {
    real = left.value;
  } else {
    throw new Error("complexArithmetic needs a real left operand");
  }
  return op === "Add" ? { type: "complex", real: real + right.real, imag: 0 + right.imag } : { type: "complex", real: real - right.real, imag: 0 - right.imag };
}

function convert(node: Expr): PyValue {
  switch (node.kind) {
    case "Constant":
      return node.value;
    case "Tuple":
      return { type: "tuple", items: node.elts.map(convert) };
    case "List":
      return { type: "list", items: node.elts.map(convert) };
    case "Set": {
      // set(map(_convert, elts)): each item is converted, then hashed, in turn.
      const set = new ValueSet();
      for (const elt of node.elts) set.add(convert(elt));
      return { type: "set", items: set.items };
    }
    case "Call":
      if (node.func.kind === "Name" && node.func.id === "set" && node.nargs === 0 && node.nkeywords === 0) return { type: "set", items: [] };
      break;
    case "Dict": {
      // dict(zip(map(_convert, keys), map(_convert, values))): key, value, then insertion.
      const dict = new ValueDict();
      node.keys.forEach((keyNode, i) => {
        if (keyNode === null) throw malformed(null);
        const key = convert(keyNode);
        const valueNode = node.values[i];
        if (valueNode === undefined) throw malformed(node);
        dict.set(key, convert(valueNode));
      });
      return { type: "dict", entries: dict.entries };
    }
    case "BinOp":
      if (node.op === "Add" || node.op === "Sub") {
        const left = convertSignedNum(node.left);
        const right = convertNum(node.right);
        if ((left.type === "int" || left.type === "float") && right.type === "complex") return complexArithmetic(left, node.op, right);
      }
      break;
    default:
      break;
  }
  return convertSignedNum(node);
}

// ---- Python's hashing and equality, for set items and dict keys ----------------------------

/** A number's identity under Python's ==: 1, 1.0, True and (1+0j) are one key. */
function numberKey(x: number): string {
  return Number.isInteger(x) ? `n:${BigInt(x).toString()}` : `f:${String(x)}`;
}

/** The key of v under Python's == and hash(); TypeError for an unhashable value, as hash() raises. */
function hashKey(v: PyValue): string {
  switch (v.type) {
    case "None":
      return "N";
    case "Ellipsis":
      return "E";
    case "bool":
      return v.value ? "n:1" : "n:0";
    case "int":
      return `n:${v.value.toString()}`;
    case "float":
      return numberKey(v.value);
    case "complex":
      return v.imag === 0 ? numberKey(v.real) : `c:${numberKey(v.real)},${numberKey(v.imag)}`;
    case "str":
      return `s:${v.value}`;
    case "bytes":
      return `b:${Buffer.from(v.value).toString("hex")}`;
    case "tuple":
      return `t:${JSON.stringify(v.items.map(hashKey))}`;
    default:
      throw new PyException("TypeError", `unhashable type: '${v.type}'`);
  }
}

class ValueSet {
  readonly items: PyValue[] = [];
  private readonly seen = new Set<string>();

  add(v: PyValue): void {
    const key = hashKey(v);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push(v);
  }
}

class ValueDict {
  readonly entries: [PyValue, PyValue][] = [];
  private readonly index = new Map<string, number>();

  /** Python keeps the first of equal keys and the last value. */
  set(key: PyValue, value: PyValue): void {
    const k = hashKey(key);
    const at = this.index.get(k);
    if (at !== undefined) {
      const entry = this.entries[at];
      if (entry !== undefined) entry[1] = value;
      return;
    }
    this.index.set(k, this.entries.length);
    this.entries.push([key, value]);
  }
}
