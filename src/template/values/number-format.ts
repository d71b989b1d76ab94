// Python's number formatting, digit for digit. JavaScript's toFixed/toString disagree with Python
// on ties (0.125 → "0.12" in Python, "0.13" in JS) and on exponent layout ("1e-05" vs "1e-5"), and
// byte-identical output is the goal, so we round the exact binary value half-to-even, as CPython's
// dtoa does.

/** The exact decimal expansion of a finite double: value = digits × 10^-scale. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (exponentBits === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  if (exponent >= 0) return { digits: mantissa << BigInt(exponent), scale: 0 };
  return { digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** Rounds digits×10^-scale to `keep` fractional digits, half to even; returns the scaled integer. */
function roundHalfEven(digits: bigint, scale: number, keep: number): bigint {
  if (scale <= keep) return digits * 10n ** BigInt(keep - scale);
  const divisor = 10n ** BigInt(scale - keep);
  let q = digits / divisor;
  const r = digits % divisor;
  const twice = r * 2n;
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q += 1n;
  return q;
}

function nonFinite(x: number, upper: boolean): string | undefined {
  if (Number.isNaN(x)) return upper ? "NAN" : "nan";
  if (x === Infinity) return upper ? "INF" : "inf";
  if (x === -Infinity) return upper ? "-INF" : "-inf";
  return undefined;
}

function negative(x: number): boolean {
  return x < 0 || Object.is(x, -0);
}

/** Python's `'%.{prec}f' % x` without sign handling of padding: "-0.12". */
export function formatFixed(x: number, prec: number): string {
  const special = nonFinite(x, false);
  if (special !== undefined) return special;
  const { digits, scale } = exactDecimal(x);
  const q = roundHalfEven(digits, scale, prec).toString().padStart(prec + 1, "0");
  const body = prec === 0 ? q : `${q.slice(0, q.length - prec)}.${q.slice(q.length - prec)}`;
  return (negative(x) ? "-" : "") + body;
}

/** Significant digits of |x| rounded to `sig` digits, and the decimal exponent of the first one. */
function significant(x: number, sig: number): { mantissa: string; exp: number } {
  if (x === 0) return { mantissa: "0".repeat(sig), exp: 0 };
  const { digits, scale } = exactDecimal(x);
  const n = digits.toString().length;
  let exp = n - 1 - scale;
  const drop = n - sig;
  let kept: bigint;
  if (drop > 0) {
    kept = roundHalfEven(digits, drop, 0);
    if (kept.toString().length > sig) {
      kept /= 10n;
      exp += 1;
    }
  } else {
    kept = digits * 10n ** BigInt(-drop);
  }
  return { mantissa: kept.toString(), exp };
}

function exponentSuffix(exp: number, upper: boolean): string {
  return `${upper ? "E" : "e"}${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** Python's `'%.{prec}e' % x`. */
export function formatExponent(x: number, prec: number, upper = false, alternate = false): string {
  const special = nonFinite(x, upper);
  if (special !== undefined) return special;
  const { mantissa, exp } = significant(Math.abs(x), prec + 1);
  const point = prec > 0 || alternate ? "." : "";
  return `${negative(x) ? "-" : ""}${mantissa[0]}${point}${mantissa.slice(1)}${exponentSuffix(exp, upper)}`;
}

/** Python's `'%.{prec}g' % x`. */
export function formatGeneral(x: number, prec: number, upper = false, alternate = false): string {
  const special = nonFinite(x, upper);
  if (special !== undefined) return special;
  const p = prec === 0 ? 1 : prec;
  const { exp } = significant(Math.abs(x), p);
  let out: string;
  if (exp >= -4 && exp < p) {
    out = formatFixed(x, p - 1 - exp);
  } else {
    out = formatExponent(x, p - 1, upper, alternate);
  }
  if (alternate) return out;
  // %g drops trailing zeros (and a bare point) from the mantissa.
  const e = out.search(/[eE]/);
  const mant = e < 0 ? out : out.slice(0, e);
  const suffix = e < 0 ? "" : out.slice(e);
  const trimmed = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
  return trimmed + suffix;
}

/** Python's repr(float): shortest round-trip digits, "1.0", "1e+16", "1.5e-05". */
export function floatRepr(x: number): string {
  const special = nonFinite(x, false);
  if (special !== undefined) return special;
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(x.toExponential());
  if (m === null) return String(x);
  const sign = m[1] ?? "";
  const digits = (m[2] ?? "") + (m[3] ?? "");
  const exp = Number(m[4]);
  if (exp < -4 || exp >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return sign + mant + exponentSuffix(exp, false);
  }
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    return `${sign}${intPart}.${frac === "" ? "0" : frac}`;
  }
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

/** Python's str(int): all digits, never exponent notation. */
export function intRepr(n: number): string {
  if (Math.abs(n) < 1e21) return String(n);
  return BigInt(n).toString();
}

/** Python's round(x, ndigits) for floats: correctly rounded, half to even. */
export function roundFloat(x: number, ndigits: number): number {
  if (!Number.isFinite(x)) return x;
  if (ndigits >= 0) return Number(formatFixed(x, ndigits));
  const factor = 10 ** -ndigits;
  const scaled = Number(formatFixed(x / factor, 0));
  return scaled * factor;
}
