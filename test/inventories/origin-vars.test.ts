import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadInventory, resolveHostVars } from "../../src/inventory/index.js";
import { inventorySource } from "../../src/inventory/source-factory.js";
import { originVarsWithAnsible, type OriginVars } from "./harness/ansible.js";
import { loadCases } from "./harness/cases.js";

// inventory_file and inventory_dir, which Ansible gives every host from the source that names it
// first (and ansible-inventory hides, so parity.test.ts cannot see them): compared per host with
// what Ansible's tasks see, over the corpus and a few path shapes of its own.

const work = mkdtempSync(join(tmpdir(), "dcv-inventory-origin-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function ours(sources: readonly string[]): Promise<OriginVars> {
  const inv = await loadInventory({ sources: sources.map((s) => inventorySource(s)) });
  const out: OriginVars = {};
  for (const h of inv.hosts) {
    const v = resolveHostVars(inv, h.name).values;
    out[h.name] = [v["inventory_file"] ?? "UNDEF", v["inventory_dir"] ?? "UNDEF"];
  }
  return out;
}

describe("inventory_file / inventory_dir equal Ansible's", () => {
  const cases = loadCases(new URL("./corpus/", import.meta.url).pathname).filter((c) => !c.fails);
  it.each(cases)("$name", async (c) => {
    const ansible = await originVarsWithAnsible(c.sources, join(work, c.name));
    expect(Object.keys(ansible).length).toBeGreaterThan(0);
    expect(await ours(c.sources)).toEqual(ansible);
  });

  it("a path with '..' through a symlinked directory, an explicit inventory_dir, host_vars/ over both", async () => {
    const root = join(work, "shapes");
    const files: Record<string, string> = {
      "real/inv/10-first": "[web]\nw1\nw2 inventory_dir=/elsewhere\n",
      "real/inv/20-second.yml": "all:\n  hosts:\n    w1:\n      x: 1\n    w3:\n",
      "real/inv/host_vars/w3.yml": "inventory_file: from-host-vars\n",
      "real/other.ini": "[db]\nd1\nw1\n",
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(root, name, ".."), { recursive: true });
      writeFileSync(join(root, name), text);
    }
    symlinkSync(join(root, "real"), join(root, "link"));
    const sources = [`${root}/link/../link/inv`, `${root}/./real/other.ini`, "solo,w1"];
    const ansible = await originVarsWithAnsible(sources, join(work, "shapes-ansible"));
    expect(ansible["w3"]?.[0]).toBe("from-host-vars");
    expect(ansible["solo"]).toEqual(["solo,w1", "None"]);
    expect(await ours(sources)).toEqual(ansible);
  });
});
