import { pyKeys, keyName } from "../../../../src/template/values/dict-keys.js";
import { isMapping } from "../../../../src/template/values/kinds.js";
import { floatRepr } from "../../../../src/template/values/number-format.js";
import { PyBytes } from "../../../../src/template/values/py-bytes.js";
import { PyComplex } from "../../../../src/template/values/py-complex.js";
import { isPyEllipsis } from "../../../../src/template/values/py-ellipsis.js";
import { PyFloat } from "../../../../src/template/values/py-float.js";
import { sequenceKind } from "../../../../src/template/values/tagged.js";

// A template value in the canonical form oracle.py prints for a Python value: type tags, ints in
// hex, floats by repr, strings as json.dumps writes them (ASCII only), set items sorted.

/** json.dumps(s) with ensure_ascii: every character outside ' '..'~' escaped, per UTF-16 unit. */
function jsonAscii(s: string): string {
  const named: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" };
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? "";
    const c = s.charCodeAt(i);
    out += named[ch] ?? (c < 0x20 || c > 0x7e ? `\\u${c.toString(16).padStart(4, "0")}` : ch);
  }
  return `${out}"`;
}

function intHex(n: bigint): string {
  return `int:${n < 0n ? "-" : ""}${(n < 0n ? -n : n).toString(16)}`;
}

export function encode(v: unknown): string {
  if (v === null) return "None";
  if (isPyEllipsis(v)) return "Ellipsis";
  if (typeof v === "boolean") return `bool:${v ? "True" : "False"}`;
  if (typeof v === "bigint") return intHex(v);
  if (typeof v === "number") return Number.isInteger(v) ? intHex(BigInt(v)) : `float:${floatRepr(v)}`;
  if (v instanceof PyFloat) return `float:${floatRepr(v.value)}`;
  if (v instanceof PyComplex) return `complex:${floatRepr(v.real)},${floatRepr(v.imag)}`;
  if (typeof v === "string") return `str:${jsonAscii(v)}`;
  if (v instanceof PyBytes) return `bytes:${Buffer.from(v.bytes).toString("hex")}`;
  if (Array.isArray(v)) {
    const items = v.map(encode);
    switch (sequenceKind(v)) {
      case "tuple":
        return `tuple(${items.join(",")})`;
      case "list":
        return `list[${items.join(",")}]`;
      case "set":
        return `set{${items.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(",")}}`;
      default:
        return `unexpected ${sequenceKind(v)}`;
    }
  }
  if (isMapping(v)) return `dict{${pyKeys(v).map((k) => `${encode(k)}:${encode(v[keyName(k)])}`).join(",")}}`;
  return `unexpected ${String(v)}`;
}
