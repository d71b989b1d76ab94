import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/report/unified-diff.js";
import { renderRolesWithAnsible } from "./harness/ansible-roles.js";
import { hostsInventory, loadFacts, writeFactCache } from "./harness/facts.js";
import { type Rendering, renderOursWith } from "./harness/ours.js";
import { loadRoleCases, varsFilesOf } from "./harness/roles.js";
import { causes, roleKnownDifferences } from "./roles-known-differences.js";

// The real-role differential test: every template of the public Ansible roles vendored under
// test/fixtures/roles/, rendered with the role's own defaults and vars on a Debian 12 host (the
// facts of test/fixtures/facts/debian12.json) by ansible-core inside the role, and by do-converge's
// `template render` with the same variables as --vars files; compared byte for byte. Unlike the
// parity corpus, nobody wrote these templates for this test: the figure measures what an Ansible
// user's templates get.

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const cases = loadRoleCases(join(fixtures, "roles"), new URL("./roles/", import.meta.url).pathname);
const facts = loadFacts(join(fixtures, "facts", "debian12.json"));
const work = mkdtempSync(join(tmpdir(), "dcv-role-parity-"));
const ansible = new Map<string, Rendering>();
const ours = new Map<string, Rendering>();
const identical = new Set<string>();

beforeAll(async () => {
  for (const [name, r] of await renderRolesWithAnsible(cases, facts, join(work, "ansible"))) ansible.set(name, r);
  const inventories = new Map<string, { inventory: string; factsCache: string }>();
  for (const c of cases) {
    let sources = inventories.get(c.role);
    if (sources === undefined) {
      const hosts = { ...c.peerFacts, [c.host]: facts };
      sources = { inventory: join(work, `hosts-${c.role}.yml`), factsCache: join(work, `facts-${c.role}`) };
      writeFileSync(sources.inventory, hostsInventory(Object.keys(hosts)));
      writeFactCache(sources.factsCache, hosts);
      inventories.set(c.role, sources);
    }
    const options = { vars: varsFilesOf(c), inventory: [...(c.inventory ? [c.inventory] : []), sources.inventory], host: c.host, factsCache: sources.factsCache };
    ours.set(c.name, await renderOursWith(join(c.roleDir, "templates", c.path), options));
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** "" when the two agree; else what differs, for a human. Both failing is a difference too: the case lacks variables. */
function difference(name: string): string {
  const a = ansible.get(name);
  const o = ours.get(name);
  if (a === undefined || o === undefined) return "not rendered";
  if (!a.ok && !o.ok) return `both failed (give the case the variables the role sets)\n  Ansible: ${a.error}\n  do-converge: ${o.error}`;
  if (!a.ok) return `Ansible failed: ${a.error}`;
  if (!o.ok) return `do-converge failed: ${o.error}`;
  return unifiedDiff(a.output, o.output, { from: `ansible/${name}`, to: `do-converge/${name}` });
}

describe("real roles' templates render byte-identical to ansible-core's", () => {
  it.each(cases)("$name", (c) => {
    const diff = difference(c.name);
    if (diff === "") identical.add(c.name);
    if (roleKnownDifferences[c.name] !== undefined) {
      expect(diff, `${c.name} now matches Ansible: delete it from roles-known-differences.ts`).not.toBe("");
      return;
    }
    expect(diff === "" ? "" : `\n${diff}`, `${c.name} differs from Ansible`).toBe("");
  });

  it("parity figure; every known difference names a template", () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(roleKnownDifferences).filter((n) => !names.has(n))).toEqual([]);
    const roles = new Set(cases.map((c) => c.role));
    console.log(`real-role template parity with ansible-core: ${identical.size}/${cases.length} identical (every template of ${roles.size} public roles)`);
    const counts = new Map<string, number>();
    for (const d of Object.values(roleKnownDifferences)) for (const cause of d.causes) counts.set(cause, (counts.get(cause) ?? 0) + 1);
    for (const [cause, n] of [...counts].sort((x, y) => y[1] - x[1])) console.log(`  ${n} differ by: ${causes[cause as keyof typeof causes]}`);
    expect(cases.length).toBeGreaterThan(0);
  });
});
