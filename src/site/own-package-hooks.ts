// Module-resolution hooks (node:module register): this file runs on Node's hooks thread, not
// beside the engine. See own-package-resolution.ts for why a site's imports need them.
import type { ResolveHook } from "node:module";
import { pathToFileURL } from "node:url";
import { OWN_ANCHOR, OWN_ROOT, isOwnSpecifier } from "./own-package.js";

const anchorUrl = pathToFileURL(OWN_ANCHOR).href;
const ownUrl = pathToFileURL(OWN_ROOT).href;

export const resolve: ResolveHook = (specifier, context, next) => {
  if (isOwnSpecifier(specifier) && !(context.parentURL ?? "").startsWith(ownUrl)) return next(specifier, { ...context, parentURL: anchorUrl });
  return next(specifier, context);
};
