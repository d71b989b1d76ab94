import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { type Host, type Play, type Role, play, role, site } from "../../../src/index.js";
import type { RunEvent, TaskEnd } from "../../../src/runner/events.js";
import type { RunOptions } from "../../../src/runner/options.js";
import { runSite } from "../../../src/runner/run-site.js";
import { createTemplateRenderer } from "../../../src/runner/templates.js";
import { localRunOptions } from "../engine/local-run-options.js";
import { tempTree } from "../inventory/helpers.js";
import { keyValue } from "./key-value.js";

// A site's own module converged over the local connection (real shells, real files): it gets what
// the built-in modules get from the runner — check mode, --diff, tags, notify, until and retries,
// failedWhen/changedWhen, delegation, the recap, and the fast path's snapshots.

async function setup() {
  const dir = await tempTree({ "inventory.yml": "all:\n  vars: { ansible_connection: local }\n  hosts: { a: {}, b: {} }\n", "work/a/": "", "work/b/": "" });
  const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
  const probesFile = join(dir, "cache", "probes.json");
  const converge = async (plays: Play[], over: Partial<RunOptions> = {}) => {
    const events: RunEvent[] = [];
    const result = await runSite(site({ name: "own", plays }), inventory, localRunOptions(dir, over), { siteDir: dir, emit: (e) => events.push(e), templates: createTemplateRenderer(), probesFile });
    const tasks = events.filter((e): e is TaskEnd => e.type === "task-end");
    const lines = tasks.map((e) => `${e.host} ${e.task} ${e.status}${e.summary ? ` ${e.summary}` : ""}${e.msg ? ` ${e.msg}` : ""}`).sort();
    return { result, tasks, lines, recap: Object.fromEntries(result.recap) };
  };
  return { dir, converge, file: (host: string) => join(dir, "work", host, "app.conf") };
}

/** A role whose tasks set two keys of the host's app.conf with the site's own module. */
function appRole(dir: string, notify?: string): Role {
  return role({
    name: "app",
    modules: [keyValue],
    handlers: { "note it": async (h) => void (await h.key_value({ path: join(dir, "work", h.name, "noted"), key: "noted", value: "yes" })) },
    tasks: async (h) => {
      const path = join(dir, "work", h.name, "app.conf");
      await h.key_value({ path, key: "port", value: "8080" }, notify === undefined ? {} : { notify });
      await h.key_value({ path, key: "host", value: h.name }, { tags: ["hostname"] });
    },
  });
}

