import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { file, planFile } from "../../../src/modules/file.js";
import { parseTree, planTree, treeDiff } from "../../../src/modules/file-tree.js";
import { LOCAL_INVENTORY, cli, scratchDir, siteSource } from "../safety/cli-helpers.js";

// file's recurse and follow: the pure plan, then real trees converged over the local connection.

const dir = (path: string, mode = "755") => ({ type: "directory" as const, path, owner: "root", group: "root", mode, size: 0, sha256: "", target: "" });

describe("file recurse/follow: the plan", () => {
  it("parses find's records, links themselves without a mode", () => {
    // A broken link comes from both walks: it counts once.
    const out = "P\tf\troot\troot\t644\t/d/a b\0P\tl\troot\troot\t777\t/d/l\tx\0L\tl\tnobody\tnogroup\t\t/d/m\0L\tl\troot\troot\t\t/d/l\tx\0";
    expect(parseTree(out)).toEqual([
      { path: "/d/a b", type: "f", owner: "root", group: "root", mode: "644", linkItself: false },
      { path: "/d/l\tx", type: "l", owner: "root", group: "root", mode: "", linkItself: true },
      { path: "/d/m", type: "l", owner: "nobody", group: "nogroup", mode: "", linkItself: true },
    ]);
  });

  it("plans chown -h for links, chown and chmod for the rest; mode on files and directories alike", () => {
    const entries = parseTree("P\tf\troot\troot\t644\t/d/f\0P\td\troot\troot\t700\t/d/s\0P\tl\troot\troot\t777\t/d/l\0P\tf\tnobody\troot\t755\t/d/ok\0");
    const plan = planTree(entries, { owner: "nobody", mode: "0755" });
    expect(plan.chown).toEqual(["/d/f", "/d/s"]);
    expect(plan.chownLinks).toEqual(["/d/l"]);
    expect(plan.chmod).toEqual(["/d/f", "/d/s"]);
    expect(treeDiff("/d", plan)).toEqual({
      label: "/d (recursive)",
      before: "/d/f: owner root, mode 0644\n/d/s: owner root, mode 0700\n/d/l: owner root\n",
      after: "/d/f: owner nobody, mode 0755\n/d/s: owner nobody, mode 0755\n/d/l: owner nobody\n",
    });
    expect(planTree(entries.slice(3), { owner: "nobody", mode: "0755" }).changed).toEqual([]);
  });

  it("state defaults to directory with recurse; recurse with another state is refused", () => {
    expect(file.args.parse({ path: "/d", recurse: true, mode: "0755" }).state).toBe("directory");
    expect(file.args.parse({ path: "/d" })).toMatchObject({ state: "file", follow: true, recurse: false });
    expect(file.args.safeParse({ path: "/d", recurse: true, state: "file" }).error?.issues[0]?.message).toBe("recurse needs state=directory");
  });

  it("a followed link: attributes on its target, named in the summary", () => {
    const args = file.args.parse({ path: "/srv/current", state: "directory", mode: "0750" });
    const named = { type: "link" as const, path: "/srv/current", owner: "root", group: "root", mode: "777", size: 3, sha256: "", target: "r1" };
    expect(planFile(args, { named, target: dir("/srv/r1") })?.summary).toEqual(["mode 0755 -> 0750 on /srv/r1"]);
    const unfollowed = file.args.parse({ path: "/srv/current", state: "directory", follow: false });
    expect(() => planFile(unfollowed, { named, target: named })).toThrow("/srv/current exists and is a link, not a directory");
  });
});

const tasksOf = (json: string) => (JSON.parse(readFileSync(json, "utf8")) as { tasks: { task: string; status: string; msg?: string }[] }).tasks;
const modeOf = (p: string) => (statSync(p).mode & 0o7777).toString(8);
const lmodeOf = (p: string) => (lstatSync(p).mode & 0o7777).toString(8);

