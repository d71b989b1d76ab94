import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { copy, template } from "../../../src/modules/files.js";
import { LOCAL_INVENTORY, cli, scratchDir, siteSource } from "../safety/cli-helpers.js";

// copy's and template's follow: a symlink at dest followed (the file it leads to is written, the
// link stays) or, by default as in Ansible, replaced by the file.

const tasksOf = (json: string) => (JSON.parse(readFileSync(json, "utf8")) as { tasks: { status: string; msg?: string }[] }).tasks;

describe("copy/template follow", () => {
  it("the schema: follow defaults to false, as Ansible's", () => {
    expect(copy.args.parse({ dest: "/etc/x", content: "x" }).follow).toBe(false);
    expect(template.args.parse({ dest: "/etc/x", src: "x.j2", follow: true }).follow).toBe(true);
    expect(copy.args.safeParse({ dest: "/etc/x", content: "x", follow: "yes" }).success).toBe(false);
  });

  const work = scratchDir("content-follow");

  async function converge(body: string, extra: string[] = []) {
    writeFileSync(join(work, "site.ts"), siteSource(body));
    const json = join(work, "report.json");
    const r = await cli(work, ["site.ts", "-i", "inventory.yml", "--no-typecheck", "--json", json, ...extra]);
    return { ...r, tasks: tasksOf(json) };
  }

  it("followed, the link's target gets the content and the link stays; not followed, the link is replaced; reruns are ok", { timeout: 120_000 }, async () => {
    writeFileSync(join(work, "inventory.yml"), LOCAL_INVENTORY);
    mkdirSync(join(work, "real"));
    writeFileSync(join(work, "real", "a.cnf"), "old\n");
    writeFileSync(join(work, "real", "b.cnf"), "old\n");
    symlinkSync(join(work, "real", "a.cnf"), join(work, "a.cnf"));
    symlinkSync("real/b.cnf", join(work, "b.cnf"));
    symlinkSync(join(work, "nowhere", "x"), join(work, "dangling"));
    const body = `await h.copy({ dest: ${JSON.stringify(join(work, "a.cnf"))}, content: "new\\n", follow: true });
await h.copy({ dest: ${JSON.stringify(join(work, "b.cnf"))}, content: "new\\n" });`;

    const check = await converge(body, ["--check", "--diff"]);
    expect(check.tasks.map((t) => t.status)).toEqual(["changed", "changed"]);
    expect(check.stdout).toContain(`+++ after: ${join(work, "real", "a.cnf")}`);
    expect(check.stdout).toContain("-link to real/b.cnf");
    expect(readFileSync(join(work, "real", "a.cnf"), "utf8")).toBe("old\n");

    const first = await converge(body);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.tasks.map((t) => t.status)).toEqual(["changed", "changed"]);
    expect(lstatSync(join(work, "a.cnf")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(work, "a.cnf"))).toBe(join(work, "real", "a.cnf"));
    expect(readFileSync(join(work, "real", "a.cnf"), "utf8")).toBe("new\n");
    // Not followed: b.cnf is now a file of its own, its old target untouched.
    expect(lstatSync(join(work, "b.cnf")).isFile()).toBe(true);
    expect(readFileSync(join(work, "b.cnf"), "utf8")).toBe("new\n");
    expect(readFileSync(join(work, "real", "b.cnf"), "utf8")).toBe("old\n");

    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok", "ok"]);

    const bad = await converge(`await h.copy({ dest: ${JSON.stringify(join(work, "dangling"))}, content: "x", follow: true });`);
    expect(bad.tasks[0]?.status).toBe("failed");
    expect(bad.tasks[0]?.msg).toBe(`${join(work, "dangling")} is a symlink that leads nowhere (${join(work, "nowhere", "x")}): a loop, or a missing directory on the way`);
  });
});