describe("a site's own module, converged", { timeout: 120_000 }, () => {
  it("changes once, then reports ok; the recap counts its tasks", async () => {
    const t = await setup();
    const first = await t.converge([play({ name: "p", hosts: "all", gatherFacts: false, roles: [appRole(t.dir)] })]);
    expect(first.result.exitCode).toBe(0);
    expect(first.lines).toEqual([
      `a key_value ${t.file("a")} changed host=a`,
      `a key_value ${t.file("a")} changed port=8080`,
      `b key_value ${t.file("b")} changed host=b`,
      `b key_value ${t.file("b")} changed port=8080`,
    ]);
    expect(first.tasks.every((e) => e.module === "key_value")).toBe(true);
    expect(readFileSync(t.file("a"), "utf8")).toBe("port=8080\nhost=a\n");
    const second = await t.converge([play({ name: "p", hosts: "all", gatherFacts: false, roles: [appRole(t.dir)] })]);
    expect(second.recap).toEqual({ a: expect.objectContaining({ ok: 2, changed: 0 }), b: expect.objectContaining({ ok: 2, changed: 0 }) });
  });

  it("in check mode reports what would change, with its diff under --diff, and changes nothing", async () => {
    const t = await setup();
    writeFileSync(t.file("a"), "port=80\n");
    const r = await t.converge([play({ name: "p", hosts: "a", gatherFacts: false, roles: [appRole(t.dir)] })], { check: true, diff: true });
    expect(r.lines).toEqual([`a key_value ${t.file("a")} changed host=a`, `a key_value ${t.file("a")} changed port=8080`]);
    expect(r.tasks[0]?.diffs).toEqual([{ label: t.file("a"), before: "port=80\n", after: "port=8080\n" }]);
    expect(readFileSync(t.file("a"), "utf8")).toBe("port=80\n");
  });

  it("tags select its tasks; a change notifies a handler, which may call it too", async () => {
    const t = await setup();
    const r = await t.converge([play({ name: "p", hosts: "a", gatherFacts: false, roles: [appRole(t.dir, "note it")] })], { tags: ["hostname"] });
    expect(r.lines).toEqual([`a key_value ${t.file("a")} changed host=a`]);
    const all = await t.converge([play({ name: "p", hosts: "a", gatherFacts: false, roles: [appRole(t.dir, "note it")] })]);
    expect(all.lines).toEqual([`a key_value ${t.file("a")} changed port=8080`, `a key_value ${t.file("a")} ok`, `a key_value ${join(t.dir, "work/a/noted")} changed noted=yes`]);
    expect(all.tasks.find((e) => e.handler)?.task).toBe(`key_value ${join(t.dir, "work/a/noted")}`);
  });

  it("takes the task keywords: until and retries, failedWhen, changedWhen, ignoreErrors, delegateTo", async () => {
    const t = await setup();
    const seen: number[] = [];
    const tasks = async (h: Host<Record<string, unknown>, [typeof keyValue]>) => {
      const path = join(t.dir, "work", h.name, "app.conf");
      // until holds at the third attempt; the first set the key, the last found it set.
      const r = await h.key_value({ path, key: "k0", value: "v" }, { retries: 3, delay: 0, until: (x) => seen.push(x.lines) >= 3 });
      expect(r.changed).toBe(false);
      const judged = await h.key_value({ path, key: "k0", value: "v" }, { changedWhen: true, name: "forced" });
      expect(judged.changed).toBe(true);
      const failed = await h.key_value({ path, key: "k1", value: "v" }, { failedWhen: (x) => x.lines > 1, ignoreErrors: true, name: "judged" });
      expect(failed.failed).toBe(true);
      await h.key_value({ path: join(t.dir, "work", "delegated.conf"), key: "from", value: h.name }, { delegateTo: "localhost", name: "delegated" });
    };
    const r = await t.converge([play({ name: "p", hosts: "a", gatherFacts: false, modules: [keyValue], tasks })]);
    expect(r.result.exitCode, r.lines.join("\n")).toBe(0);
    expect(seen).toEqual([1, 1, 1]);
    expect(r.lines).toEqual(["a delegated changed from=a", "a forced changed", "a judged ignored k1=v failedWhen matched", `a key_value ${t.file("a")} ok`]);
    expect(r.tasks.find((e) => e.task === "delegated")).toMatchObject({ status: "changed", delegatedTo: "localhost" });
    expect(readFileSync(join(t.dir, "work", "delegated.conf"), "utf8")).toBe("from=a\n");
  });

  it("fails its task with the ModuleError's message", async () => {
    const t = await setup();
    const tasks = async (h: Host<Record<string, unknown>, [typeof keyValue]>) => void (await h.key_value({ path: join(t.dir, "work", h.name), key: "k", value: "v" }));
    const r = await t.converge([play({ name: "p", hosts: "a", gatherFacts: false, modules: [keyValue], tasks })]);
    expect(r.result.exitCode).toBe(2);
    expect(r.lines).toEqual([expect.stringMatching(new RegExp(`^a key_value ${join(t.dir, "work/a")} failed cannot read ${join(t.dir, "work/a")}: cat: .*Is a directory$`))]);
  });

  it("is answered from the fast path's snapshot once learnt, as a built-in module is", async () => {
    const t = await setup();
    const plays = () => [play({ name: "p", hosts: "all", gatherFacts: false, roles: [appRole(t.dir)] })];
    await t.converge(plays());
    const second = await t.converge(plays());
    expect(second.result.fastPath).toMatchObject({ live: 0, snapshots: 2 });
    expect(second.result.fastPath?.answered).toBeGreaterThanOrEqual(4);
    // Drift is seen: the snapshot is taken fresh, only its commands were learnt.
    writeFileSync(t.file("b"), "port=1\nhost=b\n");
    const third = await t.converge(plays());
    expect(third.lines.filter((l) => l.includes("changed"))).toEqual([`b key_value ${t.file("b")} changed port=8080`]);
  });

  it("fails the task of code that calls a module its role does not list, naming who lists it", async () => {
    const t = await setup();
    // A typed site cannot write this (Host has no key_value here): the type-check refuses it first.
    const bare = role({ name: "bare", tasks: async (h) => void (await (h as unknown as Host<Record<string, unknown>, [typeof keyValue]>).key_value({ path: t.file("a"), key: "k", value: "v" })) });
    const r = await t.converge([play({ name: "p", hosts: "a", gatherFacts: false, modules: [keyValue], roles: [bare] })]);
    expect(r.result.exitCode).toBe(2);
    expect(r.lines).toEqual([`a key_value failed h.key_value(): role bare does not list module key_value in its modules (play "p" lists it): add it to role bare's modules`]);
    expect(existsSync(t.file("a"))).toBe(false);
  });
});
