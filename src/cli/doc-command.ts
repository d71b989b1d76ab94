import { closeMatches } from "../doc/close-matches.js";
import { UnknownModuleError } from "../doc/errors.js";
import { moduleReference } from "../doc/module-reference.js";
import { moduleListText, moduleText } from "../doc/render-text.js";
import { modules } from "../modules/registry.js";

/** `do-converge doc [MODULE]`: every module with its summary, or one module's reference. */
export function docCommand(name: string | undefined): string {
  if (name === undefined) {
    return moduleListText(Object.values(modules).map((m) => ({ name: m.name, summary: m.doc?.summary ?? "" })));
  }
  const mod = Object.hasOwn(modules, name) ? modules[name as keyof typeof modules] : undefined;
  if (mod === undefined) throw new UnknownModuleError(name, closeMatches(name, Object.keys(modules)));
  return moduleText(moduleReference(mod));
}
