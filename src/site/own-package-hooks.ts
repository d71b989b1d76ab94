import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { OWN_ANCHOR, OWN_NAME, OWN_ROOT } from "./own-package.js";

// The resolve hook that sends a site's `import "do-converge"` (and its subpaths) to the running
// package (own-package-resolution.ts says why). Node runs registered hooks on a thread of their
// own, which loads them without a TypeScript loader: a hooks file of src/, as the engine runs
// from source in its tests, cannot be loaded there (vitest's workers have no tsx on that
// thread). So the hook is JavaScript text registered by data: URL, and what it needs comes as
// data; its test of a specifier is own-package.ts's isOwnSpecifier, which it cannot import.
const SOURCE = `
let own;
export function initialize(data) { own = data; }
export function resolve(specifier, context, next) {
  const mine = specifier === own.name || specifier.startsWith(own.name + "/");
  if (mine && !(context.parentURL ?? "").startsWith(own.rootUrl)) return next(specifier, { ...context, parentURL: own.anchorUrl });
  return next(specifier, context);
}
`;

/** Registers the hook on Node's hooks thread (once per process: the caller sees to that). */
export function registerOwnPackageHooks(): void {
  register(`data:text/javascript,${encodeURIComponent(SOURCE)}`, {
    data: { name: OWN_NAME, rootUrl: pathToFileURL(OWN_ROOT).href, anchorUrl: pathToFileURL(OWN_ANCHOR).href },
  });
}
