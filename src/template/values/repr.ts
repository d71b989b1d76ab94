import { keyName, pyKeys } from "./dict-keys.js";
import { presentValue } from "./hook.js";
import { isMapping } from "./kinds.js";
import { floatRepr, intRepr } from "./number-format.js";
import { PyFloat } from "./py-float.js";
import { sequenceKind } from "./tagged.js";
import { Undefined } from "./undefined.js";

// How Python prints values. Jinja2 output is str(value), and str() of a container uses repr() of
// its items: `{{ [1, 'a', None, True] }}` is "[1, 'a', None, True]". Getting this byte-identical
// is what lets a template written for Ansible render the same here.

/** Objects of the runtime (loop contexts, namespaces, ...) print themselves like Jinja2 does. */
export const pyReprHook: unique symbol = Symbol.for("do-converge.template.repr");

interface ReprHook {
  [pyReprHook](): string;
}

function hasReprHook(v: object): v is ReprHook {
  return typeof (v as Partial<ReprHook>)[pyReprHook] === "function";
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's repr(str): single quotes unless the text has ' and no ". */
export function stringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if (cp < 0x7f) out += ch;
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      if (cp <= 0xff) out += `\\x${cp.toString(16).padStart(2, "0")}`;
      else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, "0")}`;
      else out += `\\U${cp.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

function numberRepr(n: number): string {
  return Number.isInteger(n) ? intRepr(n) : floatRepr(n);
}

const MAX_DEPTH = 100;

function reprAt(raw: unknown, depth: number): string {
  const v = presentValue(raw);
  if (depth > MAX_DEPTH) return "...";
  if (v === null || v === undefined) return "None";
  if (v instanceof Undefined) throw v.toError();
  if (v instanceof PyFloat) return floatRepr(v.value);
  if (v instanceof String) return stringRepr(String(v));
  switch (typeof v) {
    case "string":
      return stringRepr(v);
    case "number":
      return numberRepr(v);
    case "boolean":
      return v ? "True" : "False";
    case "bigint":
      return v.toString();
    case "function":
      return `<function ${v.name || "<anonymous>"}>`;
    default:
      break;
  }
  if (Array.isArray(v)) {
    const items = v.map((item) => reprAt(item, depth + 1));
    const kind = sequenceKind(v);
    switch (kind) {
      case "tuple":
        return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
      case "list":
        return `[${items.join(", ")}]`;
      case "set":
        return items.length === 0 ? "set()" : `{${items.join(", ")}}`;
      default:
        return `${kind}([${items.join(", ")}])`;
    }
  }
  if (isMapping(v)) {
    const entries = pyKeys(v).map((k) => `${reprAt(k, depth + 1)}: ${reprAt(v[keyName(k)], depth + 1)}`);
    return `{${entries.join(", ")}}`;
  }
  if (typeof v === "object" && hasReprHook(v)) return v[pyReprHook]();
  return `<${(v as object).constructor?.name ?? "object"} object>`;
}

/** Python's repr(). */
export function pyRepr(v: unknown): string {
  return reprAt(v, 0);
}

/** Python's str(): strings unquoted, everything else as repr(). */
export function pyStr(raw: unknown): string {
  const v = presentValue(raw);
  if (typeof v === "string") return v;
  if (v instanceof String) return String(v);
  return reprAt(v, 0);
}
