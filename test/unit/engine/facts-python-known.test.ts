import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { play, site } from "../../../src/index.js";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { runSite } from "../../../src/runner/run-site.js";
import { createTemplateRenderer } from "../../../src/runner/templates.js";
import { tempTree } from "../inventory/helpers.js";
import { localRunOptions } from "./local-run-options.js";

// The python facts of a host whose /usr/bin/python3 is unchanged come from the fast path's record
// (src/facts/known-python.ts): a run learns the report with the binary's stamp, the next run's
// gather does not run python3 while the stamp is the same. Over the local connection, on this
// machine's own /usr/bin/python3 (ansible-core's, which the test suites need in every case); which
// report a run used shows in the facts, because the test edits the recorded one.

async function converge(dir: string, probesFile: string) {
  const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
  let seen: unknown;
  const r = await runSite(
    site({ plays: [play({ name: "p", hosts: "all", tasks: async (h) => void (seen = h.facts.ansible.facts.python) })] }),
    inventory,
    localRunOptions(dir),
    { siteDir: dir, emit: () => undefined, templates: createTemplateRenderer(), probesFile },
  );
  expect(r.exitCode).toBe(0);
  return seen as { version_info?: unknown[] } | undefined;
}

describe("python facts of an unchanged python3 come from the record", () => {
  it("learns the report with the stamp, answers from it while the stamp holds, runs python3 again when it does not", async () => {
    const dir = await tempTree({ "inventory.yml": "all:\n  vars: { ansible_connection: local }\n  hosts: { a: {} }\n" });
    const probes = join(dir, "probes.json");
    const first = await converge(dir, probes);
    expect(first?.version_info?.[0]).toBe(3);
    const record = JSON.parse(readFileSync(probes, "utf8")) as { python: Record<string, { stamp: string; probe: string }> };
    const known = record.python.a;
    expect(known?.stamp).toMatch(/^\d+( \d+){4}$/);

    // A report no python3 gives, under the binary's own stamp: the next gather takes it.
    const edited = { ...record, python: { a: { stamp: known?.stamp, probe: known?.probe.replace(/"version_info": \[3,/, '"version_info": [9,') } } };
    writeFileSync(probes, JSON.stringify(edited));
    expect((await converge(dir, probes))?.version_info?.[0]).toBe(9);

    // Under another stamp (as after an upgrade) the gather runs python3 and its report replaces the known one.
    writeFileSync(probes, JSON.stringify({ ...edited, python: { a: { stamp: "1 2 3 4 5", probe: edited.python.a.probe } } }));
    expect((await converge(dir, probes))?.version_info?.[0]).toBe(3);
    expect((JSON.parse(readFileSync(probes, "utf8")) as typeof record).python.a).toEqual(known);
  });
});

