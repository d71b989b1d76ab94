import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { type Host, play, role, site } from "../../../src/index.js";
import type { RunEvent, TaskEnd } from "../../../src/runner/events.js";
import type { RunOptions } from "../../../src/runner/options.js";
import { runSite } from "../../../src/runner/run-site.js";
import { createTemplateRenderer } from "../../../src/runner/templates.js";
import { ConfigError } from "../../../src/runner/errors.js";
import { defaultSshOptions } from "../../../src/transport/ssh.js";
import { tempTree } from "../inventory/helpers.js";

// Handlers notified by a run that ended before they ran are kept on the host and run by the next
// converge. Real converges of localhost over the local connection, the record in a temporary
// state directory (do_converge_state_dir).

interface Knobs {
  /** The task after the notifying one fails. */
  fail: boolean;
  /** The handler's content: a changed value makes the notifying task change again. */
  content: string;
  /** The play's handler is renamed (the recorded one no longer exists). */
  handlerName: string;
}

async function setup() {
  const dir = await tempTree({ "inventory.yml": "" });
  writeFileSync(
    join(dir, "inventory.yml"),
    `all:\n  hosts:\n    localhost: { ansible_connection: local, do_converge_state_dir: ${join(dir, "state")} }\n`,
  );
  const knobs: Knobs = { fail: false, content: "v1\n", handlerName: "mark" };
  const marker = join(dir, "marker");
  const record = join(dir, "state/pending-handlers/default/localhost.json");
  const app = role({
    name: "app",
    dir: join(dir, "roles/app"),
    handlers: { "role mark": (h) => h.copy({ dest: `${marker}-role`, content: "role\n" }, { tags: ["handlers"] }) },
    async tasks(h) {
      await h.copy({ dest: join(dir, "role-conf"), content: knobs.content }, { notify: "role mark" });
    },
  });
  const converge = async (options: Partial<RunOptions> = {}) => {
    const events: RunEvent[] = [];
    const handlers = { [knobs.handlerName]: (h: Host) => h.copy({ dest: marker, content: "handled\n" }) };
    const s = site({
      plays: [
        play({
          name: "app",
          hosts: "all",
          gatherFacts: false,
          roles: [app],
          handlers,
          tasks: async (h) => {
            await h.copy({ dest: join(dir, "conf"), content: knobs.content }, { notify: "mark" });
            if (knobs.fail) await h.fail("a later task failed");
          },
        }),
      ],
    });
    const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
    const result = await runSite(
      s,
      inventory,
      { check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0, ssh: defaultSshOptions(), ...options },
      { siteDir: dir, emit: (e) => events.push(e), templates: createTemplateRenderer() },
    );
    const tasks = events.filter((e): e is TaskEnd => e.type === "task-end");
    const warnings = events.flatMap((e) => (e.type === "warning" ? [e.msg] : []));
    return { result, tasks, warnings, changed: tasks.filter((t) => t.status === "changed").map((t) => t.task) };
  };
  const pending = () => (existsSync(record) ? (JSON.parse(readFileSync(record, "utf8")) as { pending: { play: string; role: string | null; handler: string }[] }).pending.map((p) => `${p.play}/${p.role ?? "-"}/${p.handler}`) : []);
  return { dir, knobs, marker, record, converge, pending };
}

