import { TemplateValueError } from "../errors.js";
import { keyName, pyKeys, sortedPyKeys } from "./dict-keys.js";
import { presentValue } from "./hook.js";
import { isMapping, pyTypeName } from "./kinds.js";
import { floatRepr, intRepr } from "./number-format.js";
import { PyFloat, pyFloat } from "./py-float.js";
import { Undefined } from "./undefined.js";

// Python's json module: dumps() as Ansible's to_json/to_nice_json call it (separators, indent,
// sort_keys, ensure_ascii, float repr) and loads() that keeps 1.0 a float, so values survive a
// from_json → print round trip the way they do in Python.

export interface DumpOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: readonly [string, string];
}

function escapeString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? "";
    const code = s.charCodeAt(i);
    switch (c) {
      case '"':
        out += '\\"';
        break;
      case "\\":
        out += "\\\\";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      case "\b":
        out += "\\b";
        break;
      case "\f":
        out += "\\f";
        break;
      default:
        // UTF-16 code units are exactly what Python's \u escapes (with surrogate pairs) encode.
        if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, "0")}`;
        else out += c;
    }
  }
  return `${out}"`;
}

function floatJson(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  return floatRepr(x);
}

export function pyJsonDumps(value: unknown, opts: DumpOptions = {}): string {
  const indentUnit =
    opts.indent === undefined || opts.indent === null
      ? null
      : typeof opts.indent === "number"
        ? " ".repeat(Math.max(0, opts.indent))
        : opts.indent;
  const [itemSep, keySep] = opts.separators ?? (indentUnit === null ? [", ", ": "] : [",", ": "]);
  const ensureAscii = opts.ensureAscii ?? true;
  const seen = new Set<object>();

  const encode = (raw: unknown, level: number): string => {
    const v = presentValue(raw);
    if (v instanceof Undefined) throw v.toError();
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (typeof v === "string" || v instanceof String) return escapeString(String(v), ensureAscii);
    if (v instanceof PyFloat) return floatJson(v.value);
    if (typeof v === "number") return Number.isInteger(v) ? intRepr(v) : floatJson(v);
    // An int beyond 2^53 (`2 ** 64`, or a big int from a vars file): Python writes all its digits.
    if (typeof v === "bigint") return v.toString();
    if (Array.isArray(v) || isMapping(v)) {
      if (seen.has(v)) throw new TemplateValueError("Circular reference detected");
      seen.add(v);
      const entries = Array.isArray(v)
        ? v.map((item) => encode(item, level + 1))
        : (opts.sortKeys ? sortedPyKeys(pyKeys(v)) : pyKeys(v)).map(
            (k) => `${escapeString(jsonKey(k), ensureAscii)}${keySep}${encode(v[keyName(k)], level + 1)}`,
          );
      seen.delete(v);
      const [open, close] = Array.isArray(v) ? ["[", "]"] : ["{", "}"];
      if (entries.length === 0) return open + close;
      if (indentUnit === null) return open + entries.join(itemSep) + close;
      const inner = `\n${indentUnit.repeat(level + 1)}`;
      return `${open}${inner}${entries.join(itemSep + inner)}\n${indentUnit.repeat(level)}${close}`;
    }
    throw new TemplateValueError(`Object of type ${pyTypeName(v)} is not JSON serializable`);
  };
  return encode(value, 0);
}

/** json.loads: JSON (plus NaN/Infinity) with floats kept as floats. */
export function pyJsonLoads(source: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    const line = source.slice(0, i).split("\n").length;
    const col = i - source.lastIndexOf("\n", i - 1);
    throw new TemplateValueError(`${what}: line ${line} column ${col} (char ${i})`);
  };
  const ws = (): void => {
    while (i < source.length && " \t\n\r".includes(source[i] ?? "")) i++;
  };
  const value = (): unknown => {
    ws();
    const c = source[i];
    if (c === "{") {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (source[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (source[i] !== '"') fail("Expecting property name enclosed in double quotes");
        const key = string();
        ws();
        if (source[i] !== ":") fail("Expecting ':' delimiter");
        i++;
        out[key] = value();
        ws();
        if (source[i] === ",") {
          i++;
          continue;
        }
        if (source[i] === "}") {
          i++;
          return out;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === "[") {
      i++;
      const out: unknown[] = [];
      ws();
      if (source[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (source[i] === ",") {
          i++;
          continue;
        }
        if (source[i] === "]") {
          i++;
          return out;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null], ["NaN", NaN], ["Infinity", Infinity], ["-Infinity", -Infinity]] as const) {
      if (source.startsWith(word, i)) {
        i += word.length;
        return typeof v === "number" ? pyFloat(v) : v;
      }
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(source.slice(i));
    if (m === null) return fail("Expecting value");
    i += m[0].length;
    const n = Number(m[0]);
    return m[1] !== undefined || m[2] !== undefined ? pyFloat(n) : n;
  };
  const string = (): string => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(source.slice(i));
    if (m === null) return fail("Unterminated string or invalid escape");
    i += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  const result = value();
  ws();
  if (i < source.length) fail("Extra data");
  return result;
}

/** json.dumps writes a key that is not a string as the JSON text of that scalar: 1 → "1", True → "true". */
function jsonKey(k: unknown): string {
  if (typeof k === "boolean") return k ? "true" : "false";
  if (k === null || k === undefined) return "null";
  return keyName(k);
}

