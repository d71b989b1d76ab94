import { dirname, relative, resolve } from "node:path";
import { SiteError } from "./errors.js";
import { OWN_ANCHOR, OWN_ROOT, isOwnSpecifier } from "./own-package.js";
import { SourceCache, isTypeScriptSource, shownPath } from "./source-cache.js";

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

/**
 * Type-checks the site file and what it imports from its own directory before a host is
 * touched: module arguments are zod-derived types, so an unknown or mistyped argument, a wrong
 * variable type in a role, or a typo in a method name fails here with file:line:col. A clean
 * result is remembered (keyed by the content of every source file under the site's directory),
 * so an unchanged site costs nothing on the next run. A check that does run takes seconds (the
 * compiler is loaded and reads the DSL's types): `progress` is told when it starts and ends.
 */
export async function typecheckSite(siteFile: string, version: string, progress?: TypecheckProgress): Promise<void> {
  const file = resolve(siteFile);
  if (!isTypeScriptSource(file)) return;
  const siteDir = dirname(file);
  const cache = new SourceCache("typecheck", [siteDir], `${version}\0${file}`);
  if (cache.read() !== undefined) return;
  const started = performance.now();
  progress?.started(`${shownPath(file)}: type-checking (once per change of the site's code)...`);
  let ended: string | undefined;
  try {
    await check(file, siteDir);
    cache.write(`${new Date().toISOString()} ${file}\n`);
    ended = `${shownPath(file)}: type-checked in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  } finally {
    progress?.ended(ended);
  }
}

/** Told of a check that runs (a remembered result tells nothing): its start, then its end (the line to keep; undefined when the check failed). */
export interface TypecheckProgress {
  started(line: string): void;
  ended(line: string | undefined): void;
}

/** Type-checks the site file; a SiteError lists what does not type-check. */
async function check(file: string, siteDir: string): Promise<void> {
  // The compiler is loaded only when a check runs: an unchanged site never pays for it.
  const { default: ts } = await import("typescript");
  const options = siteCompilerOptions(ts);
  const program = ts.createProgram({ rootNames: [file], options, host: ownPackageHost(ts, options) });
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
}

/**
 * A compiler host that resolves "do-converge" and its subpaths to the running package, as the
 * site's load does (see resolveOwnPackageForSites): the site is checked against the engine that
 * runs it, also when its directory has no node_modules/do-converge (a global install).
 */
function ownPackageHost(ts: typeof import("typescript"), options: import("typescript").CompilerOptions): import("typescript").CompilerHost {
  const host = ts.createCompilerHost(options);
  const cache = ts.createModuleResolutionCache(host.getCurrentDirectory(), (f) => host.getCanonicalFileName(f), options);
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, opts, containingSourceFile) =>
    literals.map((literal) => {
      const mode = ts.getModeForUsageLocation(containingSourceFile, literal, opts);
      // Resolved from inside the package: its self-reference applies its "exports", every subpath included.
      const from = isOwnSpecifier(literal.text) ? OWN_ANCHOR : containingFile;
      return ts.resolveModuleName(literal.text, from, opts, host, cache, redirectedReference, mode);
    });
  return host;
}
