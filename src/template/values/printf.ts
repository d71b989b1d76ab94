import { TemplateValueError } from "../errors.js";
import { presentValue } from "./hook.js";
import { isMapping, pyTypeName } from "./kinds.js";
import { formatExponent, formatFixed, formatGeneral, intRepr } from "./number-format.js";
import { numericValue, PyFloat } from "./py-float.js";
import { pyRepr, pyStr } from "./repr.js";
import { isTuple } from "./tagged.js";
import { Undefined } from "./undefined.js";

// Python's printf-style formatting: `'%s:%d' % (host, port)` in templates and the `format`
// filter (`'%05.1f' | format(x)`). Implemented per the CPython rules for flags, width, precision
// and conversions, with its TypeErrors for mismatched arguments.

const SPEC = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)/gs;

interface Flags {
  left: boolean;
  plus: boolean;
  space: boolean;
  alternate: boolean;
  zero: boolean;
}

function pad(sign: string, prefix: string, body: string, width: number, flags: Flags, numeric: boolean): string {
  const len = sign.length + prefix.length + body.length;
  if (len >= width) return sign + prefix + body;
  if (flags.left) return (sign + prefix + body).padEnd(width);
  if (flags.zero && numeric) return sign + prefix + body.padStart(width - sign.length - prefix.length, "0");
  return (sign + prefix + body).padStart(width);
}

function signOf(negative: boolean, flags: Flags): string {
  if (negative) return "-";
  if (flags.plus) return "+";
  if (flags.space) return " ";
  return "";
}

function realArg(v: unknown): number {
  const n = numericValue(v);
  if (n === undefined) throw new TemplateValueError(`must be real number, not ${pyTypeName(v)}`);
  return n;
}

function intArg(conv: string, v: unknown, allowFloat: boolean): number {
  const n = numericValue(v);
  const isFloat = v instanceof PyFloat || (typeof v === "number" && !Number.isInteger(v));
  if (n === undefined || (isFloat && !allowFloat)) {
    const need = allowFloat ? "a real number" : "an integer";
    throw new TemplateValueError(`%${conv} format: ${need} is required, not ${pyTypeName(v)}`);
  }
  return Math.trunc(n);
}

function convert(conv: string, raw: unknown, flags: Flags, width: number, prec: number | undefined): string {
  const v = presentValue(raw);
  if (v instanceof Undefined) throw v.toError();
  switch (conv) {
    case "s":
    case "r":
    case "a": {
      let s = conv === "s" ? pyStr(v) : pyRepr(v);
      if (prec !== undefined) s = s.slice(0, prec);
      return pad("", "", s, width, flags, false);
    }
    case "d":
    case "i":
    case "u": {
      // An int beyond 2^53 prints all its digits, as Python's does.
      if (typeof v === "bigint") return pad(signOf(v < 0n, flags), "", (v < 0n ? -v : v).toString(), width, flags, true);
      const n = intArg(conv, v, true);
      return pad(signOf(n < 0, flags), "", intRepr(Math.abs(n)), width, flags, true);
    }
    case "o":
    case "x":
    case "X": {
      const n = intArg(conv, v, false);
      const radix = conv === "o" ? 8 : 16;
      let body = Math.abs(n).toString(radix);
      if (conv === "X") body = body.toUpperCase();
      const prefix = flags.alternate ? (conv === "o" ? "0o" : conv === "x" ? "0x" : "0X") : "";
      return pad(signOf(n < 0, flags), prefix, body, width, flags, true);
    }
    case "e":
    case "E":
    case "f":
    case "F":
    case "g":
    case "G": {
      const x = realArg(v);
      const p = prec ?? 6;
      const upper = conv === conv.toUpperCase();
      let s: string;
      if (conv === "f" || conv === "F") s = formatFixed(x, p);
      else if (conv === "e" || conv === "E") s = formatExponent(x, p, upper, flags.alternate);
      else s = formatGeneral(x, p, upper, flags.alternate);
      if (upper) s = s.toUpperCase();
      const negative = s.startsWith("-");
      return pad(signOf(negative, flags), "", negative ? s.slice(1) : s, width, flags, Number.isFinite(x));
    }
    case "c": {
      if (typeof v === "string" && [...v].length === 1) return pad("", "", v, width, flags, false);
      const n = intArg(conv, v, false);
      return pad("", "", String.fromCodePoint(n), width, flags, false);
    }
    default:
      throw new TemplateValueError(`unsupported format character '${conv}'`);
  }
}

/** `fmt % args` with Python semantics. */
export function percentFormat(fmt: string, rawArgs: unknown): string {
  const args = presentValue(rawArgs);
  const positional = isTuple(args) ? (args as unknown[]) : [args];
  const mapping = isMapping(args) ? args : undefined;
  let next = 0;
  let usedMapping = false;
  const take = (): unknown => {
    if (next >= positional.length) throw new TemplateValueError("not enough arguments for format string");
    return positional[next++];
  };
  const out = fmt.replace(SPEC, (_all, key: string | undefined, flagText: string, w: string | undefined, p: string | undefined, conv: string) => {
    if (conv === "%") return "%";
    const flags: Flags = {
      left: flagText.includes("-"),
      plus: flagText.includes("+"),
      space: flagText.includes(" "),
      alternate: flagText.includes("#"),
      zero: flagText.includes("0"),
    };
    let width = 0;
    if (w === "*") width = intArg("*", take(), false);
    else if (w !== undefined) width = Number(w);
    if (width < 0) {
      flags.left = true;
      width = -width;
    }
    let prec: number | undefined;
    if (p === "*") prec = intArg("*", take(), false);
    else if (p !== undefined) prec = p === "" ? 0 : Number(p);
    let value: unknown;
    if (key !== undefined) {
      if (mapping === undefined) throw new TemplateValueError("format requires a mapping");
      if (!Object.hasOwn(mapping, key)) throw new TemplateValueError(`KeyError: '${key}'`);
      value = mapping[key];
      usedMapping = true;
    } else {
      value = take();
    }
    return convert(conv, value, flags, width, prec);
  });
  if (!usedMapping && next < positional.length && !(mapping !== undefined && next === 0)) {
    throw new TemplateValueError("not all arguments converted during string formatting");
  }
  return out;
}
