import type { z } from "zod";
import { formatProvenance } from "../inventory/provenance.js";
import { TemplateError } from "../template/errors.js";
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
      const value = scope.plainValue(key);
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
