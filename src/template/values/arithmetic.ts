import { TemplateValueError } from "../errors.js";
import { presentValue } from "./hook.js";
import { pyTypeName } from "./kinds.js";
import { percentFormat } from "./printf.js";
import { isPyFloat, numericValue, pyFloat, type PyFloat } from "./py-float.js";
import { pyStr } from "./repr.js";
import { isTuple, tuple } from "./tagged.js";
import { PyDateTime } from "./datetime.js";
import { Undefined } from "./undefined.js";

// Python's arithmetic operators: int/float results (`7 / 2` is 3.5, `4 / 2` is 2.0, `7 // 2` is
// 3), `%` as modulo with the divisor's sign or as string formatting, `+` and `*` on strings and
// lists, and TypeErrors where Python raises them instead of JavaScript's silent coercions.

type Num = number | PyFloat;

function operand(raw: unknown): unknown {
  const v = presentValue(raw);
  if (v instanceof Undefined) throw v.toError();
  return v;
}

function unsupported(op: string, a: unknown, b: unknown): TemplateValueError {
  return new TemplateValueError(
    `unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`,
  );
}

/** An int operand as a BigInt (bool is an int); undefined for floats and non-numbers. */
function exactInt(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "number" && Number.isInteger(v)) return BigInt(v);
  return undefined;
}

/** Python ints are unbounded: a result past 2^53 stays a BigInt, a small one is a number again. */
export function pyIntResult(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

type Exact = (x: bigint, y: bigint) => bigint | undefined;

function numeric(op: string, a: unknown, b: unknown, f: (x: number, y: number, float: boolean) => Num, exact?: Exact): Num | bigint {
  const x = numericValue(a);
  const y = numericValue(b);
  if (x === undefined || y === undefined) throw unsupported(op, a, b);
  const r = f(x, y, isPyFloat(a) || isPyFloat(b));
  const ix = exactInt(a);
  const iy = exactInt(b);
  // int op int beyond JavaScript's exact range: redo it exactly, as Python's ints are.
  if (exact !== undefined && ix !== undefined && iy !== undefined && (typeof a === "bigint" || typeof b === "bigint" || (typeof r === "number" && !Number.isSafeInteger(r)))) {
    const big = exact(ix, iy);
    if (big !== undefined) return pyIntResult(big);
  }
  return r;
}

function floorDiv(x: bigint, y: bigint): bigint {
  const q = x / y;
  return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
}

function floorMod(x: bigint, y: bigint): bigint {
  const r = x % y;
  return r !== 0n && r < 0n !== y < 0n ? r + y : r;
}

function result(n: number, float: boolean): Num {
  return float ? pyFloat(n) : n;
}

export function pyAdd(rawA: unknown, rawB: unknown): unknown {
  const a = operand(rawA);
  const b = operand(rawB);
  if (typeof a === "string" && typeof b === "string") return a + b;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (isTuple(a) !== isTuple(b)) throw unsupported("+", a, b);
    const joined = [...a, ...b];
    return isTuple(a) ? tuple(joined) : joined;
  }
  if (typeof a === "string" || typeof b === "string") {
    throw new TemplateValueError(`can only concatenate str (not "${pyTypeName(typeof a === "string" ? b : a)}") to str`);
  }
  return numeric("+", a, b, (x, y, f) => result(x + y, f), (x, y) => x + y);
}

export function pySub(rawA: unknown, rawB: unknown): unknown {
  const a = operand(rawA);
  const b = operand(rawB);
  if (a instanceof PyDateTime && b instanceof PyDateTime) return a.minus(b);
  return numeric("-", operand(rawA), operand(rawB), (x, y, f) => result(x - y, f), (x, y) => x - y);
}

function repeat(seq: unknown, times: unknown): unknown | undefined {
  if (typeof times !== "number" && typeof times !== "boolean") return undefined;
  if (typeof times === "number" && !Number.isInteger(times)) return undefined;
  const n = Math.max(0, Number(times));
  if (typeof seq === "string") return seq.repeat(n);
  if (Array.isArray(seq)) {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) out.push(...seq);
    return isTuple(seq) ? tuple(out) : out;
  }
  return undefined;
}

export function pyMul(rawA: unknown, rawB: unknown): unknown {
  const a = operand(rawA);
  const b = operand(rawB);
  const repeated = repeat(a, b) ?? repeat(b, a);
  if (repeated !== undefined) return repeated;
  return numeric("*", a, b, (x, y, f) => result(x * y, f), (x, y) => x * y);
}

export function pyDiv(rawA: unknown, rawB: unknown): unknown {
  return numeric("/", operand(rawA), operand(rawB), (x, y) => {
    if (y === 0) throw new TemplateValueError("division by zero");
    return pyFloat(x / y);
  });
}

export function pyFloorDiv(rawA: unknown, rawB: unknown): unknown {
  return numeric("//", operand(rawA), operand(rawB), (x, y, f) => {
    if (y === 0) throw new TemplateValueError(f ? "float floor division by zero" : "integer division or modulo by zero");
    return result(Math.floor(x / y), f);
  }, (x, y) => (y === 0n ? undefined : floorDiv(x, y)));
}

export function pyMod(rawA: unknown, rawB: unknown): unknown {
  const a = operand(rawA);
  const b = operand(rawB);
  if (typeof a === "string") return percentFormat(a, b);
  return numeric("%", a, b, (x, y, f) => {
    if (y === 0) throw new TemplateValueError(f ? "float modulo" : "integer division or modulo by zero");
    const r = x % y;
    return result(r !== 0 && r < 0 !== y < 0 ? r + y : r, f);
  }, (x, y) => (y === 0n ? undefined : floorMod(x, y)));
}

export function pyPow(rawA: unknown, rawB: unknown): unknown {
  return numeric("**", operand(rawA), operand(rawB), (x, y, f) => {
    if (x === 0 && y < 0) throw new TemplateValueError("0.0 cannot be raised to a negative power");
    return result(x ** y, f || y < 0);
  }, (x, y) => (y < 0n ? undefined : x ** y));
}

export function pyNeg(raw: unknown): unknown {
  const v = operand(raw);
  if (typeof v === "bigint") return pyIntResult(-v);
  const n = numericValue(v);
  if (n === undefined) throw new TemplateValueError(`bad operand type for unary -: '${pyTypeName(v)}'`);
  return result(-n, isPyFloat(v));
}

export function pyPos(raw: unknown): unknown {
  const v = operand(raw);
  if (typeof v === "bigint") return v;
  const n = numericValue(v);
  if (n === undefined) throw new TemplateValueError(`bad operand type for unary +: '${pyTypeName(v)}'`);
  return result(n, isPyFloat(v));
}

/** Jinja2's `~`: both sides converted with str(). */
export function pyConcat(rawA: unknown, rawB: unknown): string {
  return pyStr(operand(rawA)) + pyStr(operand(rawB));
}
