import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "../../../src/report/unified-diff.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "do-converge-unified-diff-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** GNU `diff -U<context>` of two texts, without its ---/+++ lines (they carry file dates). */
function gnu(before: string, after: string, context = 3): string {
  const a = join(dir, "a");
  const b = join(dir, "b");
  writeFileSync(a, before);
  writeFileSync(b, after);
  const r = spawnSync("diff", [`-U${context}`, a, b], { encoding: "utf8" });
  if (r.status === 0) return "";
  if (r.status !== 1) throw new Error(`diff failed: ${r.stderr}`);
  return r.stdout.split("\n").slice(2).join("\n");
}

/** Ours, checking and then removing the two header lines. */
function ours(before: string, after: string, context = 3): string {
  const out = unifiedDiff(before, after, { from: "before: x", to: "after: x" }, context);
  if (out === "") return "";
  const head = "--- before: x\n+++ after: x\n";
  expect(out.startsWith(head)).toBe(true);
  return out.slice(head.length);
}

function lines(...ls: string[]): string {
  return ls.map((l) => `${l}\n`).join("");
}

/** 1..n as lines "l1".."ln". */
function numbered(n: number, prefix = "l"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

/** A small seeded PRNG (mulberry32), so the random cases are the same on every run. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("unifiedDiff: exact output for simple cases", () => {
  it("returns the empty string for equal texts", () => {
    expect(unifiedDiff("a\nb\n", "a\nb\n", { from: "x", to: "y" })).toBe("");
    expect(unifiedDiff("", "", { from: "x", to: "y" })).toBe("");
  });

  it("starts with the ---/+++ labels", () => {
    expect(unifiedDiff("a\n", "b\n", { from: "before: /etc/x", to: "after: /etc/x" })).toBe("--- before: /etc/x\n+++ after: /etc/x\n@@ -1 +1 @@\n-a\n+b\n");
  });

  it("prints a one-line range without its length, as diff does", () => {
    expect(ours(lines("a", "b", "c"), lines("a", "B", "c"))).toBe("@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
    expect(ours(lines("only"), lines("only", "new"))).toBe("@@ -1 +1,2 @@\n only\n+new\n");
  });

  it("diffs from and to an empty text with a 0,0 range", () => {
    expect(ours("", lines("a", "b"))).toBe("@@ -0,0 +1,2 @@\n+a\n+b\n");
    expect(ours(lines("a", "b"), "")).toBe("@@ -1,2 +0,0 @@\n-a\n-b\n");
  });

  it("puts deletions before insertions within a change", () => {
    expect(ours(lines("x", "old1", "old2", "y"), lines("x", "new1", "new2", "y"))).toBe("@@ -1,4 +1,4 @@\n x\n-old1\n-old2\n+new1\n+new2\n y\n");
  });

  it("marks a missing newline at the end right after the line, as diff does", () => {
    expect(ours("a\nb", "a\nb\n")).toBe("@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
    expect(ours("a\n", "a\nb")).toBe("@@ -1 +1,2 @@\n a\n+b\n\\ No newline at end of file\n");
    expect(ours("x\nsame", "y\nsame")).toBe("@@ -1,2 +1,2 @@\n-x\n+y\n same\n\\ No newline at end of file\n");
  });
});

describe("unifiedDiff matches GNU diff -u exactly", () => {
  const cases: Record<string, [string, string]> = {
    "insertion at the start": [lines(...numbered(10)), lines("new", ...numbered(10))],
    "insertion at the end": [lines(...numbered(10)), lines(...numbered(10), "new")],
    "deletion at the start": [lines(...numbered(10)), lines(...numbered(10).slice(1))],
    "deletion at the end": [lines(...numbered(10)), lines(...numbered(9))],
    "deletion in the middle": [lines(...numbered(20)), lines(...numbered(20).filter((l) => l !== "l10"))],
    "two changes far apart make two hunks": [lines(...numbered(30)), lines(...numbered(30).map((l) => (l === "l3" || l === "l25" ? `${l}x` : l)))],
    "changes 6 lines apart merge into one hunk": [lines(...numbered(30)), lines(...numbered(30).map((l) => (l === "l10" || l === "l17" ? `${l}x` : l)))],
    "changes 7 lines apart make two hunks": [lines(...numbered(30)), lines(...numbered(30).map((l) => (l === "l10" || l === "l18" ? `${l}x` : l)))],
    "empty before": ["", lines("a", "b", "c")],
    "empty after": [lines("a", "b", "c"), ""],
    "one line to another": ["a\n", "b\n"],
    "missing trailing newline before": [lines(...numbered(5)).slice(0, -1), lines(...numbered(5))],
    "missing trailing newline after": [lines(...numbered(5)), lines(...numbered(5)).slice(0, -1)],
    "missing trailing newline in both, last line changed": ["a\nb\nc", "a\nb\nC"],
    "missing trailing newline in both, change far above": [lines(...numbered(10)).replace("l2\n", "L2\n").slice(0, -1), lines(...numbered(10)).slice(0, -1)],
    "missing newline on a single line": ["x", "y"],
    "blank lines and braces (repeated lines)": [
      lines("server {", "  listen 80;", "", "  location / {", "    root /a;", "  }", "", "}", "", "server {", "  listen 81;", "}"),
      lines("server {", "  listen 80;", "", "  location / {", "    root /b;", "  }", "", "  location /x {", "  }", "", "}", "", "server {", "  listen 81;", "", "}"),
    ],
    "a duplicated block inserted (boundary shifting)": [lines("a", "b", "c", "d"), lines("a", "b", "c", "b", "c", "d")],
    "repeated line deleted from a run": [lines("x", "x", "x", "x", "x"), lines("x", "x", "x", "x")],
    "repeated line inserted into a run": [lines("a", "x", "x", "b"), lines("a", "x", "x", "x", "b")],
    "all lines replaced": [lines(...numbered(8)), lines(...numbered(8, "m"))],
    "interleaved": [lines("a", "b", "c", "d", "e", "f"), lines("b", "a", "d", "c", "f", "e")],
    "reversed": [lines(...numbered(12)), lines(...numbered(12).reverse())],
    "many blank lines (discarded as confusing)": [
      lines("a", "", "", "", "", "", "", "", "b", "", "", "", "c", "", "", "", "", "d"),
      lines("a", "", "x", "", "", "y", "", "", "", "b", "", "z", "", "", "", "", "", "", "d", ""),
    ],
    "galera.cnf edit": [
      lines("[mysqld]", "binlog_format=ROW", "default-storage-engine=innodb", "innodb_autoinc_lock_mode=2", "bind-address=0.0.0.0", "", "# Galera", "wsrep_on=ON", "wsrep_provider=/usr/lib/galera/libgalera_smm.so", 'wsrep_cluster_name="wp"', 'wsrep_cluster_address="gcomm://10.0.0.1,10.0.0.2"', "wsrep_sst_method=rsync", "", "wsrep_node_address=10.0.0.1", "wsrep_node_name=db1"),
      lines("[mysqld]", "binlog_format=ROW", "default-storage-engine=innodb", "innodb_autoinc_lock_mode=2", "bind-address=10.0.0.1", "", "# Galera", "wsrep_on=ON", "wsrep_provider=/usr/lib/galera/libgalera_smm.so", 'wsrep_cluster_name="wp"', 'wsrep_cluster_address="gcomm://10.0.0.1,10.0.0.2,10.0.0.3"', "wsrep_sst_method=mariabackup", 'wsrep_sst_auth="sst:secret"', "", "wsrep_node_address=10.0.0.1", "wsrep_node_name=db1"),
    ],
  };

  it.each(Object.entries(cases))("%s", (_name, [before, after]) => {
    const want = gnu(before, after);
    expect(want).not.toBe("");
    expect(ours(before, after)).toBe(want);
  });

  it("the merge threshold is 2×context: 6 unchanged lines between changes join, 7 split", () => {
    const six = cases["changes 6 lines apart merge into one hunk"] as [string, string];
    const seven = cases["changes 7 lines apart make two hunks"] as [string, string];
    expect(ours(...six).match(/^@@/gm)).toHaveLength(1);
    expect(ours(...seven).match(/^@@/gm)).toHaveLength(2);
    expect(ours(...six).split("\n")[0]).toBe("@@ -7,14 +7,14 @@");
    expect(ours(...seven).split("\n").filter((l) => l.startsWith("@@"))).toEqual(["@@ -7,7 +7,7 @@", "@@ -15,7 +15,7 @@"]);
  });

  it.each([0, 1, 2, 5])("with context %i, as diff -U<context>", (context) => {
    const [before, after] = cases["two changes far apart make two hunks"] as [string, string];
    expect(ours(before, after, context)).toBe(gnu(before, after, context));
    const [b2, a2] = cases["blank lines and braces (repeated lines)"] as [string, string];
    expect(ours(b2, a2, context)).toBe(gnu(b2, a2, context));
  });

  function randomCase(rand: () => number, alphabet: readonly string[], maxLines: number): [string, string] {
    const pick = () => alphabet[Math.floor(rand() * alphabet.length)] as string;
    const base = Array.from({ length: Math.floor(rand() * maxLines) }, pick);
    const after = [...base];
    const edits = 1 + Math.floor(rand() * 5);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(rand() * (after.length + 1));
      const op = rand();
      if (op < 0.35) after.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rand() * 3) }, pick));
      else if (op < 0.7) after.splice(at, 1 + Math.floor(rand() * 3));
      else after.splice(at, 1, pick());
    }
    const text = (ls: string[], nl: boolean) => (ls.length ? ls.join("\n") + (nl ? "\n" : "") : "");
    return [text(base, rand() < 0.85), text(after, rand() < 0.85)];
  }

  function compareRandom(seed: number, count: number, alphabet: readonly string[], maxLines: number): string[] {
    const rand = prng(seed);
    const bad: string[] = [];
    let compared = 0;
    for (let n = 0; n < count; n++) {
      const [before, after] = randomCase(rand, alphabet, maxLines);
      if (before === after) continue;
      compared++;
      const want = gnu(before, after);
      const got = ours(before, after);
      if (got !== want) bad.push(`seed ${seed} case ${n}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}\n--- diff -u\n${want}--- ours\n${got}`);
    }
    expect(compared).toBeGreaterThan(count * 0.9);
    return bad;
  }

  it("on 300 random edits of config-like files", () => {
    const alphabet = ["[mysqld]", "", "bind-address=0.0.0.0", "port=3306", "}", "{", "# comment", "user=mysql", "server {", "listen 80;", "wsrep_on=ON", "log_error=/var/log/mysql.err"];
    expect(compareRandom(1, 300, alphabet, 40).slice(0, 3)).toEqual([]);
  });

  it("on 300 random edits over a tiny alphabet (many equally short edit scripts)", () => {
    expect(compareRandom(2, 300, ["a", "b", "c"], 25).slice(0, 3)).toEqual([]);
  });

  it("on 100 random edits of longer files with many repeated lines", () => {
    const alphabet = ["", "", "", "}", "}", "x", "y", "z", "{", "a"];
    expect(compareRandom(3, 100, alphabet, 300).slice(0, 3)).toEqual([]);
  });
});

describe("unifiedDiff on large inputs", () => {
  it("summarises instead of diffing past maxLines", () => {
    const big = lines(...numbered(11));
    expect(unifiedDiff(big, lines(...numbered(12)), { from: "a", to: "b" }, 3, 10)).toBe("--- a\n+++ b\n@@ (11 lines -> 12 lines; too large to show) @@\n");
  });

  it("diffs a 3000-line file with scattered edits like diff does", () => {
    const rand = prng(7);
    const base = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? "" : `line ${Math.floor(rand() * 500)}`));
    const after = base.map((l, i) => (i % 97 === 0 ? `${l} changed` : l)).filter((_, i) => i % 211 !== 5);
    const before = lines(...base);
    const next = lines(...after);
    expect(ours(before, next)).toBe(gnu(before, next));
  });
});
