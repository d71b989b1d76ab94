import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, explain, total } from "./harness.js";

const skip = labSkipReason();
const HOSTS = ["db1", "db2", "db3", "web1"];
const DIR = "/srv/dcv-runner";

// Sites exercising the runner's semantics, one per test.
const HEADER = `import { site, play } from "$DSL";\nconst DIR = "${DIR}";\n`;
const prepare = `play({ name: "prepare", hosts: "all", become: true, gatherFacts: false, tasks: async (h) => { await h.file({ path: DIR, state: "directory" }); } })`;
const SITES = {
  "serial.ts": `${HEADER}
export default site({
  inventory: ["inventory.yml"],
  plays: [
    ${prepare},
    play({
      name: "serial",
      hosts: "all",
      become: true,
      serial: [1, "50%"],
      gatherFacts: false,
      tasks: async (h) => {
        // Each host appends "<host> start/end" to a file on db1: batches must not interleave.
        await h.shell({ cmd: "echo " + h.name + " start >> " + DIR + "/serial.log; sleep 0.3; echo " + h.name + " end >> " + DIR + "/serial.log" }, { delegateTo: "db1" });
      },
    }),
  ],
});
`,
  "features.ts": `${HEADER}
export default site({
  inventory: ["inventory.yml"],
  plays: [
    ${prepare},
    play({
      name: "features",
      hosts: "all",
      become: true,
      tasks: async (h) => {
        await h.runOnce("stamp", () => h.shell({ cmd: "echo " + h.name + " >> " + DIR + "/once.log" }, { delegateTo: "db1" }));
        const r = await h.shell({ cmd: "echo hello; echo oops >&2" }, { changedWhen: false });
        if (r.stdout !== "hello" || r.stderr !== "oops") await h.fail("register gave " + JSON.stringify(r));
        await h.shell({ cmd: "exit 3" }, { failedWhen: (x) => x.rc > 3, changedWhen: false });
        const ignored = await h.shell({ cmd: "exit 1" }, { ignoreErrors: true });
        if (!ignored.failed) await h.fail("ignored failure not reported");
        const counter = DIR + "/tries-" + h.name;
        await h.shell({ cmd: "rm -f " + counter }, { changedWhen: false });
        await h.shell({ cmd: "echo x >> " + counter + "; wc -l < " + counter }, { retries: 5, delay: 0, until: (x) => x.stdout.trim() === "3", changedWhen: false });
        await h.block(
          async () => {
            await h.shell({ cmd: "echo in-block > " + DIR + "/block-" + h.name });
            await h.shell({ cmd: "exit 7" });
            await h.shell({ cmd: "echo never > " + DIR + "/never-" + h.name });
          },
          {
            rescue: async () => {
              await h.shell({ cmd: "echo rescued >> " + DIR + "/block-" + h.name });
            },
            always: async () => {
              await h.shell({ cmd: "echo always >> " + DIR + "/block-" + h.name });
            },
          },
        );
        await h.shell({ cmd: "echo never-tagged > " + DIR + "/never-tag" }, { tags: ["never"] });
        await h.shell({ cmd: "echo s3cr3t-value; echo s3cr3t-value >&2; exit 1" }, { noLog: true, ignoreErrors: true });
        await h.copy({ dest: DIR + "/hidden", content: "s3cr3t-value\\n" }, { noLog: true });
        await h.shell({ cmd: "echo " + h.name + " > " + String(h.vars.local_dir) + "/from-" + h.name }, { delegateTo: "localhost", become: false });
      },
    }),
  ],
});
`,
  "fatal.ts": `${HEADER}
export default site({
  inventory: ["inventory.yml"],
  plays: [
    ${prepare},
    play({
      name: "fatal",
      hosts: "all",
      become: true,
      gatherFacts: false,
      anyErrorsFatal: true,
      tasks: async (h) => {
        if (h.name === "db2") await h.shell({ cmd: "exit 1" });
        await h.shell({ cmd: "sleep 1; touch " + DIR + "/after-fatal-" + h.name });
        await h.shell({ cmd: "touch " + DIR + "/after-fatal-2-" + h.name });
      },
    }),
    play({ name: "never reached", hosts: "all", gatherFacts: false, tasks: async (h) => { await h.shell({ cmd: "true" }); } }),
  ],
});
`,
  "maxfail.ts": `${HEADER}
export default site({
  inventory: ["inventory.yml"],
  plays: [
    ${prepare},
    play({
      name: "maxfail",
      hosts: "all",
      become: true,
      gatherFacts: false,
      serial: 2,
      maxFailPercentage: 40,
      handlers: { "mark": (h) => h.shell({ cmd: "echo handled >> " + DIR + "/handled-" + h.name }) },
      tasks: async (h) => {
        await h.shell({ cmd: "true" }, { notify: "mark" });
        await h.flushHandlers();
        // The handler ran before this task, not at the end of the play.
        await h.shell({ cmd: "cat " + DIR + "/handled-" + h.name + " > " + DIR + "/seen-" + h.name });
        if (h.name === "db2") await h.fail("db2 fails on purpose");
      },
    }),
  ],
});
`,
};

