import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { modules } from "../../../src/modules/registry.js";
import { siteCompilerOptions } from "../../../src/site/typecheck.js";
import { DSL, scratchDir } from "../safety/cli-helpers.js";

// Each module's example is type-checked as a site's task: the examples are written into one
// site file, each in a block of its own, and compiled against the DSL as `do-converge` checks a
// site. A canary block with a wrong argument proves a wrong example would be caught.

const repo = new URL("../../../", import.meta.url).pathname;
const dir = scratchDir("module-examples");

interface Block {
  name: string;
  first: number;
  last: number;
}

/** The site file: the examples in the tasks of one play; `v` stands for a role's variables. */
function siteOf(examples: readonly { name: string; code: string }[]): { source: string; blocks: Block[] } {
  const lines = [`import { play, site } from ${JSON.stringify(DSL)};`, "declare const v: Record<string, string>;", "export default site({ plays: [play({ name: \"examples\", hosts: \"all\", tasks: async (h) => {"];
  const blocks: Block[] = [];
  for (const e of examples) {
    const code = e.code.split("\n");
    blocks.push({ name: e.name, first: lines.length + 2, last: lines.length + 1 + code.length });
    lines.push("  {", ...code.map((l) => `    ${l}`), "  }");
  }
  lines.push("} })] });", "");
  return { source: lines.join("\n"), blocks };
}

describe("the modules' examples", { timeout: 180_000 }, () => {
  it("type-check as a site's tasks, against the DSL", () => {
    const canary = { name: "canary", code: 'await h.copy({ dest: "/etc/motd", no_such_argument: true });' };
    const { source, blocks } = siteOf([...Object.values(modules).map((m) => ({ name: m.name, code: m.doc?.example ?? "" })), canary]);
    const file = join(dir, "site.ts");
    writeFileSync(file, source);
    const program = ts.createProgram([file], {
      ...siteCompilerOptions(ts),
      types: ["node"],
      typeRoots: [join(repo, "node_modules/@types")],
    });
    const sourceFile = program.getSourceFile(file);
    const problems = ts
      .getPreEmitDiagnostics(program, sourceFile)
      .filter((d) => d.category === ts.DiagnosticCategory.Error)
      .map((d) => {
        const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
        const block = blocks.find((b) => line >= b.first && line <= b.last);
        return `${block?.name ?? `line ${line}`}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
      });
    expect(problems.filter((p) => !p.startsWith("canary: ")), source).toEqual([]);
    expect(problems.join("\n")).toMatch(/^canary: .*no_such_argument/);
  });
});
