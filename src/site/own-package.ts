import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** The running do-converge's package root, with a trailing slash (this file is src/site/ or dist/site/ below it). */
export const OWN_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The package's name, as a site imports it. */
export const OWN_NAME = z.object({ name: z.string() }).parse(JSON.parse(readFileSync(join(OWN_ROOT, "package.json"), "utf8"))).name;

/**
 * A file inside the package: a module specifier resolved as if imported from here is resolved by
 * the package's self-reference, through its own "exports", whatever subpaths those list.
 */
export const OWN_ANCHOR = join(OWN_ROOT, "package.json");

/** Whether a module specifier names this package or one of its subpaths ("do-converge", "do-converge/..."). */
export function isOwnSpecifier(specifier: string): boolean {
  return specifier === OWN_NAME || specifier.startsWith(`${OWN_NAME}/`);
}

/** Whether a file belongs to the running package itself. */
export function isOwnFile(file: string): boolean {
  return file.startsWith(OWN_ROOT);
}
