import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { type Host, play, site } from "../../../src/index.js";
import { JsonReporter } from "../../../src/report/json.js";
import { JunitReporter } from "../../../src/report/junit.js";
import type { RunEvent } from "../../../src/runner/events.js";
import { runSite } from "../../../src/runner/run-site.js";
import { createTemplateRenderer } from "../../../src/runner/templates.js";
import { localRunOptions } from "./local-run-options.js";
import { tempTree } from "../inventory/helpers.js";

// --retry-unreachable's bookkeeping with a host that never answers (an SSH host with no usable
// key: its connect fails at once, touching nothing). That a host which comes back converges is
// the lab's test (test/lab/engine/retry-unreachable.test.ts).

const touch = (dir: string, what: string) => async (h: Host) => {
  await h.copy({ dest: join(dir, `${what}-${h.name}`), content: "x\n" });
};

async function converge(plays: (dir: string) => ReturnType<typeof play>[], retryUnreachable: number) {
  const dir = await tempTree({ "inventory.yml": "" });
  writeFileSync(
    join(dir, "inventory.yml"),
    `all:\n  hosts:\n    localhost: { ansible_connection: local }\n    ghost: { ansible_host: 127.0.0.1, ansible_port: 9, ansible_user: nobody, ansible_ssh_private_key_file: ${join(dir, "no-such-key")} }\n`,
  );
  const events: RunEvent[] = [];
  const json = new JsonReporter();
  const junit = new JunitReporter();
  const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
  const result = await runSite(
    site({ plays: plays(dir) }),
    inventory,
    localRunOptions(dir, { retryUnreachable }),
    {
      siteDir: dir,
      emit: (e) => {
        events.push(e);
        json.handle(e);
        junit.handle(e);
      },
      templates: createTemplateRenderer(),
    },
  );
  const seq = events.flatMap((e) =>
    e.type === "play-start" ? [`play ${e.play}: ${e.hosts.join(",")}`] : e.type === "host-retry" ? [`retry ${e.host} ${e.attempt}/${e.of} from ${e.from}`] : [],
  );
  const warnings = events.flatMap((e) => (e.type === "warning" ? [e.msg] : []));
  return { result, seq, warnings, json: json.report(result.recap, { check: false, exitCode: result.exitCode }), junit: junit.render() };
}

const twoPlays = (dir: string) => [
  play({ name: "one", hosts: "all", gatherFacts: false, tasks: touch(dir, "one") }),
  play({ name: "two", hosts: "all", gatherFacts: false, tasks: touch(dir, "two") }),
];

describe("--retry-unreachable", () => {
  it("0 (the default): an unreachable host is left at once, exit 4", async () => {
    const r = await converge(twoPlays, 0);
    expect(r.result.exitCode).toBe(4);
    expect(r.seq).toEqual(["play one: localhost,ghost", "play two: localhost"]);
    expect(r.result.recap.get("ghost")?.unreachable).toBe(1);
    expect(r.json.retries).toEqual([]);
  });

  it("N: after the last play, the host's missed plays run again for it alone, N times; the recap has it once, in its last state", async () => {
    const r = await converge(twoPlays, 2);
    expect(r.seq).toEqual([
      "play one: localhost,ghost",
      "play two: localhost",
      "retry ghost 1/2 from one",
      "play one: ghost",
      "retry ghost 2/2 from one",
      "play one: ghost",
    ]);
    expect(r.result.exitCode).toBe(4);
    expect([...r.result.recap.keys()]).toEqual(["localhost", "ghost"]);
    expect(r.result.recap.get("ghost")).toMatchObject({ unreachable: 1, ok: 0, failed: 0 });
    expect(r.result.recap.get("localhost")).toMatchObject({ unreachable: 0, changed: 2 });
    expect(r.json.retries).toEqual([
      { host: "ghost", attempt: 1, from_play: "one" },
      { host: "ghost", attempt: 2, from_play: "one" },
    ]);
    // Every try's loss is in the task list; all but the last were tried again.
    const lost = r.json.tasks.filter((t) => t.host === "ghost");
    expect(lost.map((t) => [t.status, t.retried ?? false])).toEqual([
      ["unreachable", true],
      ["unreachable", true],
      ["unreachable", false],
    ]);
    // JUnit: the tries that were retried are skipped; the last one is the error.
    expect(r.junit.match(/<error /g)).toHaveLength(1);
    expect(r.junit).toContain("(tried again later in the run: 2 of 2)");
  });

  it("a batch that only lost hosts is retried before it ends the run; still lost, the run ends there", async () => {
    const r = await converge(
      (dir) => [
        play({ name: "ghost only", hosts: "ghost", gatherFacts: false, tasks: touch(dir, "one") }),
        play({ name: "everyone", hosts: "all", gatherFacts: false, tasks: touch(dir, "two") }),
      ],
      1,
    );
    expect(r.seq).toEqual(["play ghost only: ghost", "retry ghost 1/1 from ghost only", "play ghost only: ghost"]);
    expect(r.result.exitCode).toBe(4);
    expect(r.warnings).toEqual(['play "ghost only" aborted: 1 of 1 hosts failed (every host of the batch failed)']);
  });

  it("a run stopped by a failure retries nobody, and says so", async () => {
    const r = await converge(
      (dir) => [
        play({
          name: "one",
          hosts: "all",
          gatherFacts: false,
          tasks: async (h) => {
            await touch(dir, "one")(h);
            await h.fail("broken");
          },
        }),
        play({ name: "two", hosts: "all", gatherFacts: false, tasks: touch(dir, "two") }),
      ],
      3,
    );
    expect(r.seq).toEqual(["play one: localhost,ghost"]);
    expect(r.result.exitCode).toBe(2);
    expect(r.warnings).toContain("not retried, the run having stopped: ghost");
  });

  it("the option takes a whole number: anything else is a usage error, exit 1", () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const bin = new URL("../../../src/cli/bin.ts", import.meta.url).pathname;
    for (const bad of ["-1", "two", "1.5"]) {
      const r = spawnSync(process.execPath, ["--import", tsx, bin, "site.ts", "--retry-unreachable", bad], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toContain(`option '--retry-unreachable <n>' argument '${bad}' is invalid. not a whole number (0 or more)`);
    }
  }, 60_000);
});
