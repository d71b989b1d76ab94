import { describe, expect, it } from "vitest";
import { ModuleError } from "../../../src/modules/contract.js";
import { DEFAULT_MARKER, editBlock, editLine, readLines, splitLinesKeep } from "../../../src/modules/line-edit.js";
import { BLOCK_CASES, BLOCK_NEWLINE_CASES, LINE_CASES } from "./line-edit.cases.js";

const block = (c: (typeof BLOCK_CASES)[number]) =>
  editBlock(c.content ?? undefined, { marker: DEFAULT_MARKER, marker_begin: "BEGIN", marker_end: "END", ...c.spec });

describe("lineinfile's editor (cases checked against ansible-core)", () => {
  for (const c of LINE_CASES) {
    it(c.name, () => {
      const e = editLine(c.content ?? undefined, c.spec);
      expect({ content: e.changed ? e.content : (c.content ?? ""), changed: e.changed, msg: e.msg }).toEqual(c.expect);
    });
  }

  it("every changed result is stable: the same arguments on the result change nothing", () => {
    for (const c of LINE_CASES.filter((x) => x.expect.changed && x.spec.state === "present" && !x.spec.firstmatch)) {
      const once = editLine(c.content ?? undefined, c.spec);
      const twice = editLine(once.content, c.spec);
      expect(twice.changed, c.name).toBe(false);
    }
  });

  it("state=absent on a missing file is no change", () => {
    expect(editLine(undefined, { state: "absent", regexp: "^a" })).toEqual({ content: "", changed: false, msg: "file not present", found: 0 });
  });

  it("state=absent counts what it removed", () => {
    expect(editLine("a\nb\na\n", { state: "absent", line: "a" }).found).toBe(2);
  });

  it("fails on a backref to a group the regexp does not have", () => {
    expect(() => editLine("a=1\n", { state: "present", regexp: "^(a)=", line: "\\2", backrefs: true })).toThrow(/invalid group reference 2/);
    expect(() => editLine("a=1\n", { state: "present", regexp: "^(a)=", line: "\\2", backrefs: true })).toThrow(ModuleError);
  });

  it("fails on a regexp Python rejects, naming the argument", () => {
    const spec = { state: "present", regexp: "(?<k>a)", line: "x" } as const;
    expect(() => editLine("a\n", spec)).toThrow(ModuleError);
    expect(() => editLine("a\n", spec)).toThrow('invalid regexp "(?<k>a)": unknown extension ?<k');
    expect(() => editLine("a\n", { state: "present", insertafter: "x(?m)", line: "y" })).toThrow('invalid insertafter "x(?m)": global flags not at the start of the expression');
  });

  it("compiles bytes patterns as Ansible does: \\w is ASCII, \\u is a bad escape", () => {
    expect(editLine("café=1\n", { state: "present", regexp: "^\\w+=", line: "x" }).content).toBe("café=1\nx\n");
    expect(() => editLine("a\n", { state: "present", regexp: "\\u0041", line: "x" })).toThrow('invalid regexp "\\\\u0041": bad escape \\u');
  });

  it("regexps are matched with Python's semantics (. never matches the newline, \\Z the very end)", () => {
    expect(editLine("ab\n", { state: "present", regexp: "^ab\\Z", line: "x" }).content).toBe("ab\nx\n");
    expect(editLine("ab", { state: "present", regexp: "^ab\\Z", line: "x" }).content).toBe("x\n");
    expect(editLine("a\n", { state: "present", regexp: "^a.$", line: "x" }).msg).toBe("line added");
  });
});

describe("blockinfile's editor (cases checked against ansible-core)", () => {
  for (const c of [...BLOCK_CASES, ...BLOCK_NEWLINE_CASES]) {
    it(c.name, () => {
      const e = block(c);
      expect({ content: e.changed ? e.content : (c.content ?? ""), changed: e.changed, msg: e.msg }).toEqual(c.expect);
    });
  }

  it("every inserted block is stable: converging again changes nothing", () => {
    for (const c of [...BLOCK_CASES, ...BLOCK_NEWLINE_CASES].filter((x) => x.expect.changed && x.spec.state === "present" && x.spec.block !== "")) {
      const once = block(c);
      const twice = editBlock(once.content, { marker: DEFAULT_MARKER, marker_begin: "BEGIN", marker_end: "END", ...c.spec });
      expect(twice.changed, c.name).toBe(false);
    }
  });

  it("removing nothing from a file without a final newline is no change (Ansible would add the newline)", () => {
    expect(editBlock("a", { state: "absent", block: "", marker: DEFAULT_MARKER, marker_begin: "BEGIN", marker_end: "END" }).changed).toBe(false);
  });

  it("state=absent on a missing file is no change", () => {
    expect(editBlock(undefined, { state: "absent", block: "", marker: DEFAULT_MARKER, marker_begin: "BEGIN", marker_end: "END" }).changed).toBe(false);
  });

  it("keeps Ansible's default marker, so blocks written by Ansible are found and not duplicated", () => {
    expect(DEFAULT_MARKER).toBe("# {mark} ANSIBLE MANAGED BLOCK");
  });
});

describe("line splitting", () => {
  it("readLines splits after \\n only, like Python's readlines()", () => {
    expect(readLines("a\r\nb\rc\nd")).toEqual(["a\r\n", "b\rc\n", "d"]);
    expect(readLines("")).toEqual([]);
    expect(readLines("\n\n")).toEqual(["\n", "\n"]);
  });
  it("splitLinesKeep splits after \\r\\n, \\n and \\r, like bytes.splitlines(True)", () => {
    expect(splitLinesKeep("a\r\nb\rc\nd")).toEqual(["a\r\n", "b\r", "c\n", "d"]);
  });
});
