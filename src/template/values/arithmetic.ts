import { TemplateValueError } from "../errors.js";
import { presentValue } from "./hook.js";
import { pyTypeName } from "./kinds.js";
import { percentFormat } from "./printf.js";
import { isPyFloat, numericValue, pyFloat, type PyFloat } from "./py-float.js";
import { pyStr } from "./repr.js";
import { isTuple, tuple } from "./tagged.js";
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

function numeric(op: string, a: unknown, b: unknown, f: (x: number, y: number, float: boolean) => Num): Num {
  const x = numericValue(a);
  const y = numericValue(b);
  if (x === undefined || y === undefined) throw unsupported(op, a, b);
  return f(x, y, isPyFloat(a) || isPyFloat(b));
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
  return numeric("+", a, b, (x, y, f) => result(x + y, f));
}

export function pySub(rawA: unknown, rawB: unknown): unknown {
  return numeric("-", operand(rawA), operand(rawB), (x, y, f) => result(x - y, f));
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
  return numeric("*", a, b, (x, y, f) => result(x * y, f));
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
  });
}

export function pyMod(rawA: unknown, rawB: unknown): unknown {
  const a = operand(rawA);
  const b = operand(rawB);
  if (typeof a === "string") return percentFormat(a, b);
  return numeric("%", a, b, (x, y, f) => {
    if (y === 0) throw new TemplateValueError(f ? "float modulo" : "integer division or modulo by zero");
    const r = x % y;
    return result(r !== 0 && r < 0 !== y < 0 ? r + y : r, f);
  });
}

export function pyPow(rawA: unknown, rawB: unknown): unknown {
  return numeric("**", operand(rawA), operand(rawB), (x, y, f) => {
    if (x === 0 && y < 0) throw new TemplateValueError("0.0 cannot be raised to a negative power");
    return result(x ** y, f || y < 0);
  });
}

export function pyNeg(raw: unknown): unknown {
  const v = operand(raw);
  const n = numericValue(v);
  if (n === undefined) throw new TemplateValueError(`bad operand type for unary -: '${pyTypeName(v)}'`);
  return result(-n, isPyFloat(v));
}

export function pyPos(raw: unknown): unknown {
  const v = operand(raw);
  const n = numericValue(v);
  if (n === undefined) throw new TemplateValueError(`bad operand type for unary +: '${pyTypeName(v)}'`);
  return result(n, isPyFloat(v));
}

/** Jinja2's `~`: both sides converted with str(). */
export function pyConcat(rawA: unknown, rawB: unknown): string {
  return pyStr(operand(rawA)) + pyStr(operand(rawB));
}
