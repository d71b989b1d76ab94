import { dirname, relative, resolve } from "node:path";
import { SiteError } from "./errors.js";
import { SourceCache, isTypeScriptSource } from "./source-cache.js";

/** The package root (this file is src/site/ or dist/site/ below it). */
const OWN_ROOT = new URL("../../", import.meta.url).pathname;

/**
 * Type-checks the site file and what it imports from its own directory before any host is
 * touched: module arguments are zod-derived types, so an unknown or mistyped argument, a wrong
 * variable type in a role, or a typo in a method name fails here with file:line:col. A clean
 * result is remembered (keyed by the content of every source file under the site's directory),
 * so an unchanged site costs nothing on the next run.
 */
/** How a site is compiled for its check (the compiler module is passed in: it is loaded only when a check runs). */
export function siteCompilerOptions(ts: typeof import("typescript")): import("typescript").CompilerOptions {
  return {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2023,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
  };
}

export async function typecheckSite(siteFile: string, version: string): Promise<void> {
  const file = resolve(siteFile);
  if (!isTypeScriptSource(file)) return;
  const siteDir = dirname(file);
  const cache = new SourceCache("typecheck", [siteDir], `${version}\0${file}`);
  if (cache.read() !== undefined) return;
  // The compiler is loaded only when a check runs: an unchanged site never pays for it.
  const { default: ts } = await import("typescript");
  const program = ts.createProgram([file], siteCompilerOptions(ts));
  // do-converge's own sources are checked by its own CI; the operator hears about theirs only.
  const own = (f: string) => f.startsWith(`${OWN_ROOT}src/`) || f.startsWith(`${OWN_ROOT}dist/`);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .filter((d) => d.file !== undefined && d.file.fileName.startsWith(`${siteDir}/`) && !d.file.fileName.includes("/node_modules/") && !own(d.file.fileName))
    .map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
      if (!d.file || d.start === undefined) return text;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${relative(process.cwd(), d.file.fileName) || d.file.fileName}:${line + 1}:${character + 1}: ${text}`;
    });
  if (problems.length > 0) {
    throw new SiteError(`the site does not type-check (nothing was run):\n  ${problems.join("\n  ")}`);
  }
  cache.write(`${new Date().toISOString()} ${file}\n`);
}
