import { pyKeys, withKeyTable } from "./dict-keys.js";
import { templateValue, type TemplateValueProvider } from "./hook.js";
import { isMapping } from "./kinds.js";

// Ansible's AnsibleUnsafeText: a string that is data, never templated (`!unsafe` in YAML). It
// lives only in a variable's Python form (TrackedValue.exact), which is what evaluation reads;
// templates see the plain string through the value hook, and the plain form never holds it.

export class UnsafeText implements TemplateValueProvider {
  constructor(readonly text: string) {}

  [templateValue](): string {
    return this.text;
  }

  toJSON(): string {
    return this.text;
  }

  toString(): string {
    return this.text;
  }
}

/** Every string of `v` (not mapping keys: Ansible never templates those) marked unsafe. */
export function markUnsafe(v: unknown): unknown {
  if (typeof v === "string") return new UnsafeText(v);
  if (Array.isArray(v)) return v.map(markUnsafe);
  if (isMapping(v)) return withKeyTable(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, markUnsafe(x)])), pyKeys(v));
  return v;
}

/** Whether `v` holds an unsafe string anywhere. */
export function hasUnsafe(v: unknown): boolean {
  if (v instanceof UnsafeText) return true;
  if (Array.isArray(v)) return v.some(hasUnsafe);
  if (isMapping(v)) return Object.values(v).some(hasUnsafe);
  return false;
}
