import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { type ImportedRole, importRole } from "../../../src/import/role.js";

const FIXTURES = resolve("test/fixtures/roles");
const ROLES = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory());

/** The generated files type-checked as typecheck.ts checks a site, `do-converge` being this checkout's sources. */
function typecheck(files: string[]): ts.Diagnostic[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: ["node"],
    paths: { "do-converge": [resolve("src/index.ts")] },
  });
  return ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
}

describe("import role: every vendored Ansible role", () => {
  it("converts and type-checks, failing only at notConverted() calls, each naming its Ansible file:line", { timeout: 300_000 }, () => {
    expect(ROLES.length).toBe(21);
    const out = mkdtempSync(join(tmpdir(), "dcv-import-"));
    const imported: ImportedRole[] = ROLES.map((r) => importRole(join(FIXTURES, r), { out: join(out, r) }));
    const files = imported.map((r) => join(r.out, "index.ts"));
    const diagnostics = typecheck(files);
    const problems: string[] = [];
    const atNotConverted = new Map<string, number>();
    for (const d of diagnostics) {
      if (!d.file || d.start === undefined) {
        problems.push(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        continue;
      }
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const text = d.file.text.split("\n")[line] ?? "";
      const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      const m = /notConverted\("([^"]+?):\s/.exec(text);
      if (m && /AnsibleTaskToConvertByHand/.test(message) && message.includes(m[1] ?? "\0")) {
        atNotConverted.set(d.file.fileName, (atNotConverted.get(d.file.fileName) ?? 0) + 1);
      } else problems.push(`${d.file.fileName}:${line + 1}: ${message}\n    ${text.trim()}`);
    }
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
