import { isAbsolute, relative } from "node:path";
import type { Site } from "../site/dsl.js";
import { SourceCache } from "../site/source-cache.js";
import type { CodeScan } from "./code-scan.js";
import { roleDir, templateScopes } from "./template-dirs.js";

// What a site's TypeScript gives templates beyond the host's variables (see code-scan.ts). The
// scan needs the TypeScript parser; its result is cached per content of the site's sources, so
// only a changed site pays for loading the compiler.

/** Part of the cache key: a cached scan of another shape is not read back. */
const SCAN_FORMAT = "2";

export interface CodeProvidedVars {
  readonly names: ReadonlySet<string>;
  readonly sources: ReadonlySet<string>;
  readonly templateCalls: CodeScan["templateCalls"];
  readonly opaque: string | undefined;
}

export async function codeProvidedVars(dirs: readonly string[], base: string): Promise<CodeProvidedVars> {
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
  return { names: new Set(scan.names), sources: new Set(scan.sources), templateCalls: scan.templateCalls, opaque: scan.opaque ?? undefined };
}

/** The scan of a site's code: its directory and the directories of its roles that lie outside it. */
export function siteCode(site: Site, siteDir: string): Promise<CodeProvidedVars> {
  const outside = templateScopes(site, siteDir)
    .flatMap((s) => s.roles.map((r) => roleDir(siteDir, r)))
    .filter((d) => relative(siteDir, d).startsWith("..") || isAbsolute(relative(siteDir, d)));
  return codeProvidedVars([siteDir, ...new Set(outside)], siteDir);
}
