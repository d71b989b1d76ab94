import { describe, expect, it } from "vitest";
import { join } from "node:path";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { type Facts, type Host, jinja, play, site } from "../../../src/index.js";
import { dropSuperseded, withModuleFacts } from "../../../src/facts/module-facts.js";
import type { RunEvent, TaskEnd } from "../../../src/runner/events.js";
import { factsHold } from "../../../src/runner/host-facts.js";
import { runSite } from "../../../src/runner/run-site.js";
import { createTemplateRenderer } from "../../../src/runner/templates.js";
import { tempTree } from "../inventory/helpers.js";
import { localRunOptions } from "./local-run-options.js";

// A host's facts are gathered once in a run: later plays with gatherFacts take them as they are,
// h.gatherFacts() (Ansible's setup task) gathers them again for the rest of the run. Two hosts
// over the local connection; which gather a play saw is told by the facts object itself and by
// date_time.iso8601_micro, which no two gathers share.

type Play = ReturnType<typeof play>;

async function converge(plays: Play[], o: { check?: boolean; tags?: string[] } = {}) {
  const dir = await tempTree({ "inventory.yml": "all:\n  vars: { ansible_connection: local }\n  hosts: { a: {}, b: {} }\n" });
  const events: RunEvent[] = [];
  const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
  const result = await runSite(
    site({ plays }),
    inventory,
    localRunOptions(dir, { check: o.check ?? false, tags: o.tags ?? [] }),
    { siteDir: dir, emit: (e) => events.push(e), templates: createTemplateRenderer() },
  );
  const gathers = events.filter((e): e is TaskEnd => e.type === "task-end" && e.module === "facts").map((e) => `${e.play} ${e.host} ${e.task} ${e.status}`);
  const failures = events.filter((e): e is TaskEnd => e.type === "task-end" && e.status === "failed").map((e) => `${e.host} ${e.task}: ${e.msg}`);
  return { result, gathers, failures };
}

const micro = (f: Facts): unknown => (f.ansible.facts.date_time as { iso8601_micro?: unknown }).iso8601_micro;

/** What each host's h.facts was in each play, by "play host". */
function recorder() {
  const seen = new Map<string, Facts>();
  const record = (label: string) => async (h: Host) => {
    seen.set(`${label} ${h.name}`, h.facts);
  };
  return { seen, record };
}

