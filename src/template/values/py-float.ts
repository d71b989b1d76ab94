// JavaScript has one number type; Python has int and float, and prints them differently
// (`{{ 4 / 2 }}` is "2.0" in Jinja2). A non-integral JS number can only be a float, so only
// integral floats need a marker: PyFloat boxes them. Values from the caller's variables are plain
// numbers (JSON and YAML parsing already lost the distinction), so they behave as ints when
// integral — the one known gap, documented in the report.

export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/** A Python float with value n: boxed when JS could mistake it for an int. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

export function isPyFloat(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v));
}

export function isPyInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/** int, float or bool (bool is an int subclass in Python). */
export function isPyNumber(v: unknown): v is number | PyFloat | boolean | bigint {
  return typeof v === "number" || v instanceof PyFloat || typeof v === "boolean" || typeof v === "bigint";
}

/** The numeric value of an int/float/bool; undefined when v is not a number. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}
