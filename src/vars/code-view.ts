import type { VarScope } from "./scope.js";

/**
 * A host's variables as role and play code read them (`h.vars`, `h.hostvars(name)`): plain
 * JavaScript values, each evaluated when first read (a value that is a template, in the host's
 * variables). `over` (a role's parsed variables) replaces variables of the same name. Reading a
 * variable whose value cannot be evaluated throws the variable's error (VarUndefinedError, ...).
 */
export function codeVars(scope: VarScope, over: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of scope.names()) {
    // Code reads other hosts through h.hostvars(name); templates' lazy mapping is not for it.
    if (Object.hasOwn(over, name) || name === "hostvars") continue;
    Object.defineProperty(out, name, {
      enumerable: true,
      configurable: true,
      get: () => scope.plainValue(name),
      // Code may assign to h.vars (it always could); the value it sets is its own, not templated.
      set: (v: unknown) => Object.defineProperty(out, name, { value: v, enumerable: true, configurable: true, writable: true }),
    });
  }
  for (const [name, v] of Object.entries(over)) Object.defineProperty(out, name, { value: v, enumerable: true, configurable: true, writable: true });
  return out;
}
