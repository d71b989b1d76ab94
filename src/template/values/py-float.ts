// JavaScript has one number type; Python has int and float, and prints them differently
// (`{{ 4 / 2 }}` is "2.0" in Jinja2). A non-integral JS number can only be a float, so only
// integral floats need a marker: PyFloat boxes them. Variables read from YAML arrive the same way
// (src/inventory/yaml-exact.ts): `3.0` as a PyFloat, an int past 2^53 as a bigint.

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

/** Two ints as BigInts when at least one is a bigint (beyond 2^53), so they compare exactly. */
export function bigIntPair(a: unknown, b: unknown): [bigint, bigint] | undefined {
  if (typeof a !== "bigint" && typeof b !== "bigint") return undefined;
  const big = (v: unknown): bigint | undefined =>
    typeof v === "bigint" ? v : typeof v === "boolean" ? (v ? 1n : 0n) : typeof v === "number" && Number.isInteger(v) ? BigInt(v) : undefined;
  const x = big(a);
  const y = big(b);
  return x === undefined || y === undefined ? undefined : [x, y];
}

/** The numeric value of an int/float/bool; undefined when v is not a number. */
export function numericValue(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "bigint") return Number(v);
  return undefined;
}
