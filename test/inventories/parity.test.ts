import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/report/unified-diff.js";
import { listWithAnsible, type Listing } from "./harness/ansible.js";
import { loadCases } from "./harness/cases.js";
import { listOurs } from "./harness/ours.js";
import { knownDifferences } from "./known-differences.js";

// The differential inventory test: every case under corpus/ listed by `ansible-inventory --list`
// and by `do-converge inventory --list`, compared as JSON (keys sorted, list order kept, as
// Ansible's output sorts keys and keeps the order of hosts and children).

const cases = loadCases(new URL("./corpus/", import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), "dcv-inventory-parity-"));
const ansible = new Map<string, Listing>();
const ours = new Map<string, Listing>();
const identical = new Set<string>();

beforeAll(async () => {
  for (const c of cases) {
    ansible.set(c.name, await listWithAnsible(c, work));
    ours.set(c.name, await listOurs(c));
  }
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** JSON with every object's keys sorted, one value per line: a stable text to diff. */
function canonical(v: unknown): string {
  const sort = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sort);
    if (x !== null && typeof x === "object") {
      return Object.fromEntries(Object.keys(x).sort().map((k) => [k, sort((x as Record<string, unknown>)[k])]));
    }
    return x;
  };
  return `${JSON.stringify(sort(v), null, 2)}\n`;
}

/** "" when the two agree; else what differs, for a human. */
function difference(name: string, fails: boolean): string {
  const a = ansible.get(name);
  const o = ours.get(name);
  if (a === undefined || o === undefined) return "not listed";
  if (fails) {
    if (a.ok) return `ansible-inventory accepted it, expected a failure:\n${canonical(a.json)}`;
    if (o.ok) return `do-converge accepted it, ansible-inventory failed (${a.error}):\n${canonical(o.json)}`;
    if (!/:\d+(:\d+)?: /.test(o.error)) return `do-converge's error has no file:line: ${o.error}`;
    return "";
  }
  if (!a.ok && !o.ok) return `both failed\n  Ansible: ${a.error}\n  do-converge: ${o.error}`;
  if (!a.ok) return `ansible-inventory failed: ${a.error}`;
  if (!o.ok) return `do-converge failed: ${o.error}`;
  return unifiedDiff(canonical(a.json), canonical(o.json), { from: `ansible-inventory/${name}`, to: `do-converge/${name}` });
}

describe("inventory --list equals ansible-inventory --list", () => {
  it.each(cases)("$name", (c) => {
    const diff = difference(c.name, c.fails);
    if (diff === "") identical.add(c.name);
    if (knownDifferences[c.name] !== undefined) {
      expect(diff, `${c.name} now matches Ansible: delete it from known-differences.ts`).not.toBe("");
      return;
    }
    expect(diff === "" ? "" : `\n${diff}`, `${c.name} differs from Ansible`).toBe("");
  });

  it("parity figure; every known difference names a case", () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(knownDifferences).filter((n) => !names.has(n))).toEqual([]);
    console.log(`inventory parity with ansible-core: ${identical.size}/${cases.length} cases identical`);
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });
});
