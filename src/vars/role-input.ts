import type { z } from "zod";
import { formatProvenance } from "../inventory/provenance.js";
import { TemplateError } from "../template/errors.js";
import { OMIT } from "../template/globals.js";
import { isMapping } from "../template/values/kinds.js";
import { coerceTemplated } from "./coerce.js";
import { VarDeferred, findCause } from "./errors.js";
import type { VarScope } from "./scope.js";
import { isPossiblyTemplate } from "./template-text.js";

/** A typed role's variables, evaluated for its schema. */
export interface RoleInput {
  /** The role's variables that are set, evaluated (and coerced where a template produced them). */
  readonly input: Record<string, unknown>;
  /** Variables whose values need facts (or values the site's code sets): validated once the host has them. */
  readonly deferred: readonly string[];
  /** Values that could not be evaluated (cycle, undefined name, syntax error), one message each. */
  readonly problems: readonly string[];
  /** For a schema error: where the variable was set, and for a template its expression and value. */
  describe(key: string): string | undefined;
}

/**
 * Ansible's remove_omit, which a task's arguments go through before the module sees them: a
 * mapping entry whose value is the `omit` placeholder is dropped, in nested mappings and in
 * mappings inside lists too; a list item that is the placeholder stays. A typed role's variables
 * are its arguments, so they are read the same way.
 */
function removeOmit(v: unknown): unknown {
  // Ansible walks a list's items with the same function, which leaves anything but a mapping as is.
  if (Array.isArray(v)) return v.map((x) => (isMapping(x) ? omitEntries(x) : x));
  return isMapping(v) ? omitEntries(v) : v;
}

function omitEntries(m: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(m).flatMap(([k, x]) => (x === OMIT ? [] : [[k, removeOmit(x)]])));
}

/**
 * Evaluates the variables a role's schema declares — only those: the role validates the
 * evaluated value, as Ansible's modules check the templated argument.
 */
export function roleInput(schema: z.ZodObject, scope: VarScope): RoleInput {
  const shape = schema.shape as Record<string, z.ZodType>;
  const input: Record<string, unknown> = {};
  const deferred: string[] = [];
  const problems: string[] = [];
  for (const [key, field] of Object.entries(shape)) {
    if (!scope.has(key)) continue;
    const raw = scope.raw(key)?.raw;
    try {
      const value = removeOmit(scope.plainValue(key));
      // A variable that evaluates to `omit` is not set: the schema's default applies.
      if (value === OMIT) continue;
      input[key] = typeof raw === "string" && isPossiblyTemplate(raw) ? coerceTemplated(field, value) : value;
    } catch (e) {
      if (findCause(e, VarDeferred) !== undefined) deferred.push(key);
      else if (e instanceof TemplateError) problems.push(e.message);
      else throw e;
    }
  }
  return {
    input,
    deferred,
    problems,
    describe(key) {
      const v = scope.raw(key);
      if (v === undefined) return undefined;
      const where = v.provenance === undefined ? undefined : formatProvenance(v.provenance);
      if (typeof v.raw !== "string" || !isPossiblyTemplate(v.raw) || !Object.hasOwn(input, key)) return where;
      return `${where ?? "?"}, as ${JSON.stringify(v.raw)}, which gave ${JSON.stringify(input[key]) ?? "undefined"}`;
    },
  };
}
