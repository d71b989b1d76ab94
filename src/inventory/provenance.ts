import { z } from "zod";

/**
 * Where a value or a declaration came from. `file` is the path as the loader was given it (so it
 * reads the way the operator typed it), or a pseudo-source such as `--extra-vars`; `line` and
 * `column` are 1-based and present when the source has them.
 */
export const ProvenanceSchema = z.object({
  file: z.string().min(1),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
});
export type Provenance = z.infer<typeof ProvenanceSchema>;

/**
 * One variable's value together with the place that set it. `exact` is the value with Python's
 * numbers (3.0 a float, big ints exact) when that differs from `value`: templates render it, the
 * rest of do-converge works with `value` (see template/values/exact-vars.ts).
 */
export const TrackedValueSchema = z.object({ value: z.unknown(), provenance: ProvenanceSchema, exact: z.unknown().optional() });
export type TrackedValue = z.infer<typeof TrackedValueSchema>;

/** A variable mapping whose top-level keys each remember their origin. */
export const TrackedVarsSchema = z.record(z.string(), TrackedValueSchema);
export type TrackedVars = z.infer<typeof TrackedVarsSchema>;

/** `file`, `file:line` or `file:line:col`: the form editors and terminals turn into links. */
export function formatProvenance(p: Provenance): string {
  if (p.line === undefined) return p.file;
  return p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
}

/** Tags every top-level key of a plain mapping with one provenance (CLI, play or role vars). */
export function trackVars(values: Readonly<Record<string, unknown>>, provenance: Provenance): TrackedVars {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, provenance }]));
}

/**
 * Builds a TrackedVars from entries. Object.fromEntries defines own properties, so a variable
 * named `__proto__` in someone's YAML stays a variable instead of replacing the prototype.
 */
export function varsFromEntries(entries: Iterable<readonly [string, TrackedValue]>): TrackedVars {
  return Object.fromEntries(entries);
}

/** `base` overlaid with `top`: Ansible's hash_behaviour=replace, so a top-level key replaces whole. */
export function overlayVars(base: TrackedVars, top: TrackedVars): TrackedVars {
  return { ...base, ...top };
}
