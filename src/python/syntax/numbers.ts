import type { PyConstant } from "./constants.js";
import { pySyntaxError } from "./errors.js";

// The value of a NUMBER token, as CPython's parsenumber computes it: an int in any base, a float
// (correctly rounded; too large is inf), or an imaginary number.

/** CPython 3.11's default sys.get_int_max_str_digits(): longer decimal ints are refused. */
const INT_MAX_STR_DIGITS = 4300;

export function numberValue(text: string, line: number): PyConstant {
  const s = text.replace(/_/g, "");
  const last = s[s.length - 1];
  if (last === "j" || last === "J") return { type: "complex", real: 0, imag: Number(s.slice(0, -1)) };
  const radix = /^0[xXoObB]/.test(s);
  if (!radix && /[.eE]/.test(s)) return { type: "float", value: Number(s) };
  // A decimal int other than zero has no leading zero (the tokenizer refuses "0777").
  if (!radix && s[0] !== "0" && s.length > INT_MAX_STR_DIGITS) {
    throw pySyntaxError(
      `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${s.length} digits; use sys.set_int_max_str_digits() to increase the limit - Consider hexadecimal for huge integer literals to avoid decimal conversion limits.`,
      line,
    );
  }
  return { type: "int", value: radix ? BigInt(s.toLowerCase()) : BigInt(s) };
}
