import type { z } from "zod";
import type { ModuleDoc, ProbeScope } from "../modules/contract.js";
import { type ArgumentDoc, argumentDocs } from "./arguments.js";

/** Everything the reference says of one module, in the order it says it. */
export interface ModuleReference {
  name: string;
  summary: string;
  arguments: ArgumentDoc[];
  check: string;
  diff: string;
  fastPath: string;
  example: string;
}

/** What the reference reads of a module (a ModuleDef whatever its arguments, state and result). */
export interface DocumentedModule {
  readonly name: string;
  readonly args: z.ZodType;
  readonly doc?: ModuleDoc | undefined;
  /** Only whether it depends on the arguments is read, never called. */
  readonly probeScope?: ProbeScope | ((args: never) => ProbeScope) | undefined;
}

/** A module lacks what its reference needs: a unit test names each one, so none ships without. */
export class ModuleDocMissing extends Error {
  override name = "ModuleDocMissing";
  constructor(
    readonly module: string,
    readonly what: string,
  ) {
    super(`module ${module} has no ${what}`);
  }
}

const CHECK = "Supported: the probe reads the host and the task reports what would change; nothing is changed.";
const NO_DIFF = "No diff: a change is reported by its one-line summary only.";

const SCOPES = {
  host: "The probe reads only this host's own state: with the fast path, it is answered from the play's snapshot until something is applied on this host.",
  shared:
    "The probe reads state that tasks on other hosts change too: with the fast path, it is answered from the play's snapshot until something is applied on one of the run's hosts.",
  live: "The probe is live: never answered from the play's snapshot, always read from the host.",
} as const;

/** What the fast path does with the module's probe (docs/fast-path.md). */
function fastPathNote(mod: DocumentedModule): string {
  const scope = mod.probeScope ?? "host";
  if (typeof scope === "string") return SCOPES[scope];
  const liveWhen = mod.doc?.liveWhen;
  if (liveWhen === undefined) throw new ModuleDocMissing(mod.name, "doc.liveWhen (its probeScope depends on its arguments)");
  return `The probe is live (never answered from the play's snapshot) when ${liveWhen}. Otherwise it reads only this host's own state, answered from the snapshot until something is applied on this host.`;
}

/** A module's reference, from its argument schema and its doc. */
export function moduleReference(mod: DocumentedModule): ModuleReference {
  const doc = mod.doc;
  if (doc === undefined) throw new ModuleDocMissing(mod.name, "doc (summary and example)");
  return {
    name: mod.name,
    summary: doc.summary,
    arguments: argumentDocs(mod.args),
    check: doc.check ?? CHECK,
    diff: doc.diff ?? NO_DIFF,
    fastPath: fastPathNote(mod),
    example: doc.example,
  };
}