describe("facts gathered once per host and run", { timeout: 120_000 }, () => {
  it("a later play with gatherFacts takes the facts an earlier one gathered: one gather per host", async () => {
    const { seen, record } = recorder();
    const r = await converge([
      play({ name: "one", hosts: "all", tasks: record("one") }),
      play({ name: "two", hosts: "all", tasks: record("two") }),
      play({ name: "three", hosts: "all", gatherFacts: false, tasks: record("three") }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.result.exitCode).toBe(0);
    expect(r.gathers.sort()).toEqual(["one a Gathering Facts ok", "one b Gathering Facts ok"]);
    for (const host of ["a", "b"]) {
      expect(seen.get(`two ${host}`)).toBe(seen.get(`one ${host}`));
      expect(seen.get(`three ${host}`)).toBe(seen.get(`one ${host}`));
    }
    expect(seen.get("one a")).not.toBe(seen.get("one b"));
    // No task line for facts taken as they are, and nothing counted for them: the recap has the one gather.
    expect(r.result.recap.get("a")).toMatchObject({ ok: 1, changed: 0, failed: 0 });
  });

  it("h.gatherFacts() gathers again: the task, templates, hostvars and later plays see the new facts", async () => {
    const seen = new Map<string, unknown>();
    const r = await converge([
      play({
        name: "one",
        hosts: "all",
        tasks: async (h) => {
          seen.set(`one ${h.name}`, micro(h.facts));
        },
      }),
      play({
        name: "two",
        hosts: "all",
        tasks: async (h) => {
          seen.set(`two before ${h.name}`, micro(h.facts));
          const res = await h.gatherFacts();
          seen.set(`two after ${h.name}`, micro(h.facts));
          seen.set(`two result ${h.name}`, (res.ansible_facts?.ansible_date_time as { iso8601_micro?: unknown } | undefined)?.iso8601_micro);
          seen.set(`two template ${h.name}`, h.jinja.value(jinja("{{ ansible_date_time.iso8601_micro }}")));
          seen.set(`two namespaced ${h.name}`, h.jinja.value(jinja("{{ ansible_facts.date_time.iso8601_micro }}")));
          seen.set(`two hostvars ${h.name}`, micro(h.hostvars(h.name).facts as Facts));
          expect(res).toMatchObject({ changed: false, failed: false, skipped: false });
        },
      }),
      play({
        name: "three",
        hosts: "all",
        tasks: async (h) => {
          seen.set(`three ${h.name}`, micro(h.facts));
        },
      }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.gathers.sort()).toEqual(["one a Gathering Facts ok", "one b Gathering Facts ok", "two a setup ok", "two b setup ok"]);
    for (const host of ["a", "b"]) {
      const first = seen.get(`one ${host}`);
      const fresh = seen.get(`two after ${host}`);
      expect(first).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(seen.get(`two before ${host}`)).toBe(first);
      expect(fresh).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
      expect(fresh).not.toBe(first);
      for (const what of ["result", "template", "namespaced", "hostvars"]) expect(seen.get(`two ${what} ${host}`), what).toBe(fresh);
      expect(seen.get(`three ${host}`)).toBe(fresh);
    }
    expect(r.result.recap.get("a")).toMatchObject({ ok: 2, changed: 0, failed: 0 });
  });

  it("a host an earlier play did not reach, or that played only without gatherFacts, gathers in its first play with gatherFacts", async () => {
    const { seen, record } = recorder();
    const before: string[] = [];
    const r = await converge([
      play({
        name: "none",
        hosts: "b",
        gatherFacts: false,
        tasks: async (h) => {
          try {
            void h.facts;
          } catch (err) {
            before.push(err instanceof Error ? err.message : String(err));
          }
        },
      }),
      play({ name: "a only", hosts: "a", tasks: record("a only") }),
      play({ name: "everyone", hosts: "all", tasks: record("everyone") }),
    ]);
    expect(r.failures).toEqual([]);
    expect(before).toEqual(["b: task \"facts\": facts were not gathered: no play so far has gatherFacts for this host, and no h.gatherFacts() ran"]);
    expect(r.gathers).toEqual(["a only a Gathering Facts ok", "everyone b Gathering Facts ok"]);
    expect(seen.get("everyone a")).toBe(seen.get("a only a"));
    expect(seen.get("everyone b")?.ansible.facts.hostname).toBe(seen.get("a only a")?.ansible.facts.hostname);
  });

  it("h.gatherFacts() in a play without gatherFacts gives the play facts", async () => {
    const { seen, record } = recorder();
    const r = await converge([
      play({
        name: "setup",
        hosts: "a",
        gatherFacts: false,
        tasks: async (h) => {
          await h.gatherFacts({ name: "gather them now" });
          seen.set(`setup ${h.name}`, h.facts);
        },
      }),
      play({ name: "later", hosts: "a", tasks: record("later") }),
    ]);
    expect(r.failures).toEqual([]);
    expect(r.gathers).toEqual(["setup a gather them now ok"]);
    expect(seen.get("later a")).toBe(seen.get("setup a"));
  });

  it("--check: the facts still hold for later plays, and h.gatherFacts() gathers (it only reads)", async () => {
    const seen = new Map<string, unknown>();
    const r = await converge(
      [
        play({ name: "one", hosts: "a", tasks: async (h) => void seen.set("one", micro(h.facts)) }),
        play({
          name: "two",
          hosts: "a",
          tasks: async (h) => {
            seen.set("two", micro(h.facts));
            await h.gatherFacts();
            seen.set("after", micro(h.facts));
          },
        }),
      ],
      { check: true },
    );
    expect(r.failures).toEqual([]);
    expect(r.gathers).toEqual(["one a Gathering Facts ok", "two a setup ok"]);
    expect(seen.get("two")).toBe(seen.get("one"));
    expect(seen.get("after")).not.toBe(seen.get("one"));
  });

  it("h.gatherFacts() is a task --tags selects: left out, the facts stay as they were", async () => {
    const seen = new Map<string, unknown>();
    const r = await converge(
      [
        play({
          name: "one",
          hosts: "a",
          tasks: async (h) => {
            seen.set("first", micro(h.facts));
            const skipped = await h.gatherFacts({ tags: ["other"] });
            seen.set("skipped", skipped);
            seen.set("unselected", micro(h.facts));
            await h.gatherFacts({ tags: ["facts"] });
            seen.set("selected", micro(h.facts));
          },
        }),
      ],
      { tags: ["facts"] },
    );
    expect(r.failures).toEqual([]);
    expect(r.gathers).toEqual(["one a Gathering Facts ok", "one a setup ok"]);
    expect(seen.get("skipped")).toEqual({ changed: false, failed: false, skipped: true, msg: "not selected by tags" });
    expect(seen.get("unselected")).toBe(seen.get("first"));
    expect(seen.get("selected")).not.toBe(seen.get("first"));
  });

  it("facts a module returned (package_facts' packages) stay the host's across plays and through h.gatherFacts()", async () => {
    const seen = new Map<string, unknown>();
    const packages = (h: Host) => h.jinja.value(jinja("{{ packages['dpkg'][0].name }} {{ ansible_facts.packages['dpkg'][0].name }}"));
    const r = await converge([
      play({ name: "one", hosts: "a", gatherFacts: false, tasks: async (h) => void (await h.package_facts({})) }),
      play({
        name: "two",
        hosts: "a",
        tasks: async (h) => {
          seen.set("two", packages(h));
          await h.gatherFacts();
          seen.set("after setup", packages(h));
        },
      }),
    ]);
    expect(r.failures).toEqual([]);
    expect(seen.get("two")).toBe("dpkg dpkg");
    expect(seen.get("after setup")).toBe("dpkg dpkg");
  });
});

describe("which facts still stand", () => {
  it("facts hold for a play that gathers as the user they were gathered as, and only while not made stale", () => {
    const facts = {} as Facts;
    expect(factsHold({ moduleFacts: {} }, undefined)).toBe(false);
    expect(factsHold({ facts, gatheredAs: { user: "root" }, moduleFacts: {} }, "root")).toBe(true);
    expect(factsHold({ facts, gatheredAs: { user: "root" }, moduleFacts: {} }, undefined)).toBe(false);
    expect(factsHold({ facts, gatheredAs: { user: undefined }, moduleFacts: {} }, undefined)).toBe(true);
    expect(factsHold({ facts, gatheredAs: undefined, moduleFacts: {} }, undefined)).toBe(false);
  });

  it("a fresh gather replaces the module facts of the same name (the later write wins), and keeps the others", () => {
    const moduleFacts: Record<string, unknown> = { services: { ssh: {} }, ansible_hostname: "from-a-module", local: { x: 1 }, ansible_local: { y: 2 } };
    dropSuperseded(moduleFacts, new Set(["hostname", "ansible_local", "date_time"]));
    expect(moduleFacts).toEqual({ services: { ssh: {} }, local: { x: 1 } });
    expect(withModuleFacts({ ansible_facts: { hostname: "h" }, ansible_hostname: "h" }, moduleFacts)).toEqual({
      ansible_facts: { hostname: "h", services: { ssh: {} }, local: { x: 1 } },
      ansible_hostname: "h",
      services: { ssh: {} },
      local: { x: 1 },
    });
  });
});
