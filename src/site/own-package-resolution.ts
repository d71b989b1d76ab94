import Module, { createRequire } from "node:module";
import { join } from "node:path";
import { registerOwnPackageHooks } from "./own-package-hooks.js";
import { OWN_ANCHOR, isOwnFile, isOwnSpecifier } from "./own-package.js";

type ResolveFilename = (this: unknown, request: string, parent: { filename?: string | null } | null | undefined, isMain: boolean, options?: object) => string;
/** CommonJS's resolver: not in Node's typings, but the one place every require() goes through. */
const cjs = Module as unknown as { _resolveFilename: ResolveFilename };

let installed = false;
// Set while installedPackageRootFrom asks Node's own answer.
let asNodeWould = false;

/**
 * From now on, a site's `import ... from "do-converge"` (and "do-converge/..." subpaths) is
 * resolved to the running do-converge, whatever node_modules the site's directory has or lacks:
 * a CLI installed globally (`npm i -g`) finds its site without a copy of the package beside it,
 * and the site's DSL is always the engine's own (a second copy, perhaps of another version,
 * would hand the engine objects it does not know). The imports are resolved as if made from
 * inside the package, so its "exports" decide what each name means. Both module systems are
 * covered: tsx compiles a site outside an ESM package to CommonJS, whose require()s never reach
 * the ESM hooks.
 */
export function resolveOwnPackageForSites(): void {
  if (installed) return;
  installed = true;
  registerOwnPackageHooks();
  const original = cjs._resolveFilename;
  const ownRequire = createRequire(OWN_ANCHOR);
  cjs._resolveFilename = function (request, parent, isMain, options) {
    // The package's own requires (and ownRequire's, made from inside it) resolve as they always do.
    if (asNodeWould || !isOwnSpecifier(request) || isOwnFile(parent?.filename ?? "")) return original.call(this, request, parent, isMain, options);
    return ownRequire.resolve(request);
  };
}

/**
 * The root (realpath, trailing slash) of the do-converge a directory's own node_modules hold,
 * as Node resolves it from there (its package's self-reference included), undefined when there
 * is none: Node's own answer, not the redirection above.
 */
export function installedPackageRootFrom(dir: string, name: string): string | undefined {
  asNodeWould = true;
  try {
    const manifest = createRequire(join(dir, "noop.js")).resolve(`${name}/package.json`);
    return manifest.slice(0, -"package.json".length);
  } catch {
    // Not installed there (or its package.json is not exported: then it predates this question).
    return undefined;
  } finally {
    asNodeWould = false;
  }
}
