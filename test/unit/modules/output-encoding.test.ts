import { describe, expect, it } from "vitest";
import { ModuleError } from "../../../src/modules/contract.js";
import { template } from "../../../src/modules/files.js";
import { encodeOutput, outputEncodingName } from "../../../src/modules/output-encoding.js";

describe("template output_encoding", () => {
  it("encodes as Python's codecs do, under Python's aliases", () => {
    expect(encodeOutput("é\n", "utf-8")).toEqual(Buffer.from([0xc3, 0xa9, 0x0a]));
    expect(encodeOutput("é\n", "ISO-8859-1")).toEqual(Buffer.from([0xe9, 0x0a]));
    expect(encodeOutput("é", "latin_1")).toEqual(Buffer.from([0xe9]));
    expect(encodeOutput("a", "utf-16")).toEqual(Buffer.from([0xff, 0xfe, 0x61, 0x00]));
    expect(encodeOutput("a", "utf-16-be")).toEqual(Buffer.from([0x00, 0x61]));
    expect(outputEncodingName("UTF8")).toBe("utf-8");
    expect(outputEncodingName("cp1252")).toBeUndefined();
  });

  it("refuses a character the encoding cannot hold instead of mangling it", () => {
    expect(() => encodeOutput("naïve", "ascii")).toThrow(ModuleError);
    expect(() => encodeOutput("€", "latin-1")).toThrow(/U\+20AC/);
  });
});

describe("template module arguments", () => {
  it("take Ansible's syntax options, newline_sequence also written escaped", () => {
    const args = template.args.parse({ dest: "/etc/x", src: "x.j2", lstrip_blocks: true, newline_sequence: "\\r\\n", variable_start_string: "[[" });
    expect(args.newline_sequence).toBe("\r\n");
    expect(args.output_encoding).toBe("utf-8");
    expect(template.args.safeParse({ dest: "/etc/x", src: "x.j2", newline_sequence: "\\t" }).success).toBe(false);
    expect(template.args.safeParse({ dest: "/etc/x", src: "x.j2", output_encoding: "klingon" }).success).toBe(false);
    expect(template.args.safeParse({ dest: "/etc/x", src: "x.j2", block_start_string: "" }).success).toBe(false);
  });
});
