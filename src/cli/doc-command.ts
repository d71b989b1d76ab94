import { closeMatches } from "../doc/close-matches.js";
import { UnknownModuleError } from "../doc/errors.js";
import { type DocumentedModule, moduleReference } from "../doc/module-reference.js";
import { moduleListText, moduleText } from "../doc/render-text.js";
import { modules } from "../modules/registry.js";

/**
 * A site's own module as the reference reads it: its doc is optional (the built-in modules' is
 * required by a unit test), so what it leaves out is said to be missing rather than refused.
 */
function documented(mod: DocumentedModule): DocumentedModule {
  const doc = { summary: "(its definition gives no doc)", example: "(its definition gives no example)", ...mod.doc };
  if (typeof mod.probeScope === "function" && doc.liveWhen === undefined) return { ...mod, doc: { ...doc, liveWhen: "its arguments make it so (its doc does not say which)" } };
  return { ...mod, doc };
}

/**
 * `do-converge doc [MODULE]`: every module with its summary, or one module's reference. `own`:
 * the site's own modules (`--site`), listed and documented beside the built-in ones.
 */
export function docCommand(name: string | undefined, own: readonly DocumentedModule[] = []): string {
  const all = [...Object.values(modules), ...own.map(documented)];
  if (name === undefined) return moduleListText(all.map((m) => ({ name: m.name, summary: m.doc?.summary ?? "" })));
  const mod = all.find((m) => m.name === name);
  if (mod === undefined) throw new UnknownModuleError(name, closeMatches(name, all.map((m) => m.name)));
  return moduleText(moduleReference(mod));
}
