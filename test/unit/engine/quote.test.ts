import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellJoin, shellQuote } from "../../../src/remote/quote.js";

/** What /bin/sh makes of `printf %s <word>`: the word after the shell's quote removal. */
function shWord(quoted: string): string {
  return execFileSync("/bin/sh", ["-c", `printf %s ${quoted}`], { encoding: "utf8" });
}

/** The argv /bin/sh builds from a command line, via printf's NUL-separated output. */
function shArgv(line: string): string[] {
  const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

const tricky = [
  "plain",
  "two words",
  "it's",
  "''",
  "'",
  '"double" quotes',
  "$HOME and ${PATH}",
  "`id` and $(id)",
  "back\\slash\\n",
  "line one\nline two\n",
  "\ttabs\tand  spaces ",
  "glob * ? [a-z]",
  "semi; pipe | amp & redirect > < >>",
  "~root",
  "!bang !! history",
  "#not a comment",
  "naïve café — 日本語 🚀",
  "-rf",
  "--option=value",
  "a\u0001control\u007f",
  "trailing newlines\n\n\n",
  "%s %d %% printf formats",
  "=",
  "@foo%:,./+=-",
];

describe("shellQuote (shlex.quote semantics)", () => {
  it.each(tricky)("the shell reads %j back exactly", (s) => {
    // printf %s with a trailing-newline word: command substitution is not involved, so newlines survive.
    expect(shWord(shellQuote(s))).toBe(s);
  });

  it("the shell reads the empty string back as one empty word", () => {
    expect(shellQuote("")).toBe("''");
    expect(shArgv(`a ${shellQuote("")} b`)).toEqual(["a", "", "b"]);
  });

  it("leaves words of only safe characters unquoted, like shlex.quote", () => {
    expect(shellQuote("plain")).toBe("plain");
    expect(shellQuote("/usr/bin/env")).toBe("/usr/bin/env");
    expect(shellQuote("@foo%:,./+=-")).toBe("@foo%:,./+=-");
    expect(shellQuote("x=y")).toBe("x=y");
    expect(shellQuote("-rf")).toBe("-rf");
    expect(shellQuote("under_score9")).toBe("under_score9");
  });

  it("quotes exactly as Python's shlex.quote does", () => {
    // Expected strings printed by python3 -c 'import shlex; print(shlex.quote(s))'.
    expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
    expect(shellQuote("a b")).toBe("'a b'");
    expect(shellQuote("$HOME")).toBe("'$HOME'");
    expect(shellQuote('a"b')).toBe(`'a"b'`);
    expect(shellQuote("naïve")).toBe("'naïve'");
    expect(shellQuote("tab\there")).toBe("'tab\there'");
    expect(shellQuote("~root")).toBe("'~root'");
    expect(shellQuote("*")).toBe("'*'");
  });
});

describe("shellJoin", () => {
  it("joins quoted words with single spaces", () => {
    expect(shellJoin(["echo", "it's", "a b", ""])).toBe(`echo 'it'"'"'s' 'a b' ''`);
    expect(shellJoin([])).toBe("");
  });

  it("the shell splits the joined line back into exactly the original argv", () => {
    expect(shArgv(shellJoin(tricky))).toEqual(tricky);
    expect(shArgv(shellJoin(["", "", "x"]))).toEqual(["", "", "x"]);
  });
});
