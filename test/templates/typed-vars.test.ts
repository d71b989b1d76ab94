import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFacts } from "./harness/facts.js";
import type { Rendering } from "./harness/ours.js";
import { loadRoleCases } from "./harness/roles.js";
import { type TypedCase, ansibleValues, ourValues, typedCase } from "./harness/typed-vars.js";
import { typedKnownDifferences } from "./typed-known-differences.js";

// Typed differential test of variables whose values are templates (see harness/typed-vars.ts):
// every default variable of every vendored real role, evaluated on the real-role test's host (and
// inventory), whose group_vars and
// -e override what those defaults read, printed as JSON by ansible-core and by do-converge and
// compared byte for byte. A variable both tools refuse (a name only the role's tasks set) agrees.

const fixtures = new URL("../fixtures/", import.meta.url).pathname;
const facts = loadFacts(join(fixtures, "facts", "debian12.json"));
const roles = readdirSync(join(fixtures, "roles"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
// Each role on the host, inventory and peers of the real-role template test.
const settings = new Map(loadRoleCases(join(fixtures, "roles"), new URL("./roles/", import.meta.url).pathname).map((c) => [c.role, c]));
const work = mkdtempSync(join(tmpdir(), "dcv-typed-vars-"));
const cases: TypedCase[] = [];
const ansible = new Map<string, Rendering>();
const ours = new Map<string, Rendering>();

beforeAll(async () => {
  for (const role of roles) {
    let c: TypedCase;
    try {
      c = typedCase(join(fixtures, "roles", role), role, settings.get(role) ?? { host: "h1", peerFacts: {} }, facts, work);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw e;
    }
    cases.push(c);
  }
  // Two ansible-playbook runs at a time: the machine has two cores.
  for (let i = 0; i < cases.length; i += 2) {
    const batch = cases.slice(i, i + 2);
    const results = await Promise.all(batch.map((c) => ansibleValues(c, work)));
    batch.forEach((c, j) => {
      for (const [n, r] of results[j] ?? []) ansible.set(`${c.role}/${n}`, r);
    });
  }
  for (const c of cases) for (const [n, r] of await ourValues(c)) ours.set(`${c.role}/${n}`, r);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

function difference(key: string): string {
  const a = ansible.get(key);
  const o = ours.get(key);
  if (a === undefined || o === undefined) return "not evaluated";
  if (!a.ok && !o.ok) return "";
  if (!a.ok) return `Ansible failed: ${a.error}\n  do-converge: ${o.ok ? o.output : ""}`;
  if (!o.ok) return `do-converge failed: ${o.error}\n  Ansible: ${a.output}`;
  return a.output === o.output ? "" : `\n  Ansible:     ${a.output}\n  do-converge: ${o.output}`;
}

describe("role defaults that are templates evaluate to the same JSON as in ansible-core", () => {
  it("every default of every role", () => {
    expect(cases.length).toBeGreaterThan(0);
    const unexpected: string[] = [];
    let same = 0;
    let total = 0;
    let bothFail = 0;
    for (const c of cases) {
      for (const n of c.names) {
        const key = `${c.role}/${n}`;
        total++;
        const diff = difference(key);
        if (diff === "") {
          same++;
          if (ansible.get(key)?.ok === false) bothFail++;
          if (typedKnownDifferences[key] !== undefined) unexpected.push(`${key} now matches Ansible: delete it from typed-known-differences.ts`);
        } else if (typedKnownDifferences[key] === undefined) {
          unexpected.push(`${key} (overrides ${JSON.stringify(c.overridden)}): ${diff}`);
        }
      }
    }
    console.log(`typed variable parity with ansible-core: ${same}/${total} role defaults identical as JSON (${bothFail} refused by both; ${cases.length} roles)`);
    expect(unexpected.join("\n")).toBe("");
  });
});
