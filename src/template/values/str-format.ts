import { TemplateValueError } from "../errors.js";
import { presentValue } from "./hook.js";
import { isMapping, pyTypeName } from "./kinds.js";
import { floatRepr, formatExponent, formatFixed, formatGeneral, intRepr } from "./number-format.js";
import { isPyFloat, numericValue } from "./py-float.js";
import { pyRepr, pyStr } from "./repr.js";
import { Undefined } from "./undefined.js";

// Python's str.format(): `'{}:{}'.format(host, port)`, `'{:>8}'.format(x)`, `'{0.name}'`.
// Covers the format-spec mini-language for strings, ints and floats; not nested replacement
// fields inside a spec.

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s;

function align(body: string, sign: string, fill: string, how: string, width: number): string {
  const len = sign.length + [...body].length;
  if (len >= width) return sign + body;
  const room = width - len;
  switch (how) {
    case "<":
      return sign + body + fill.repeat(room);
    case ">":
      return fill.repeat(room) + sign + body;
    case "^": {
      const left = Math.floor(room / 2);
      return fill.repeat(left) + sign + body + fill.repeat(room - left);
    }
    default:
      return sign + fill.repeat(room) + body;
  }
}

function group(intDigits: string, sep: string, every: number): string {
  let out = "";
  for (let i = 0; i < intDigits.length; i++) {
    if (i > 0 && (intDigits.length - i) % every === 0) out += sep;
    out += intDigits[i];
  }
  return out;
}

export function formatSpec(raw: unknown, spec: string): string {
  const v = presentValue(raw);
  if (v instanceof Undefined) throw v.toError();
  const m = SPEC.exec(spec);
  if (m === null) throw new TemplateValueError(`Invalid format specifier '${spec}'`);
  const [, fillRaw, alignRaw, signFlag, alt, zero, widthRaw, sepRaw, precRaw, typeRaw] = m;
  const width = widthRaw === undefined ? 0 : Number(widthRaw);
  const prec = precRaw === undefined ? undefined : Number(precRaw);
  const n = typeof v === "string" ? undefined : numericValue(v);
  let fill = fillRaw ?? " ";
  let how = alignRaw ?? (n === undefined ? "<" : ">");
  if (zero !== undefined && alignRaw === undefined) {
    fill = "0";
    how = "=";
  }
  if (n === undefined || (typeRaw === "s" && typeof v !== "number")) {
    if (typeRaw !== undefined && typeRaw !== "s") {
      throw new TemplateValueError(`Unknown format code '${typeRaw}' for object of type '${pyTypeName(v)}'`);
    }
    let s = pyStr(v);
    if (prec !== undefined) s = s.slice(0, prec);
    return align(s, "", fill, how, width);
  }
  const negative = n < 0 || Object.is(n, -0);
  const sign = negative ? "-" : signFlag === "+" ? "+" : signFlag === " " ? " " : "";
  const abs = Math.abs(n);
  // An int beyond 2^53 keeps all its digits in the integer presentations.
  const bigAbs = typeof v === "bigint" ? (v < 0n ? -v : v) : undefined;
  const type = typeRaw ?? (isPyFloat(v) ? "" : "d");
  let body: string;
  switch (type) {
    case "d":
    case "n":
      if (!Number.isInteger(n)) throw new TemplateValueError(`Unknown format code 'd' for object of type 'float'`);
      body = bigAbs !== undefined ? bigAbs.toString() : intRepr(abs);
      break;
    case "b":
    case "o":
    case "x":
    case "X": {
      const radix = type === "b" ? 2 : type === "o" ? 8 : 16;
      body = (bigAbs ?? abs).toString(radix);
      if (type === "X") body = body.toUpperCase();
      if (alt !== undefined) body = `0${type}${body}`;
      break;
    }
    case "c":
      body = String.fromCodePoint(abs);
      break;
    case "f":
    case "F":
      body = formatFixed(abs, prec ?? 6);
      break;
    case "e":
    case "E":
      body = formatExponent(abs, prec ?? 6, type === "E");
      break;
    case "g":
    case "G":
      body = formatGeneral(abs, prec ?? 6, type === "G", alt !== undefined);
      break;
    case "%":
      body = `${formatFixed(abs * 100, prec ?? 6)}%`;
      break;
    default:
      // No type on a float: repr, or 'g' semantics that keep at least one decimal digit.
      body = prec === undefined ? floatRepr(abs) : formatGeneral(abs, prec);
      break;
  }
  if (sepRaw !== undefined && /^\d/.test(body)) {
    const point = body.search(/[^0-9]/);
    const intPart = point < 0 ? body : body.slice(0, point);
    body = group(intPart, sepRaw, 3) + (point < 0 ? "" : body.slice(point));
  }
  return align(body, sign, fill, how, width);
}

function resolveField(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, auto: { next: number }): unknown {
  const m = /^([^.[]*)(.*)$/s.exec(name);
  const head = m?.[1] ?? "";
  let rest = m?.[2] ?? "";
  let value: unknown;
  if (head === "") {
    value = args[auto.next++];
    if (auto.next > args.length) throw new TemplateValueError("Replacement index out of range for positional args tuple");
  } else if (/^\d+$/.test(head)) {
    const i = Number(head);
    if (i >= args.length) throw new TemplateValueError(`Replacement index ${i} out of range for positional args tuple`);
    value = args[i];
  } else {
    if (!Object.hasOwn(kwargs, head)) throw new TemplateValueError(`KeyError: '${head}'`);
    value = kwargs[head];
  }
  while (rest !== "") {
    const part = /^(?:\.([^.[]+)|\[([^\]]*)\])(.*)$/s.exec(rest);
    if (part === null) throw new TemplateValueError(`Invalid field name '${name}'`);
    const key = part[1] ?? part[2] ?? "";
    const container = presentValue(value);
    if (Array.isArray(container) && /^\d+$/.test(key)) value = container[Number(key)];
    else if (isMapping(container) && Object.hasOwn(container, key)) value = container[key];
    else throw new TemplateValueError(`'${pyTypeName(container)}' object has no attribute '${key}'`);
    rest = part[3] ?? "";
  }
  return value;
}

/** `fmt.format(*args, **kwargs)`. */
export function strFormat(fmt: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): string {
  const auto = { next: 0 };
  return fmt.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (all, field: string | undefined) => {
    if (all === "{{") return "{";
    if (all === "}}") return "}";
    const text = field ?? "";
    const colon = text.indexOf(":");
    const head = colon < 0 ? text : text.slice(0, colon);
    const spec = colon < 0 ? "" : text.slice(colon + 1);
    const bang = head.indexOf("!");
    const name = bang < 0 ? head : head.slice(0, bang);
    const conversion = bang < 0 ? undefined : head.slice(bang + 1);
    let value = resolveField(name, args, kwargs, auto);
    if (conversion === "r" || conversion === "a") value = pyRepr(value);
    else if (conversion === "s") value = pyStr(value);
    return formatSpec(value, spec);
  });
}