describe("handlers notified by a run that ended before they ran", () => {
  it("are recorded on the host, run by the next converge though nothing changes, then forgotten", async () => {
    const t = await setup();
    t.knobs.fail = true;
    const first = await t.converge();
    expect(first.result.exitCode).toBe(2);
    expect(existsSync(t.marker)).toBe(false);
    // The role's handler was flushed? No: the play failed before its end, so both are pending.
    expect(t.pending()).toEqual(["app/app/role mark", "app/-/mark"]);
    expect(readFileSync(t.record, "utf8")).toMatch(/"since": "\d{4}-/);

    t.knobs.fail = false;
    const second = await t.converge();
    expect(second.result.exitCode).toBe(0);
    expect(readFileSync(t.marker, "utf8")).toBe("handled\n");
    expect(readFileSync(`${t.marker}-role`, "utf8")).toBe("role\n");
    // The notifying tasks are unchanged: only the handlers change, announced as pending.
    expect(second.changed).toEqual([`copy ${t.marker}-role`, `copy ${t.marker}`]);
    expect(second.tasks.filter((x) => x.module === "handlers").map((x) => [x.task, x.status])).toEqual([
      ["mark (pending from an earlier run)", "ok"],
      ["role mark (pending from an earlier run)", "ok"],
    ]);
    expect(t.pending()).toEqual([]);
    expect(existsSync(t.record)).toBe(false);

    const third = await t.converge();
    expect(third.result.exitCode).toBe(0);
    expect(third.changed).toEqual([]);
    expect(third.tasks.some((x) => x.module === "handlers")).toBe(false);
  });

  it("a run whose handlers ran leaves no record behind", async () => {
    const t = await setup();
    const r = await t.converge();
    expect(r.result.exitCode).toBe(0);
    expect(r.changed).toEqual([`copy ${join(t.dir, "role-conf")}`, `copy ${join(t.dir, "conf")}`, `copy ${t.marker}-role`, `copy ${t.marker}`]);
    expect(existsSync(t.record)).toBe(false);
    expect(existsSync(join(t.dir, "state"))).toBe(true);
  });

  it("check mode reports them as would-run and writes nothing", async () => {
    const t = await setup();
    t.knobs.fail = true;
    await t.converge();
    const before = readFileSync(t.record, "utf8");
    t.knobs.fail = false;
    const check = await t.converge({ check: true });
    expect(check.result.exitCode).toBe(0);
    expect(check.tasks.find((x) => x.module === "handlers")?.msg).toMatch(/would run with this play's handlers$/);
    expect(check.changed).toEqual([`copy ${t.marker}-role`, `copy ${t.marker}`]);
    expect(existsSync(t.marker)).toBe(false);
    expect(readFileSync(t.record, "utf8")).toBe(before);

    // A check run's own notifications are not recorded either.
    t.knobs.content = "v2\n";
    await t.converge({ check: true });
    expect(readFileSync(t.record, "utf8")).toBe(before);
  });

  it("a handler that no longer exists is warned about and dropped (only reported in check mode)", async () => {
    const t = await setup();
    t.knobs.fail = true;
    await t.converge();
    t.knobs.fail = false;
    t.knobs.handlerName = "mark renamed";
    // The play's tasks still notify "mark", so they must not change now: pin their content.
    const check = await t.converge({ check: true });
    expect(check.warnings).toEqual([expect.stringMatching(/^localhost: pending handler "mark" \(notified .*\) would be dropped: play "app" has no handler "mark" any more$/)]);
    expect(t.pending()).toEqual(["app/app/role mark", "app/-/mark"]);

    const real = await t.converge();
    expect(real.warnings).toEqual([expect.stringMatching(/^localhost: pending handler "mark" \(notified .*\) is dropped: play "app" has no handler "mark" any more$/)]);
    expect(real.result.exitCode).toBe(0);
    expect(existsSync(t.marker)).toBe(false);
    expect(t.pending()).toEqual([]);
  });

  it("a handler whose tasks --tags left out stays pending", async () => {
    const t = await setup();
    t.knobs.fail = true;
    await t.converge();
    t.knobs.fail = false;
    // "role mark" is tagged handlers, "mark" is not: only the first runs under --tags handlers.
    const tagged = await t.converge({ tags: ["handlers"] });
    expect(tagged.result.exitCode).toBe(0);
    expect(tagged.changed).toEqual([`copy ${t.marker}-role`]);
    expect(t.pending()).toEqual(["app/-/mark"]);
    const all = await t.converge();
    expect(all.changed).toEqual([`copy ${t.marker}`]);
    expect(t.pending()).toEqual([]);
  });

  it("an unusable record is warned about, ignored and replaced", async () => {
    const t = await setup();
    await t.converge();
    writeFileSync(t.record, "{ not json");
    t.knobs.content = "v2\n";
    t.knobs.fail = true;
    const r = await t.converge();
    expect(r.warnings[0]).toMatch(/localhost\.json is unusable and was ignored \(not JSON/);
    expect(t.pending()).toEqual(["app/app/role mark", "app/-/mark"]);
  });

  it("handlers notified by tasks run in parallel are all recorded", async () => {
    const dir = await tempTree({ "inventory.yml": "" });
    writeFileSync(join(dir, "inventory.yml"), `all:\n  hosts:\n    localhost: { ansible_connection: local, do_converge_state_dir: ${join(dir, "state")} }\n`);
    const names = ["a", "b", "c", "d", "e", "f"];
    const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
    const s = site({
      plays: [
        play({
          name: "parallel",
          hosts: "all",
          gatherFacts: false,
          handlers: Object.fromEntries(names.map((n) => [n, (h: Host) => h.debug(n)])),
          tasks: async (h) => {
            await Promise.all(names.map((n) => h.copy({ dest: join(dir, n), content: `${n}\n` }, { notify: n })));
            await h.fail("stop before the handlers");
          },
        }),
      ],
    });
    const r = await runSite(
      s,
      inventory,
      { check: false, diff: false, forks: 1, tags: [], skipTags: [], extraVars: {}, verbosity: 0, ssh: defaultSshOptions() },
      { siteDir: dir, emit: () => {}, templates: createTemplateRenderer() },
    );
    expect(r.exitCode).toBe(2);
    const record = JSON.parse(readFileSync(join(dir, "state/pending-handlers/default/localhost.json"), "utf8")) as { pending: { handler: string }[] };
    expect(record.pending.map((p) => p.handler).sort()).toEqual(names);
  });

  it("a host that cannot keep the record is warned about once and converges as before", async () => {
    const t = await setup();
    writeFileSync(join(t.dir, "a-file"), "");
    writeFileSync(join(t.dir, "inventory.yml"), `all:\n  hosts:\n    localhost: { ansible_connection: local, do_converge_state_dir: ${join(t.dir, "a-file/state")} }\n`);
    const r = await t.converge();
    expect(r.result.exitCode).toBe(0);
    expect(r.warnings).toEqual([expect.stringMatching(/^localhost: pending handlers cannot be recorded \(cannot create the directory of .*a-file\/state\/pending-handlers\/default\/localhost\.json: .*\): a handler notified in this play is lost if the run ends before it runs$/)]);
    expect(readFileSync(t.marker, "utf8")).toBe("handled\n");
  });

  it("a do_converge_state_dir that is not an absolute path stops the run before any host is touched", async () => {
    const t = await setup();
    writeFileSync(join(t.dir, "inventory.yml"), "all:\n  hosts:\n    localhost: { ansible_connection: local, do_converge_state_dir: state }\n");
    await expect(t.converge()).rejects.toThrow(ConfigError);
    await expect(t.converge()).rejects.toThrow(/host localhost: do_converge_state_dir \(set at .*inventory\.yml.*\): must be an absolute path, found "state"/);
  });
});