describe.skipIf(skip !== undefined)("runner semantics on real hosts", () => {
  const lab = Lab.fromFile();
  let site: TestSite;
  const root = new RootShells(lab);
  const sh = (name: string, cmd: string) => root.run(name, cmd);

  beforeAll(async () => {
    await lab.up();
    for (const h of HOSTS) await sh(h, `rm -rf ${DIR}`);
    site = new TestSite(lab, SITES, HOSTS);
  });
  afterAll(async () => {
    for (const h of HOSTS) await sh(h, `rm -rf ${DIR}`).catch(() => "");
    root.close();
    site.remove();
  });

  it("serial batches [1, 50%] run one after another, delegated to one host", async () => {
    const r = await site.converge([], { site: "serial.ts" });
    expect(r.code, explain(r)).toBe(0);
    const log = (await sh("db1", `cat ${DIR}/serial.log`)).trim().split("\n");
    // Batch 1: db1 alone; batch 2: two hosts (50% of 4); batch 3: the last host.
    expect(log.slice(0, 2)).toEqual(["db1 start", "db1 end"]);
    expect(new Set(log.slice(2, 6).map((l) => l.split(" ")[0]))).toEqual(new Set(["db2", "db3"]));
    expect(log.slice(2, 4).every((l) => l.endsWith("start"))).toBe(true);
    expect(log.slice(6)).toEqual(["web1 start", "web1 end"]);
    expect(r.stdout).toContain("-- batch 3/3: web1");
  });

  it("runOnce, register, changedWhen, failedWhen, ignoreErrors, retries/until, block/rescue/always, never, delegate to localhost", async () => {
    const r = await site.converge(["-e", `local_dir=${site.dir}`, "-vvv", "--diff"], { site: "features.ts" });
    expect(r.code, explain(r)).toBe(0);
    // noLog hides output, errors, diffs and the commands themselves, even at -vvv.
    expect(r.stdout).not.toContain("s3cr3t");
    expect(JSON.stringify(r.report)).not.toContain("s3cr3t");
    expect(r.stdout).toContain("(details hidden: noLog)");
    expect((await sh("db1", `cat ${DIR}/once.log`)).trim().split("\n")).toHaveLength(1);
    for (const h of HOSTS) {
      expect(await sh(h, `cat ${DIR}/block-${h}; ls ${DIR}/never-${h} 2>/dev/null || echo none`)).toBe("in-block\nrescued\nalways\nnone\n");
      expect(await sh(h, `wc -l < ${DIR}/tries-${h}`)).toBe("3\n");
      expect(r.report?.recap[h]?.rescued).toBe(1);
      expect(r.report?.recap[h]?.ignored).toBe(2); // exit 1, and the noLog exit 1
      expect(r.report?.recap[h]?.failed).toBe(0);
    }
    expect(await sh("db1", `ls ${DIR}/never-tag 2>/dev/null || echo none`)).toBe("none\n");
    for (const h of HOSTS) expect(readFileSync(join(site.dir, `from-${h}`), "utf8")).toBe(`${h}\n`);
  });

  it("flushHandlers runs notified handlers at once; maxFailPercentage stops the next batches; -vvv shows commands", async () => {
    const r = await site.converge(["-vvv"], { site: "maxfail.ts" });
    expect(r.code, explain(r)).toBe(2);
    // Batch 1 (db1, db2): 1 of 2 failed = 50% > 40%: db3 and web1 never ran.
    expect(Object.keys(r.report?.recap ?? {}).sort()).toEqual([...HOSTS].sort());
    for (const h of ["db1", "db2"]) expect(await sh(h, `cat ${DIR}/seen-${h}`)).toBe("handled\n");
    for (const h of ["db3", "web1"]) expect(await sh(h, `ls ${DIR}/handled-${h} 2>/dev/null || echo none`)).toBe("none\n");
    expect(r.stdout).toMatch(/aborted: 1 of 2 hosts failed \(maxFailPercentage 40\)/);
    expect(r.stdout).toMatch(/<db1> \(become root\) echo handled >> \/srv\/dcv-runner\/handled-db1/);
  });

  it("anyErrorsFatal stops every host when one fails; exit code 2", async () => {
    const r = await site.converge([], { site: "fatal.ts" });
    expect(r.code, explain(r)).toBe(2);
    expect(r.report?.recap.db2?.failed).toBe(1);
    expect(total(r, "failed")).toBe(1);
    expect(r.stdout).toMatch(/aborted: .*anyErrorsFatal/);
    // The others finished the task they were in, then stopped before their next one.
    for (const h of HOSTS) expect(await sh(h, `ls ${DIR}/after-fatal-2-${h} 2>/dev/null || echo none`)).toBe("none\n");
    expect(r.stdout).not.toContain("PLAY [never reached]");
  });
});
