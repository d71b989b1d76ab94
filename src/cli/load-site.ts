import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Site } from "../site/dsl.js";
import { SiteError } from "../site/errors.js";
import { resolveOwnPackageForSites } from "../site/own-package-resolution.js";

// Whether the next site load may share this process's modules (see shareEngineWithSite).
let shareNext = false;

/**
 * For the CLI, which loads one site per process: that load registers tsx for the whole process
 * and imports the site plainly, so the site's `import "do-converge"` reuses the modules the engine
 * has already loaded. Without it (the default, and for every later load) a site gets a graph of its
 * own through tsx's tsImport: every module it imports, the engine's hundreds of modules and zod
 * included, is loaded again, through tsx's hooks, which costs about as much as starting the CLI.
 * The private graph is what a process that loads sites more than once needs: a site changed on disk
 * since its last load is read again (an imported module is never reloaded), roles included.
 */
export function shareEngineWithSite(): void {
  shareNext = true;
}

async function importSite(url: string): Promise<unknown> {
  resolveOwnPackageForSites();
  if (shareNext) {
    shareNext = false;
    // The CommonJS hooks too: a site outside an ESM package is compiled to CommonJS, and its own
    // imports are then require()s of TypeScript files.
    const [{ register }, { register: registerCjs }] = await Promise.all([import("tsx/esm/api"), import("tsx/cjs/api")]);
    registerCjs();
    register();
    return import(url);
  }
  const { tsImport } = await import("tsx/esm/api");
  return tsImport(url, import.meta.url);
}

/**
 * Loads a site file (TypeScript or JavaScript) through tsx, so operators need no build step.
 * Its default export must be a site(); anything else is named in the error.
 */
export async function loadSite(file: string): Promise<Site> {
  const path = resolve(file);
  if (!existsSync(path)) throw new SiteError(`${file}: no such site file`);
  let mod: { default?: unknown };
  try {
    mod = (await importSite(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    // By name, not instanceof: the site may have built its plays with another copy of do-converge
    // (its own install, or the engine's sources compiled again as CommonJS for a site outside an
    // ESM package), whose SiteError is another class of the same name.
    if (err instanceof Error && err.name === "SiteError") throw new SiteError(`${file}: ${err.message}`);
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
