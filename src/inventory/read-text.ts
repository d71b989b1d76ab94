import { isUtf8 } from "node:buffer";
import { readFile } from "node:fs/promises";
import { InventorySyntaxError } from "./errors.js";
import type { Provenance } from "./provenance.js";

/**
 * Reads an inventory-related file (an inventory, group_vars/host_vars, `-e @file`); a failure
 * names the file (or `at`) and what was being read. The bytes must be UTF-8 text (see decodeText).
 */
export async function readInventoryText(path: string, what = "cannot read inventory", at?: Provenance): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new InventorySyntaxError(at ?? { file: path }, `${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return decodeText(bytes, path);
}

/**
 * A file's bytes as text. Bytes that are not UTF-8 (a Latin-1 file, a binary one) are refused at
 * their line: decoded anyway, they would become U+FFFD in a value that reaches hosts and templates
 * without a word. PyYAML, which Ansible reads these files with, refuses them too.
 */
export function decodeText(bytes: Buffer, file: string): string {
  if (!isUtf8(bytes)) {
    const at = Math.max(0, firstInvalidUtf8(bytes));
    const byte = (bytes[at] ?? 0).toString(16).padStart(2, "0");
    throw new InventorySyntaxError(locateByte(bytes, at, file), `not UTF-8 text (byte 0x${byte} here): save the file as UTF-8`);
  }
  return bytes.toString("utf8");
}

/**
 * Where the first control character that YAML and JSON do not allow in a file is (a NUL byte
 * from a binary file, an escape sequence pasted from a terminal): tab, line feed and carriage
 * return are the only C0 controls a YAML stream may hold. The yaml package lets some through
 * into values; undefined when the text has none.
 */
export function firstForbiddenControl(text: string): { offset: number; char: string } | undefined {
  // Only C0 controls besides tab, line feed and carriage return (U+0000-U+001F).
  const m = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.exec(text);
  return m === null ? undefined : { offset: m.index, char: m[0] };
}

/** The offset of the first byte that does not start a well-formed UTF-8 sequence; -1 if none. */
function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    if (c < 0x80) {
      i++;
      continue;
    }
    const extra = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (extra === 0 || i + extra >= b.length) return i;
    // The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF.
    const lo = c === 0xe0 ? 0xa0 : c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xed ? 0x9f : c === 0xf4 ? 0x8f : 0xbf;
    const second = b[i + 1] ?? 0;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= extra; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return -1;
}

/** file:line:column of a byte offset, the column counted in characters as an editor shows it. */
function locateByte(bytes: Buffer, offset: number, file: string): Provenance {
  const lineStart = offset === 0 ? 0 : bytes.lastIndexOf(0x0a, offset - 1) + 1;
  let line = 1;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < offset; i = bytes.indexOf(0x0a, i + 1)) line++;
  const column = bytes.subarray(lineStart, offset).toString("utf8").length + 1;
  return { file, line, column };
}
