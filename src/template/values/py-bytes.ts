import { pyTypeNameHook } from "./kinds.js";
import { pyReprHook } from "./repr.js";

// Python's bytes, which a literal (`b'\x00'`) can produce and JavaScript has no value for. A
// Uint8Array would print as a list of numbers; this prints as Python does, `b'\x00'`, alone and
// inside containers. Ansible's INI inventory turns a top-level bytes value into text (to_text),
// which is the caller's business: here it stays bytes, as ast.literal_eval returns it.

export class PyBytes {
  constructor(readonly bytes: Uint8Array) {}

  /** Python's repr(bytes): single quotes unless the bytes hold ' and no ", escapes as \t \n \r \xhh. */
  readonly [pyTypeNameHook] = "bytes";

  [pyReprHook](): string {
    const hasSingle = this.bytes.includes(0x27);
    const quote = hasSingle && !this.bytes.includes(0x22) ? '"' : "'";
    let out = `b${quote}`;
    for (const b of this.bytes) {
      const ch = String.fromCharCode(b);
      if (ch === quote || ch === "\\") out += `\\${ch}`;
      else if (ch === "\t") out += "\\t";
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, "0")}`;
      else out += ch;
    }
    return out + quote;
  }

  /** str(b'x') is its repr in Python, so a dict key of bytes gets this name. */
  toString(): string {
    return this[pyReprHook]();
  }
}
