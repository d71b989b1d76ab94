import type { ConnectionSpec } from "../inventory/connection.js";
import { siteSecretSlots } from "../secrets/generate.js";
import type { SecretMasker } from "../secrets/masker.js";
import type { SecretSlot } from "../secrets/schema.js";
import type { Site } from "../site/dsl.js";
import type { Vars } from "../site/host.js";

function lookup(vars: Vars, path: readonly string[]): unknown {
  let node: unknown = vars;
  try {
    for (const key of path) node = typeof node === "object" && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined;
  } catch {
    // A value that cannot be evaluated (yet): prepare reports it; nothing to mask.
    return undefined;
  }
  return node;
}

/** What a run knows before touching a host, as prepareRun has it (problems included). */
export interface RunVars {
  /** Every inventory host's own variables (what hostvars() of any host can show). */
  readonly allVars: ReadonlyMap<string, Vars>;
  /** Per play: each host's variables with play vars and extra vars. */
  readonly playVars: Iterable<ReadonlyMap<string, Vars>>;
  /** Per play: each host's variables after each role's schema (defaults filled in). */
  readonly roleVars: Iterable<ReadonlyMap<string, ReadonlyMap<string, Vars>>>;
  /** Connection settings: the inventory's, and each play's (play vars may set a become password). */
  readonly specs: Iterable<ReadonlyMap<string, ConnectionSpec>>;
}

/**
 * Adds to the masker every value the site declares secret, as resolved for each host: the
 * secret() slots of every role of the site (looked up in every host's variables, raw and after
 * the role's schema: a raw value that fails validation is still named in the error, a default
 * exists only after parsing), and each host's become password. Slots of any role are looked up
 * in every host's variables, since a template may reach another host's secret through hostvars.
 */
export function collectRunSecrets(masker: SecretMasker, site: Site, run: RunVars): void {
  const slots: SecretSlot[] = siteSecretSlots(site);
  const scan = (vars: Vars) => {
    for (const slot of slots) masker.add(lookup(vars, slot.path));
  };
  for (const vars of run.allVars.values()) scan(vars);
  for (const perHost of run.playVars) for (const vars of perHost.values()) scan(vars);
  for (const perHost of run.roleVars) for (const perRole of perHost.values()) for (const vars of perRole.values()) scan(vars);
  for (const specs of run.specs) for (const spec of specs.values()) masker.add(spec.becomePassword);
}
