import { existsSync, readFileSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { type Host, play, site } from "../../../src/index.js";
import type { RunEvent, TaskEnd } from "../../../src/runner/events.js";
import { runSite } from "../../../src/runner/run-site.js";
import { createTemplateRenderer } from "../../../src/runner/templates.js";
import { SecretMasker } from "../../../src/secrets/masker.js";
import { localRunOptions } from "../engine/local-run-options.js";
import { tempTree } from "../inventory/helpers.js";

// The fast path over the local connection (real shells, real files): what the probes of a run
// read is learnt, the next run fetches it in one batch per host's play and answers the probes from
// it until something is applied. The lab tests (test/lab/engine/fast-path.test.ts) do the same over
// SSH with become.

type Tasks = (h: Host, dir: string) => Promise<void>;

async function setup() {
  const dir = await tempTree({ "inventory.yml": "all:\n  vars: { ansible_connection: local }\n  hosts: { a: {}, b: {} }\n", "work/": "" });
  const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
  const probesFile = join(dir, "cache", "probes.json");
  const converge = async (tasks: Tasks, o: { check?: boolean; diff?: boolean; fastPath?: boolean; secrets?: SecretMasker; tags?: string[] } = {}) => {
    const events: RunEvent[] = [];
    const result = await runSite(
      site({ name: "fast", plays: [play({ name: "p", hosts: "all", gatherFacts: false, tasks: (h) => tasks(h, join(dir, "work", h.name)) })] }),
      inventory,
      localRunOptions(dir, { check: o.check ?? false, diff: o.diff ?? false, tags: o.tags ?? [], ...(o.fastPath === false ? { noFastPath: true } : {}) }),
      { siteDir: dir, emit: (e) => events.push(e), templates: createTemplateRenderer(), probesFile, ...(o.secrets ? { secrets: o.secrets } : {}) },
    );
    const tasks_ = events.filter((e): e is TaskEnd => e.type === "task-end");
    const lines = tasks_.map((e) => `${e.host} ${e.task} ${e.status}${e.summary ? ` ${e.summary}` : ""}${e.msg ? ` ${e.msg}` : ""}`).sort();
    const diffs = tasks_.filter((e) => e.diffs).map((e) => ({ host: e.host, task: e.task, diffs: e.diffs })).sort((x, y) => `${x.host}${x.task}`.localeCompare(`${y.host}${y.task}`));
    const changed = tasks_.filter((e) => e.status === "changed").map((e) => `${e.host} ${e.task}`).sort();
    return { result, lines, diffs, changed, counts: result.fastPath };
  };
  return { dir, converge, probesFile, work: (host: string) => join(dir, "work", host) };
}

const files: Tasks = async (h, dir) => {
  await h.file({ path: dir, state: "directory", mode: "0755" });
  await h.copy({ content: "a\n", dest: `${dir}/x.conf`, mode: "0644" });
  // Holds once copy has written the file: reading it before copy's change would add the line again.
  await h.lineinfile({ path: `${dir}/x.conf`, line: "a" });
  await h.lineinfile({ path: `${dir}/y.ini`, regexp: "^port=", line: "port=8080", create: true });
};

describe("the fast path", { timeout: 120_000 }, () => {
  it("learns a run's reads; the next no-op run answers every probe from one snapshot per host", async () => {
    const t = await setup();
    const first = await t.converge(files);
    expect(first.result.exitCode).toBe(0);
    expect(first.counts).toMatchObject({ answered: 0, snapshots: 0 });
    const second = await t.converge(files);
    expect(second.changed).toEqual([]);
    expect(second.counts?.snapshots).toBe(2);
    expect(second.counts?.live).toBe(0);
    expect(second.counts?.answered).toBeGreaterThanOrEqual(8);
    expect(statSync(t.probesFile).mode & 0o777).toBe(0o600);
  });

  it("drift made between runs is seen, and a change invalidates what later tasks read", async () => {
    const t = await setup();
    await t.converge(files);
    await t.converge(files);
    // Drift: x.conf rewritten by someone else. copy puts it back (a change), and the lineinfile
    // after it must read the file copy wrote, not the snapshot's "z": else it adds its line again.
    writeFileSync(join(t.work("a"), "x.conf"), "z\n");
    const third = await t.converge(files);
    expect(third.changed).toEqual([`a copy ${join(t.work("a"), "x.conf")}`]);
    expect(readFileSync(join(t.work("a"), "x.conf"), "utf8")).toBe("a\n");
    expect(third.counts?.live).toBeGreaterThan(0);
    const fourth = await t.converge(files);
    expect(fourth.changed).toEqual([]);
    expect(fourth.counts?.live).toBe(0);
  });

  it("--check and --diff answer as the slow path does", async () => {
    const t = await setup();
    await t.converge(files);
    await t.converge(files);
    writeFileSync(join(t.work("b"), "x.conf"), "z\n");
    writeFileSync(join(t.work("a"), "y.ini"), "port=1\n");
    const fast = await t.converge(files, { check: true, diff: true });
    const slow = await t.converge(files, { check: true, diff: true, fastPath: false });
    // --diff reads the files' content too, which the runs before did not: those reads are live.
    expect(fast.counts?.answered).toBeGreaterThan(fast.counts?.live ?? Number.POSITIVE_INFINITY);
    expect(slow.counts).toBeUndefined();
    expect(fast.lines).toEqual(slow.lines);
    expect(fast.diffs).toEqual(slow.diffs);
    // b's copy and lineinfile (it reads the file as it is: check mode applies nothing), a's y.ini.
    expect(fast.changed.length).toBe(3);
    // Check mode changed nothing.
    expect(readFileSync(join(t.work("b"), "x.conf"), "utf8")).toBe("z\n");
  });

  it("learns no read that names a secret, nor a noLog task's", async () => {
    const t = await setup();
    const secrets = new SecretMasker();
    secrets.add("hunter2-secret-dir");
    const tasks: Tasks = async (h, dir) => {
      await h.file({ path: dir, state: "directory" });
      await h.file({ path: `${dir}/hunter2-secret-dir`, state: "directory" });
      await h.file({ path: `${dir}/hidden`, state: "directory" }, { noLog: true });
    };
    await t.converge(tasks, { secrets });
    const text = readFileSync(t.probesFile, "utf8");
    expect(text).toContain(t.work("a"));
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("hidden");
    const again = await t.converge(tasks, { secrets });
    expect(again.changed).toEqual([]);
    expect(again.counts?.live).toBe(4);
  });

  it("a retried task (until) reads the host again, not the snapshot", async () => {
    const t = await setup();
    const tasks: Tasks = async (h, dir) => {
      await h.file({ path: dir, state: "directory" });
      await h.stat({ path: `${dir}/flag` });
    };
    await t.converge(tasks);
    let tries = 0;
    const waiting: Tasks = async (h, dir) => {
      await h.file({ path: dir, state: "directory" });
      const r = await h.stat(
        { path: `${dir}/flag` },
        {
          until: (res) => {
            tries++;
            // The flag appears after the first look: only a live read can see it.
            if (!res.exists) writeFileSync(`${dir}/flag`, "");
            return res.exists;
          },
          retries: 2,
          delay: 0,
        },
      );
      expect(r.exists).toBe(true);
    };
    const r = await t.converge(waiting);
    expect(r.lines.filter((l) => l.includes("failed"))).toEqual([]);
    expect(r.result.exitCode).toBe(0);
    expect(tries).toBe(4);
  });

  it("records no run has written for 30 days are removed (sites moved or gone)", async () => {
    const t = await setup();
    await t.converge(files);
    const dir = join(t.dir, "cache");
    const old = join(dir, "0123.json");
    const recent = join(dir, "4567.json");
    for (const f of [old, recent]) writeFileSync(f, "{}");
    utimesSync(old, new Date(Date.now() - 31 * 86400_000), new Date(Date.now() - 31 * 86400_000));
    utimesSync(recent, new Date(Date.now() - 29 * 86400_000), new Date(Date.now() - 29 * 86400_000));
    await t.converge(files);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(existsSync(t.probesFile)).toBe(true);
  });

  it("a command that only reads (readsOnly) leaves the snapshot standing; any other command ends it", async () => {
    const t = await setup();
    const withCommand = (readsOnly: boolean): Tasks => async (h, dir) => {
      await h.file({ path: dir, state: "directory" });
      const r = await h.command({ argv: ["cat", `${dir}/x.conf`] }, readsOnly ? { readsOnly: true, failedWhen: false } : { changedWhen: false, failedWhen: false });
      await h.debug(r.stdout);
      await h.copy({ content: "a\n", dest: `${dir}/x.conf` });
      await h.lineinfile({ path: `${dir}/y.ini`, line: "k=v", create: true });
    };
    await t.converge(withCommand(true));
    const reads = await t.converge(withCommand(true));
    expect(reads.changed).toEqual([]);
    expect(reads.counts?.live).toBe(0);
    // readsOnly runs in check mode too, and is never changed.
    const checked = await t.converge(withCommand(true), { check: true });
    expect(checked.lines.filter((l) => l.includes(" command ")).every((l) => l.endsWith(" ok"))).toBe(true);
    const other = await t.converge(withCommand(false));
    expect(other.changed).toEqual([]);
    // After the command, each host's copy and lineinfile read the host: 2 reads of each on 2 hosts at least.
    expect(other.counts?.live).toBeGreaterThanOrEqual(4);
  });

  it("a run that tags cut short keeps what the last run read beyond it: the next full run is answered whole", async () => {
    const t = await setup();
    const tagged: Tasks = async (h, dir) => {
      await h.file({ path: dir, state: "directory" }, { tags: ["dir"] });
      await h.copy({ content: "a\n", dest: `${dir}/x.conf` });
      await h.lineinfile({ path: `${dir}/y.ini`, line: "k=v", create: true });
    };
    await t.converge(tagged);
    const some = await t.converge(tagged, { tags: ["dir"] });
    expect(some.changed).toEqual([]);
    const whole = await t.converge(tagged);
    expect(whole.changed).toEqual([]);
    expect(whole.counts?.live).toBe(0);
    expect(whole.counts?.answered).toBeGreaterThanOrEqual(6);
  });

  it("a recording that is not ours is ignored: every read is made live", async () => {
    const t = await setup();
    await t.converge(files);
    writeFileSync(t.probesFile, "{not json");
    const r = await t.converge(files);
    expect(r.changed).toEqual([]);
    expect(r.counts).toMatchObject({ answered: 0, snapshots: 0 });
    expect(JSON.parse(readFileSync(t.probesFile, "utf8"))).toMatchObject({ version: 1 });
  });
});
