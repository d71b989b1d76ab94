import { describe, expect, it } from "vitest";
import { asFileText, decodeText, displayText, encodeText, parseTextFile } from "../../../src/remote/text-file.js";

const SEP = "\x1f";
/** Paths travel as base64 in the probe's answer. */
const b = (path: string) => Buffer.from(path).toString("base64");

describe("text of edited files", () => {
  it("UTF-8 files round-trip as characters, BOM included", () => {
    const buf = Buffer.from("\ufeffcafé=1\n", "utf8");
    const d = decodeText(buf);
    expect(d).toEqual({ text: "\ufeffcafé=1\n", encoding: "utf8" });
    expect(encodeText(d.text, d.encoding).equals(buf)).toBe(true);
  });

  it("other bytes round-trip unchanged (latin1), and arguments are written as UTF-8 bytes", () => {
    const buf = Buffer.from([0x61, 0xe9, 0x0a, 0xff, 0x0a]);
    const d = decodeText(buf);
    expect(d.encoding).toBe("latin1");
    expect(encodeText(d.text, d.encoding).equals(buf)).toBe(true);
    const added = encodeText(`${d.text}${asFileText("é", d.encoding)}\n`, d.encoding);
    expect(added.subarray(buf.length).equals(Buffer.from("é\n", "utf8"))).toBe(true);
    expect(displayText(asFileText("é", "latin1"), "latin1")).toBe("é");
  });
});

describe("parseTextFile", () => {
  const ok = (stdout: string) => parseTextFile("web1", "/etc/x", { stdout, stderr: "", rc: 0 });
  it("a file: attributes and content", () => {
    const p = ok(`file${SEP}${b("/etc/real")}${SEP}root${SEP}adm${SEP}640${SEP}4\ncontent\n${Buffer.from("a=1\n").toString("base64")}`);
    expect(p.realPath).toBe("/etc/real");
    expect(p.file).toMatchObject({ type: "file", owner: "root", group: "adm", mode: "640", size: 4 });
    expect(p.content?.toString()).toBe("a=1\n");
  });
  it("an empty file has empty content, not none", () => {
    expect(ok(`file${SEP}${b("/etc/x")}${SEP}root${SEP}root${SEP}644${SEP}0\ncontent\n`).content?.length).toBe(0);
  });
  it("an absent file, with or without its directory", () => {
    expect(ok(`absent${SEP}${b("/etc/x")}${SEP}1`)).toEqual({ realPath: "/etc/x", file: { type: "absent", path: "/etc/x" }, parentExists: true });
    expect(ok(`absent${SEP}${b("/nope/x")}${SEP}0`).parentExists).toBe(false);
  });
  it("refuses directories, special files and files too large to edit", () => {
    expect(() => ok(`directory${SEP}${b("/etc")}`)).toThrow(/is a directory/);
    expect(() => ok(`other${SEP}${b("/dev/null")}`)).toThrow(/not a regular file/);
    expect(() => ok(`file${SEP}${b("/etc/x")}${SEP}root${SEP}root${SEP}644${SEP}99999999\ntoolarge`)).toThrow(/too large/);
  });
});
