import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unifiedDiff } from "../../src/report/unified-diff.js";
import { renderWithAnsible } from "./harness/ansible.js";
import { loadCases } from "./harness/cases.js";
import { type Rendering, renderOurs } from "./harness/ours.js";
import { knownDifferences } from "./known-differences.js";

// The differential template test: every case under cases/ rendered by do-converge and by
// ansible-core's template module, compared byte for byte (see harness/ for how).

const cases = loadCases(new URL("./cases/", import.meta.url).pathname);
const work = mkdtempSync(join(tmpdir(), "dcv-parity-"));
const ansible = new Map<string, Rendering>();
const ours = new Map<string, Rendering>();
const identical = new Set<string>();

beforeAll(async () => {
  for (const [name, r] of await renderWithAnsible(cases, work)) ansible.set(name, r);
  for (const c of cases) ours.set(c.name, await renderOurs(c));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** "" when the two agree; else what differs, for a human. */
function difference(name: string, fails: boolean): string {
  const a = ansible.get(name);
  const o = ours.get(name);
  if (a === undefined || o === undefined) return "not rendered";
  if (fails) {
    if (a.ok) return `Ansible rendered it, expected a failure:\n${a.output}`;
    if (o.ok) return `do-converge rendered it, Ansible failed (${a.error}):\n${o.output}`;
    if (!/:\d+:\d+: /.test(o.error)) return `do-converge's error has no template:line:col: ${o.error}`;
    return "";
  }
  if (!a.ok && !o.ok) return `both failed\n  Ansible: ${a.error}\n  do-converge: ${o.error}`;
  if (!a.ok) return `Ansible failed: ${a.error}`;
  if (!o.ok) return `do-converge failed: ${o.error}`;
  return unifiedDiff(a.output, o.output, { from: `ansible/${name}`, to: `do-converge/${name}` });
}

describe("templates render byte-identical to ansible-core's template module", () => {
  it.each(cases)("$name", (c) => {
    const diff = difference(c.name, c.fails);
    if (diff === "") identical.add(c.name);
    const known = knownDifferences[c.name];
    if (known !== undefined) {
      expect(diff, `${c.name} now matches Ansible: delete it from known-differences.ts`).not.toBe("");
      return;
    }
    expect(diff === "" ? "" : `\n${diff}`, `${c.name} differs from Ansible`).toBe("");
  });

  it("parity figure; every known difference names a case", () => {
    const names = new Set(cases.map((c) => c.name));
    expect(Object.keys(knownDifferences).filter((n) => !names.has(n))).toEqual([]);
    console.log(`template parity with ansible-core: ${identical.size}/${cases.length} cases identical`);
    expect(cases.length).toBeGreaterThan(0);
  });
});
