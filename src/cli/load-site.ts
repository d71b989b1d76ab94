import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import type { Site } from "../site/dsl.js";
import { SiteError } from "../site/errors.js";

/**
 * Loads a site file (TypeScript or JavaScript) through tsx, so operators need no build step.
 * Its default export must be a site(); anything else is named in the error.
 */
export async function loadSite(file: string): Promise<Site> {
  const path = resolve(file);
  if (!existsSync(path)) throw new SiteError(`${file}: no such site file`);
  let mod: { default?: unknown };
  try {
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as { default?: unknown };
  } catch (err) {
    if (err instanceof SiteError) throw new SiteError(`${file}: ${err.message}`);
    throw new SiteError(`${file}: cannot load: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Outside an ESM package (no "type": "module" beside it) tsx compiles the file as CommonJS,
  // and its default export arrives wrapped once more.
  const outer = mod.default;
  const site = isSite(outer) ? outer : (outer as { default?: unknown } | undefined)?.default;
  if (!isSite(site)) {
    throw new SiteError(`${file}: the default export must be site({ plays: [...] }), found ${site === undefined ? "no default export" : typeof site}`);
  }
  return site;
}

function isSite(v: unknown): v is Site {
  return typeof v === "object" && v !== null && (v as Site).kind === "site";
}
