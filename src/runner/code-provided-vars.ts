import { SourceCache } from "../site/source-cache.js";
import type { CodeScan } from "./code-scan.js";

// What a site's TypeScript gives templates beyond the host's variables (see code-scan.ts). The
// scan needs the TypeScript parser; its result is cached per content of the site's sources, so
// only a changed site pays for loading the compiler.

export interface CodeProvidedVars {
  readonly names: ReadonlySet<string>;
  readonly sources: ReadonlySet<string>;
  readonly opaque: string | undefined;
}

export async function codeProvidedVars(dirs: readonly string[], base: string): Promise<CodeProvidedVars> {
  const cache = new SourceCache("code-vars", dirs, `${dirs.join("\0")}\0${base}`);
  const cached = cache.read();
  let scan: CodeScan;
  if (cached !== undefined) {
    scan = JSON.parse(cached) as CodeScan;
  } else {
    const { scanCode } = await import("./code-scan.js");
    scan = scanCode(dirs, base);
    cache.write(JSON.stringify(scan));
  }
  return { names: new Set(scan.names), sources: new Set(scan.sources), opaque: scan.opaque ?? undefined };
}
