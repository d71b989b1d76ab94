// The module contract for a site's own modules: `import { defineModule, z } from "do-converge/module"`.
// A module made here is listed by the plays and roles that call it (`modules: [ufwRule]`) and is
// then `h.<name>()` there, run as the built-in modules are (docs/guides/writing-modules.md).
export { z } from "zod";
export { ModuleError, defineModule, defineReadModule, type Change, type ModuleContext, type ModuleDef, type ModuleDoc, type ProbeScope, type TextDiff } from "./modules/contract.js";
export type { CommandResult, RemoteShell } from "./remote/shell.js";
export { shellJoin, shellQuote } from "./remote/quote.js";
