import { describe, expect, it } from "vitest";
import { debconfText, parseDebconfShow, sameAnswer } from "../../../src/modules/debconf.js";

describe("debconf answers", () => {
  it("booleans are written lower-case and compared ignoring case", () => {
    expect(debconfText("boolean", true)).toBe("true");
    expect(debconfText("boolean", "TRUE")).toBe("true");
    expect(sameAnswer("boolean", true, "true")).toBe(true);
    expect(sameAnswer("boolean", "False", "false")).toBe(true);
    expect(sameAnswer("boolean", true, "false")).toBe(false);
  });

  it("a multiselect given as a list compares as a set; as a string, exactly", () => {
    expect(debconfText("multiselect", ["en_US.UTF-8 UTF-8", "fr_FR.UTF-8 UTF-8"])).toBe("en_US.UTF-8 UTF-8, fr_FR.UTF-8 UTF-8");
    expect(sameAnswer("multiselect", ["b", "a"], "a, b")).toBe(true);
    expect(sameAnswer("multiselect", ["a"], "a, b")).toBe(false);
    expect(sameAnswer("multiselect", "b, a", "a, b")).toBe(false);
  });

  it("strings and selects compare exactly; numbers as text", () => {
    expect(sameAnswer("select", "Etc", "Etc")).toBe(true);
    expect(sameAnswer("string", "a b", "a  b")).toBe(false);
    expect(debconfText("string", 8080)).toBe("8080");
  });

  it("reads debconf-show's listing, seen flags and omitted passwords included", () => {
    const out = "  tzdata/Zones/Asia:\n* tzdata/Areas: Etc\n* pkg/secret: (password omitted)\n* pkg/list: a, b\n";
    expect(parseDebconfShow(out)).toEqual({ "tzdata/Zones/Asia": "", "tzdata/Areas": "Etc", "pkg/secret": "(password omitted)", "pkg/list": "a, b" });
  });
});
