import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { type ImportedRole, importRole } from "../../../src/import/role.js";
import { sortDiagnostics, typecheck } from "./type-check.js";

const FIXTURES = resolve("test/fixtures/roles");
const ROLES = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory());

describe("import role: every vendored Ansible role", () => {
  it("converts and type-checks, failing only at notConverted() calls, each naming its Ansible file:line", { timeout: 300_000 }, () => {
    expect(ROLES.length).toBe(21);
    const out = mkdtempSync(join(tmpdir(), "dcv-import-"));
    const imported: ImportedRole[] = ROLES.map((r) => importRole(join(FIXTURES, r), { out: join(out, r) }));
    const files = imported.map((r) => join(r.out, "index.ts"));
    const { problems, atNotConverted } = sortDiagnostics(typecheck(files));
    expect(problems).toEqual([]);
    // Each place the summary lists is a call the type-check stops at, and no other.
    for (const r of imported) {
      const file = join(r.out, "index.ts");
      expect(atNotConverted.get(file) ?? 0, r.name).toBe(r.notConverted.length);
      expect((readFileSync(file, "utf8").match(/notConverted\("/g) ?? []).length, r.name).toBe(r.notConverted.length);
    }
    const tasks = imported.reduce((n, r) => n + r.tasks - r.dropped, 0);
    const converted = imported.reduce((n, r) => n + r.converted, 0);
    const dropped = imported.reduce((n, r) => n + r.dropped, 0);
    const clean = imported.filter((r) => r.notConverted.length === 0).length;
    console.log(`import: ${converted}/${tasks} tasks converted over ${imported.length} roles (${clean} roles with nothing left to convert; ${dropped} tasks dropped as other OS families)`);
    expect(converted).toBeGreaterThan(0);
  });
});