describe("file recurse/follow on this machine (local connection)", () => {
  const work = scratchDir("file-recurse");
  const tree = join(work, "tree");
  const outside = join(work, "outside");

  async function converge(body: string, extra: string[] = []) {
    writeFileSync(join(work, "site.ts"), siteSource(body));
    const json = join(work, "report.json");
    const r = await cli(work, ["site.ts", "-i", "inventory.yml", "--no-typecheck", "--json", json, ...extra]);
    return { ...r, tasks: tasksOf(json) };
  }

  it("recurse sets owner/group/mode on everything under the directory, links followed; idempotent; drift shown by --check --diff", { timeout: 120_000 }, async () => {
    writeFileSync(join(work, "inventory.yml"), LOCAL_INVENTORY);
    mkdirSync(join(tree, "sub"), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(tree, "a.txt"), "a");
    writeFileSync(join(tree, "sub", "b.txt"), "b");
    writeFileSync(join(outside, "o.txt"), "o");
    chmodSync(join(tree, "sub"), 0o700);
    symlinkSync(outside, join(tree, "linked"));
    symlinkSync("nowhere", join(tree, "broken"));
    const body = `await h.file({ path: ${JSON.stringify(tree)}, recurse: true, owner: "nobody", group: "nogroup", mode: "0750" });`;

    const first = await converge(body);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.tasks.map((t) => t.status)).toEqual(["changed"]);
    for (const p of [tree, join(tree, "a.txt"), join(tree, "sub"), join(tree, "sub", "b.txt"), outside, join(outside, "o.txt")]) {
      expect(modeOf(p), p).toBe("750");
      expect(statSync(p).uid, p).toBe(65534);
    }
    // The links themselves: their own owner (lchown), mode untouched.
    expect(lstatSync(join(tree, "linked")).uid).toBe(65534);
    expect(lstatSync(join(tree, "broken")).uid).toBe(65534);
    expect(lmodeOf(join(tree, "broken"))).toBe("777");

    const second = await converge(body);
    expect(second.tasks.map((t) => t.status)).toEqual(["ok"]);

    chmodSync(join(tree, "sub", "b.txt"), 0o644);
    const check = await converge(body, ["--check", "--diff"]);
    expect(check.tasks.map((t) => t.status)).toEqual(["changed"]);
    expect(check.stdout).toContain(`-${join(tree, "sub", "b.txt")}: mode 0644`);
    expect(check.stdout).toContain(`+${join(tree, "sub", "b.txt")}: mode 0750`);
    expect(modeOf(join(tree, "sub", "b.txt"))).toBe("644");
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["changed"]);
    expect(modeOf(join(tree, "sub", "b.txt"))).toBe("750");
  });

  it("symbolic modes: each path gets what Ansible computes from its own mode (g+w on a tree, g+s, X); idempotent; --check --diff shows the octal", { timeout: 120_000 }, async () => {
    const sym = join(work, "sym");
    mkdirSync(join(sym, "d"), { recursive: true });
    writeFileSync(join(sym, "f.txt"), "f");
    writeFileSync(join(sym, "run.sh"), "#!/bin/sh\n");
    chmodSync(join(sym, "f.txt"), 0o640);
    chmodSync(join(sym, "run.sh"), 0o700);
    chmodSync(join(sym, "d"), 0o750);
    chmodSync(sym, 0o755);
    writeFileSync(join(work, "inventory.yml"), LOCAL_INVENTORY);
    const body = [
      `await h.file({ path: ${JSON.stringify(sym)}, recurse: true, mode: "g+w,o=rX" });`,
      `await h.file({ path: ${JSON.stringify(join(sym, "d"))}, state: "directory", mode: "g+s" });`,
      `await h.file({ path: ${JSON.stringify(join(work, "sym-new"))}, state: "directory", mode: "u=rwx,g=u-w,o=" });`,
    ].join("\n");
    const first = await converge(body);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.tasks.map((t) => t.status)).toEqual(["changed", "changed", "changed"]);
    // As ansible-core computes them (test/unit/modules/symbolic-mode.test.ts): X where a path is a
    // directory or has an x bit; g=u reads the mode before the change (mkdir's 0755: g=rwx-w).
    expect([sym, join(sym, "f.txt"), join(sym, "run.sh"), join(sym, "d"), join(work, "sym-new")].map(modeOf)).toEqual(["775", "664", "725", "2775", "750"]);
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok", "ok", "ok"]);
    chmodSync(join(sym, "f.txt"), 0o600);
    const check = await converge(body, ["--check", "--diff"]);
    expect(check.tasks.map((t) => t.status)).toEqual(["changed", "ok", "ok"]);
    expect(check.stdout).toContain(`-${join(sym, "f.txt")}: mode 0600`);
    expect(check.stdout).toContain(`+${join(sym, "f.txt")}: mode 0624`);
    expect(modeOf(join(sym, "f.txt"))).toBe("600");
  });

  it("follow: false leaves what links lead to alone", { timeout: 120_000 }, async () => {
    const body = `await h.file({ path: ${JSON.stringify(tree)}, recurse: true, follow: false, mode: "0700" });`;
    const r = await converge(body);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(modeOf(join(tree, "a.txt"))).toBe("700");
    expect(modeOf(outside)).toBe("750");
    expect(modeOf(join(outside, "o.txt"))).toBe("750");
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok"]);
  });

  it("a link named by path: followed, its target's attributes; not followed, state=file fails clearly", { timeout: 120_000 }, async () => {
    const link = join(work, "to-a");
    symlinkSync(join(tree, "a.txt"), link);
    const r = await converge(`await h.file({ path: ${JSON.stringify(link)}, mode: "0604" });
await h.file({ path: ${JSON.stringify(link)}, mode: "0604" });
await h.file({ path: ${JSON.stringify(link)}, mode: "0604", follow: false });`);
    expect(r.tasks.map((t) => t.status)).toEqual(["changed", "ok", "failed"]);
    expect(modeOf(join(tree, "a.txt"))).toBe("604");
    expect(r.tasks[2]?.msg).toBe(`${link} is a symlink and follow is false: state=file cannot set its attributes (state=link can)`);
  });

  it("state=directory gives every directory it creates on the way the owner, group and mode, as Ansible does; existing parents are left alone", { timeout: 120_000 }, async () => {
    writeFileSync(join(work, "inventory.yml"), LOCAL_INVENTORY);
    const top = join(work, "made");
    const leaf = join(top, "www", "example.com");
    const body = `await h.file({ path: ${JSON.stringify(leaf)}, state: "directory", owner: "nobody", group: "nogroup", mode: "0750" });`;
    const before = modeOf(work);
    const first = await converge(body);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.tasks.map((t) => t.status)).toEqual(["changed"]);
    for (const p of [top, join(top, "www"), leaf]) {
      expect(modeOf(p), p).toBe("750");
      expect(statSync(p).uid, p).toBe(65534);
    }
    expect(modeOf(work)).toBe(before);
    expect(statSync(work).uid).toBe(0);
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok"]);
  });
});
