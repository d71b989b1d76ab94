import { ModuleError } from "./contract.js";

// The template module's output_encoding, as Python's codecs name and apply them (Ansible writes
// the rendering with to_bytes(..., encoding, errors='surrogate_or_strict')): a character the
// encoding cannot hold is an error, not a silent "?" or a truncated byte.

type Encoder = (text: string) => Buffer;

function limited(max: number, name: string): Encoder {
  return (text) => {
    for (const ch of text) {
      const cp = ch.codePointAt(0) ?? 0;
      if (cp > max) throw new ModuleError(`output_encoding ${name}: the rendered template holds ${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, "0")}), which ${name} cannot encode`);
    }
    return Buffer.from(text, "latin1");
  };
}

function utf16be(text: string): Buffer {
  const b = Buffer.from(text, "utf16le");
  return b.swap16();
}

const ENCODERS: Record<string, Encoder> = {
  "utf-8": (t) => Buffer.from(t, "utf8"),
  "latin-1": limited(0xff, "latin-1"),
  ascii: limited(0x7f, "ascii"),
  // Python's utf-16 starts with a byte-order mark, little-endian on the machines Ansible runs on.
  "utf-16": (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, "utf16le")]),
  "utf-16-le": (t) => Buffer.from(t, "utf16le"),
  "utf-16-be": utf16be,
};

/** Python's aliases of the encodings above (after lower-casing and turning "_" and " " into "-"). */
const ALIASES: Record<string, string> = {
  utf8: "utf-8",
  u8: "utf-8",
  "utf-8": "utf-8",
  latin1: "latin-1",
  "latin-1": "latin-1",
  "iso-8859-1": "latin-1",
  "iso8859-1": "latin-1",
  l1: "latin-1",
  ascii: "ascii",
  "us-ascii": "ascii",
  "utf-16": "utf-16",
  utf16: "utf-16",
  "utf-16-le": "utf-16-le",
  "utf-16le": "utf-16-le",
  "utf-16-be": "utf-16-be",
  "utf-16be": "utf-16-be",
};

/** The canonical name of a supported encoding, or undefined. */
export function outputEncodingName(name: string): string | undefined {
  return ALIASES[name.trim().toLowerCase().replace(/[_ ]/g, "-")];
}

export const SUPPORTED_OUTPUT_ENCODINGS = Object.keys(ENCODERS);

/** `text` in `encoding` (a name outputEncodingName accepts). */
export function encodeOutput(text: string, encoding: string): Buffer {
  const canonical = outputEncodingName(encoding);
  const encoder = canonical === undefined ? undefined : ENCODERS[canonical];
  if (encoder === undefined) throw new ModuleError(`output_encoding ${encoding}: not one of ${SUPPORTED_OUTPUT_ENCODINGS.join(", ")}`);
  return encoder(text);
}
