import { readdirSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { parse } from "yaml";
import type { Site } from "../site/dsl.js";
import { SourceCache } from "../site/source-cache.js";
import type { CodeScan } from "./code-scan.js";
import { roleDir, templateScopes } from "./template-dirs.js";

// What a site's TypeScript gives templates beyond the host's variables (see code-scan.ts). The
// scan needs the TypeScript parser; its result is cached per content of the site's sources, so
// only a changed site pays for loading the compiler.

/** Part of the cache key: a cached scan of another shape is not read back. */
const SCAN_FORMAT = "5";

export interface CodeProvidedVars {
  readonly names: ReadonlySet<string>;
  readonly sources: ReadonlySet<string>;
  readonly templateCalls: CodeScan["templateCalls"];
  readonly opaque: string | undefined;
}

/**
 * `roleDirs`: the site's role directories, whose `vars/` h.includeVars() reads wherever the call
 * is written (a role defined in site.ts has its files under roles/<name>/).
 */
export async function codeProvidedVars(dirs: readonly string[], base: string, roleDirs: readonly string[] = []): Promise<CodeProvidedVars> {
  const cache = new SourceCache("code-vars", dirs, `${SCAN_FORMAT}\0${dirs.join("\0")}\0${base}`);
  const cached = cache.read();
  let scan: CodeScan;
  if (cached !== undefined) {
    scan = JSON.parse(cached) as CodeScan;
  } else {
    const { scanCode } = await import("./code-scan.js");
    scan = scanCode(dirs, base);
    cache.write(JSON.stringify(scan));
  }
  // Read on every run, not cached with the scan: the files may change while the code does not.
  const varsDirs = scan.varsDirs ?? [];
  const included = includedNames(varsDirs.length === 0 ? [] : [...new Set([...varsDirs, ...roleDirs.map((d) => join(d, "vars"))])]);
  return {
    names: new Set([...scan.names, ...included.names]),
    sources: new Set(scan.sources),
    templateCalls: scan.templateCalls,
    opaque: scan.opaque ?? included.opaque,
  };
}

/**
 * The top-level keys of every YAML file in `dirs` (what h.includeVars() may load). An encrypted
 * or unreadable file hides its names: then names are not judged (`opaque`), as for code that
 * builds its setFact objects.
 */
function includedNames(dirs: readonly string[]): { names: string[]; opaque: string | undefined } {
  const names: string[] = [];
  let opaque: string | undefined;
  for (const dir of dirs) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));
    } catch {
      continue;
    }
    for (const f of files) {
      const path = join(dir, f);
      try {
        const doc: unknown = parse(readFileSync(path, "utf8"));
        if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) names.push(...Object.keys(doc));
        else opaque ??= `${path}: not a mapping of variables`;
      } catch {
        opaque ??= `${path}: its variables cannot be listed (encrypted or not YAML)`;
      }
    }
  }
  return { names, opaque };
}

/** The scan of a site's code: its directory and the directories of its roles that lie outside it. */
export function siteCode(site: Site, siteDir: string): Promise<CodeProvidedVars> {
  const roleDirs = [...new Set(templateScopes(site, siteDir).flatMap((s) => s.roles.map((r) => roleDir(siteDir, r))))];
  const outside = roleDirs.filter((d) => relative(siteDir, d).startsWith("..") || isAbsolute(relative(siteDir, d)));
  return codeProvidedVars([siteDir, ...outside], siteDir, roleDirs);
}
