import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { isPyErrorSubclass, literalEval } from "../../../src/python/literal-eval.js";
import { pyRepr } from "../../../src/template/values/repr.js";
import { render } from "../template/helpers.js";
import { literalCases } from "./literal-eval/cases.js";
import { encode } from "./literal-eval/encode.js";
import { knownDifferences } from "./literal-eval/known-differences.js";

// Differential test of the ast.literal_eval port against the python3 on this machine (CPython
// 3.11, the Python of Debian 12's ansible-core 2.14): every case goes to CPython once, in one
// process (./literal-eval/oracle.py), and to literalEval; the outcome must be the same — the
// exception class, or the value's types and contents, and its repr where Python's is stable.

const Outcome = z.union([
  z.object({ ok: z.literal(false), cls: z.string() }),
  z.object({ ok: z.literal(true), enc: z.string(), repr: z.string().nullable() }),
]);
type Outcome = z.infer<typeof Outcome>;

const cases = literalCases();
let python: Outcome[] = [];

beforeAll(() => {
  const input = cases.map((c) => JSON.stringify(c)).join("\n");
  const env = { ...process.env, PATH: (process.env.PATH ?? "/usr/bin:/bin").split(":").filter((d) => !d.includes("node_modules")).join(":") };
  let stdout: string;
  try {
    stdout = execFileSync("python3", [new URL("./literal-eval/oracle.py", import.meta.url).pathname], { input, env, maxBuffer: 256 << 20, encoding: "utf8" });
  } catch (e) {
    const err = e as { code?: unknown; message?: string };
    if (err.code === "ENOENT") throw new Error("python3 is not installed: this test compares with CPython's ast.literal_eval (Debian: apt-get install python3)");
    throw e;
  }
  python = z.array(Outcome).parse(JSON.parse(stdout));
  if (python.length !== cases.length) throw new Error(`python3 answered ${python.length} cases of ${cases.length}`);
}, 120_000);

/** Our answer in the oracle's terms: {ok: false, cls} or {ok: true, enc, repr}. */
function ours(text: string, lstrip: boolean): { ok: false; cls: string } | { ok: true; enc: string; repr: string } {
  const r = literalEval(text, { lstrip });
  return r.ok ? { ok: true, enc: encode(r.value), repr: pyRepr(r.value) } : { ok: false, cls: r.errorClass };
}

function label(text: string, lstrip: boolean): string {
  const shown = JSON.stringify(text);
  return `${lstrip ? "" : "parse-only "}${shown.length > 70 ? `${shown.slice(0, 60)}… (${text.length} chars)` : shown}`;
}

describe("ast.literal_eval, differentially against CPython", () => {
  it("has a few hundred cases", () => {
    expect(cases.length).toBeGreaterThan(300);
  });

  cases.forEach((c, i) => {
    it(label(c.text, c.lstrip), () => {
      const theirs = python[i];
      if (theirs === undefined) throw new Error("no answer from python3");
      const mine = ours(c.text, c.lstrip);
      const expected = theirs.ok ? { ok: true, enc: theirs.enc } : { ok: false, cls: theirs.cls };
      const got = mine.ok ? { ok: true, enc: mine.enc } : { ok: false, cls: mine.cls };
      const known = knownDifferences.filter((d) => d.matches(c, theirs.ok ? theirs.repr : null));
      const knownOutcome = known.find((d) => d.aspect === "outcome");
      if (knownOutcome !== undefined) {
        // Listed: it must still differ, else the entry is stale.
        expect(got, `listed as a known difference (${knownOutcome.reason}) but now matches`).not.toEqual(expected);
        return;
      }
      expect(got).toEqual(expected);
      if (!theirs.ok || !mine.ok || theirs.repr === null) return;
      const knownRepr = known.find((d) => d.aspect === "repr");
      if (knownRepr !== undefined) expect(mine.repr, `listed as a known difference (${knownRepr.reason}) but now matches`).not.toBe(theirs.repr);
      else expect(mine.repr).toBe(theirs.repr);
    });
  });
});

describe("literalEval's contract", () => {
  it("classifies errors the way Ansible's callers catch them", () => {
    const bad = literalEval(" 1", { lstrip: false });
    expect(bad).toMatchObject({ ok: false, errorClass: "IndentationError" });
    if (!bad.ok && bad.errorClass !== "Unsupported") expect(isPyErrorSubclass(bad.errorClass, "SyntaxError")).toBe(true);
    expect(isPyErrorSubclass("UnicodeEncodeError", "ValueError")).toBe(true);
    expect(isPyErrorSubclass("RecursionError", "ValueError")).toBe(false);
    expect(literalEval(" 1")).toEqual({ ok: true, value: 1 });
  });

  it("keeps __proto__ an own key and pollutes nothing", () => {
    const r = literalEval("{'__proto__': {'polluted': True}, 'a': 1}");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = r.value as Record<string, unknown>;
    expect(Object.keys(d)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("answers hostile input without throwing or running out of stack", () => {
    for (const text of ["(".repeat(100_000), "[".repeat(199) + "-".repeat(200_000), "lambda a=".repeat(50_000), "f'{" + "(".repeat(250) + "}'", "1 if 1 else ".repeat(200_000)]) {
      const r = literalEval(text);
      expect(r.ok).toBe(false);
    }
  });

  it("gives templates values that print and name their type as Python's do", () => {
    // A set keeps insertion order ({3, 1}): CPython's is hash order, random for strings.
    const value = (text: string): unknown => {
      const r = literalEval(text);
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    const vars = { s: value("{3, 1, 3}"), e: value("set()"), b: value("b'\\x00\\'x'"), c: value("-1-2j"), t: value("(1,)"), d: value("{'b': 1, '1': 2, (1, 2): 3}"), f: value("1e3") };
    expect(render("{{ s }} {{ e }} {{ [b] }} {{ c }} {{ t }} {{ d }} {{ f }}", vars)).toBe("{3, 1} set() [b\"\\x00'x\"] (-1-2j) (1,) {'b': 1, '1': 2, (1, 2): 3} 1000.0");
    expect(render("{{ s | type_debug }} {{ b | type_debug }} {{ c | type_debug }} {{ t | type_debug }} {{ s | length }}", vars)).toBe("set bytes complex tuple 2");
  });
});
