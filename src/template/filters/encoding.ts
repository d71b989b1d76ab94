import { createHash } from "node:crypto";
import { FilterError } from "../errors.js";
import { flag, optionalText, text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Encodings: base64 (Python's base64 module, strict about padding) and to_uuid (uuid5 in
// Ansible's namespace, so the same name gives the same UUID as Ansible).

const ANSIBLE_UUID_NAMESPACE = "361e6d51-faec-444a-9079-341386da8e2e";

export function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/[{}-]/g, "").replace(/^urn:uuid:/i, ""), "hex");
  if (ns.length !== 16) throw new FilterError("to_uuid", `Invalid value '${namespace}' for 'namespace'`);
  const digest = createHash("sha1").update(ns).update(name, "utf8").digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function encodingName(v: unknown): BufferEncoding {
  const name = optionalText(v, "utf-8").toLowerCase().replace(/[-_]/g, "");
  switch (name) {
    case "utf8":
      return "utf8";
    case "utf16le":
    case "utf16":
      return "utf16le";
    case "latin1":
    case "iso88591":
      return "latin1";
    case "ascii":
      return "ascii";
    default:
      throw new FilterError("b64encode", `unsupported encoding '${optionalText(v, "")}'`);
  }
}

function b64decode(s: string, urlsafe: boolean): Buffer {
  let t = urlsafe ? s.replace(/-/g, "+").replace(/_/g, "/") : s;
  // Python (validate=False) drops characters outside the alphabet, then insists on padding.
  t = t.replace(/[^A-Za-z0-9+/=]/g, "");
  const data = t.replace(/=/g, "");
  const padding = t.length - data.length;
  const rem = data.length % 4;
  if (rem === 1 || (rem > 0 && padding < 4 - rem)) throw new FilterError("b64decode", "Incorrect padding");
  return Buffer.from(data, "base64");
}

export const encodingFilters: FilterTable = {
  b64encode: defineFilter(["encoding", "urlsafe"], (v, [enc, urlsafe]) => {
    const out = Buffer.from(text(v), encodingName(enc)).toString("base64");
    return flag(urlsafe) ? out.replace(/\+/g, "-").replace(/\//g, "_") : out;
  }),
  b64decode: defineFilter(["encoding", "urlsafe"], (v, [enc, urlsafe]) => {
    const bytes = b64decode(text(v), flag(urlsafe));
    const encoding = encodingName(enc);
    if (encoding !== "utf8") return bytes.toString(encoding);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (e) {
      throw new FilterError("b64decode", "decoded data is not valid UTF-8", { cause: e });
    }
  }),
  to_uuid: defineFilter(["namespace"], (v, [ns]) => uuid5(optionalText(ns, ANSIBLE_UUID_NAMESPACE), text(v))),
};
