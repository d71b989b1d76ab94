import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { find } from "../../../src/modules/find.js";
import { fnmatcher } from "../../../src/python/fnmatch.js";
import { RemoteShell } from "../../../src/remote/shell.js";
import { LocalConnection } from "../../../src/transport/local.js";
import { ANSIBLE_PYTHON } from "./ansible-oracle/oracle.js";

// find against ansible-core's own find module on the same scratch tree: the same files, with the
// same fields, in the same order, and the same counts.

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  r.success ? [] : (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

describe("fnmatch", () => {
  // Expected values are Python 3.11's fnmatch.fnmatch(name, pattern).
  const cases: [string, string, boolean][] = [
    ["*.conf", "a.conf", true], ["*.conf", ".conf", true], ["*.conf", "a.conf.bak", false], ["?.txt", "ab.txt", false],
    ["?.txt", "a.txt", true], ["[!a]*", "abc", false], ["[!a]*", "bcd", true], ["[a-c]x", "bx", true], ["[a-c]x", "dx", false],
    ["[z-a]x", "zx", false], ["[]]", "]", true], ["[!]]", "a", true], ["[", "[", true], ["a[b", "a[b", true], ["*", "a\nb", true],
    ["[a-c-e]", "-", true], ["[a-c-e]", "d", false], ["*.[ch]", "x.h", true], ["\\*", "\\x", true], ["[\\]", "\\", true],
    ["[^a]", "^", true], ["[^a]", "b", false], ["a*b*c", "aXbYc", true], ["a*b*c", "aXbY", false], ["[&]", "&", true],
    ["[!]", "!", false], ["[]", "[]", true],
  ];
  it.each(cases)("%j matches %j: %s", (pattern, name, expected) => {
    expect(fnmatcher(pattern)(name)).toBe(expected);
  });
});

describe("find's arguments", () => {
  it("takes comma-separated lists, units, and Ansible's defaults", () => {
    const a = find.args.parse({ paths: "/etc,/srv", patterns: "*.conf,*.cnf", age: "2d", size: "-10k" });
    expect(a).toMatchObject({ paths: ["/etc", "/srv"], patterns: ["*.conf", "*.cnf"], age: 172800, size: -10240, file_type: "file", recurse: false, hidden: false, age_stamp: "mtime" });
  });

  it("refuses what it cannot do as Ansible does", () => {
    expect(issues(find.args.safeParse({ paths: "etc" }))).toEqual(["paths.0: an absolute path (or ~/...)"]);
    expect(issues(find.args.safeParse({ paths: "/srv/$APP" }))).toEqual(["paths.0: environment variables ($NAME) in paths are not expanded: give the path itself"]);
    expect(issues(find.args.safeParse({ paths: "/x", age: "2y" }))).toEqual(['age: failed to process age "2y": a whole number with an optional unit (s, m, h, d, w)']);
    expect(issues(find.args.safeParse({ paths: "/x", patterns: ["(a"], use_regex: true }))).toEqual(['patterns: invalid regular expression "(a": missing ), unterminated subpattern']);
    expect(issues(find.args.safeParse({ paths: "/x", limit: 3 }))).toHaveLength(1);
  });
});

interface AnsibleFind {
  files: Record<string, unknown>[];
  matched: number;
  examined: number;
  msg: string;
  skipped_paths: Record<string, string>;
}

function ansibleFind(args: Record<string, unknown>, dir: string): AnsibleFind {
  const file = join(dir, "args.json");
  writeFileSync(file, JSON.stringify({ ANSIBLE_MODULE_ARGS: { ...args, _ansible_remote_tmp: join(dir, "rtmp"), _ansible_keep_remote_files: false } }));
  const out = execFileSync(ANSIBLE_PYTHON, ["-m", "ansible.modules.find", file], { encoding: "utf8", cwd: dir });
  return JSON.parse(out) as AnsibleFind;
}

describe("find on a scratch tree, against ansible.builtin.find", () => {
  let root: string;
  let work: string;
  let sh: RemoteShell;
  let ctx: ModuleContext;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "dcv-find-"));
    root = join(work, "tree");
    const files: Record<string, string> = {
      "a.conf": "listen 80\nserver_name x\n",
      "b.conf": "# listen 80\r\nkeepalive on\r\n",
      "c.txt": "x".repeat(3000),
      ".hidden.conf": "listen 1\n",
      "sub/d.conf": "user www\nlisten 443\n",
      "sub/deeper/e.conf": "",
      "sub/deeper/f.log": "old\n",
      ".git/config": "[core]\n",
      "target/g.conf": "linked\n",
      "latin1.conf": "listen caf\xe9\n",
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, ".."), { recursive: true });
      writeFileSync(join(root, rel), rel === "latin1.conf" ? Buffer.from(text, "latin1") : text);
    }
    const old = new Date("2020-01-01T00:00:00Z");
    utimesSync(join(root, "sub/deeper/f.log"), old, old);
    utimesSync(join(root, "a.conf"), old, old);
    symlinkSync("a.conf", join(root, "link.conf"));
    symlinkSync("target", join(root, "linkdir"));
    symlinkSync("nowhere", join(root, "broken.conf"));
    sh = await RemoteShell.open(new LocalConnection("local"));
    ctx = { host: "local", check: false, wantDiff: false, sh, renderTemplate: () => "", readControlFile: () => Buffer.alloc(0) };
  });
  afterAll(() => {
    sh.close();
    rmSync(work, { recursive: true, force: true });
  });

  // atime moves as files are read (the oracle reads them for contains and checksums).
  const comparable = (r: { files: object[]; matched: number; examined: number; msg: string; skipped_paths: object }) => ({
    matched: r.matched,
    examined: r.examined,
    msg: r.msg,
    skipped_paths: r.skipped_paths,
    files: r.files.map((f) => Object.fromEntries(Object.entries(f).filter(([k]) => k !== "atime"))),
  });

  const cases: [string, Record<string, unknown>][] = [
    ["defaults", {}],
    ["patterns and recurse", { patterns: ["*.conf"], recurse: true }],
    ["excludes, hidden", { patterns: "*.conf", excludes: "b*", hidden: true, recurse: true }],
    ["regexes", { patterns: ["^[a-c]\\.", "^\\w+\\.log$"], use_regex: true, recurse: true }],
    ["regex excludes", { excludes: ["conf$"], use_regex: true, recurse: true }],
    ["directories", { file_type: "directory", recurse: true, hidden: true }],
    ["links", { file_type: "link" }],
    ["any, size and depth", { file_type: "any", size: "1k", recurse: true, depth: 2 }],
    ["small files", { size: "-10", recurse: true }],
    ["depth 1", { recurse: true, depth: 1, file_type: "any" }],
    ["age", { age: "4w", recurse: true }],
    ["younger than", { age: "-1d", recurse: true }],
    ["contains at line start", { contains: "listen", recurse: true, hidden: true }],
    ["contains in the whole file", { contains: "listen 4", read_whole_file: true, recurse: true }],
    ["follow", { follow: true, recurse: true, patterns: "*.conf" }],
    ["checksums", { get_checksum: true, file_type: "any", patterns: ["*.conf", "*.txt"] }],
    ["several paths, one missing", { paths: ["ROOT/sub", "ROOT/missing", "ROOT/a.conf"], recurse: true }],
  ];

  it.each(cases)("%s", async (_name, extra) => {
    const raw = { paths: [root], ...extra };
    const args = { ...raw, paths: (Array.isArray(raw.paths) ? raw.paths : [raw.paths]).map((p) => String(p).replace("ROOT", root)) };
    const ours = await find.probe(ctx, find.args.parse(args));
    const theirs = ansibleFind(args, work);
    expect(comparable(ours)).toEqual(comparable(theirs));
    expect(ours.matched).toBe(ours.files.length);
  });

  it("a tree it cannot wholly read is reported in skipped_paths, as Ansible's message says", async () => {
    const r = await find.probe(ctx, find.args.parse({ paths: [join(root, "missing")] }));
    expect(r).toMatchObject({ files: [], matched: 0, examined: 0, msg: "Not all paths examined, check warnings for details", skipped_paths: { [join(root, "missing")]: `'${join(root, "missing")}' is not a directory` } });
  });
});
