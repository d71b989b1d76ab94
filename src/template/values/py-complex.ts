import { floatRepr } from "./number-format.js";
import { pyTypeNameHook } from "./kinds.js";
import { pyReprHook } from "./repr.js";

// Python's complex numbers, which literals such as `1+2j` produce. JavaScript has none, and
// dropping the imaginary part or turning it into a string would change the value, so it is kept
// as its two floats and prints as Python prints it: `(1+2j)`, `2j`, `(-0-1j)`.

/** A float as complex's repr writes each part: repr without a trailing ".0" ("1", "1.5", "1e+16", "inf"). */
function part(x: number): string {
  const r = floatRepr(x);
  return r.endsWith(".0") ? r.slice(0, -2) : r;
}

export class PyComplex {
  constructor(
    readonly real: number,
    readonly imag: number,
  ) {}

  readonly [pyTypeNameHook] = "complex";

  [pyReprHook](): string {
    // A real part of +0.0 is left out, with the parentheses.
    if (this.real === 0 && !Object.is(this.real, -0)) return `${part(this.imag)}j`;
    const imag = part(this.imag);
    const signed = imag.startsWith("-") ? imag : `+${imag}`;
    return `(${part(this.real)}${signed}j)`;
  }

  toString(): string {
    return this[pyReprHook]();
  }
}
