import { resolve } from "node:path";
import ts from "typescript";

/** The generated files type-checked as typecheck.ts checks a site, `do-converge` being this checkout's sources. */
export function typecheck(files: string[]): ts.Diagnostic[] {
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

/**
 * The errors split into those at a notConverted("<file:line>: ...") call that names its place
 * (counted per file), and every other one (file:line: message, and the line).
 */
export function sortDiagnostics(diagnostics: readonly ts.Diagnostic[]): { problems: string[]; atNotConverted: Map<string, number> } {
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
  return { problems, atNotConverted };
}
