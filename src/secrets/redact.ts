import type { SecretSlot } from "./schema.js";

/** What a secret's value is shown as, everywhere output reaches a person or a file. */
export const REDACTED = "********";

/** A copy of `vars` with every secret slot that holds a value replaced by REDACTED. */
export function redactSecrets(vars: Record<string, unknown>, slots: readonly SecretSlot[]): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(vars);
  for (const { path } of slots) {
    let node: unknown = out;
    for (const key of path.slice(0, -1)) node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    const leaf = path.at(-1);
    if (leaf === undefined || typeof node !== "object" || node === null) continue;
    const parent = node as Record<string, unknown>;
    if (parent[leaf] !== undefined) parent[leaf] = REDACTED;
  }
  return out;
}
