import { z } from "zod";
import { ansibleBoolean } from "../inventory/booleans.js";

// A typed role's schema meets a templated value as an Ansible module's argument spec does: the
// template gives text ("{{ 1 + 1 }}" is "2" in Ansible 2.14), and check_type_int, check_type_float,
// check_type_bool and check_type_str turn it into the declared type. Only values produced by a
// template are coerced: a literal `port: "22"` in YAML fails a z.number() field as it always did.

/** The schema under optional(), nullable(), default() and the like. */
function baseOf(schema: z.ZodType): z.ZodType {
  let s: z.ZodType = schema;
  for (let i = 0; i < 16; i++) {
    const inner = (s._zod.def as { innerType?: z.ZodType }).innerType;
    if (inner === undefined) break;
    s = inner;
  }
  return s;
}

const INT = /^\s*[-+]?\d+(?:_\d+)*\s*$/;
const FLOAT = /^\s*[-+]?(?:\d+(?:_\d+)*)?(?:\.\d*)?(?:[eE][-+]?\d+)?\s*$/;

/** The value as the schema's type wants it, when Ansible's type checks would convert it; else unchanged. */
export function coerceTemplated(schema: z.ZodType, value: unknown): unknown {
  const base = baseOf(schema);
  if (base instanceof z.ZodNumber && typeof value === "string") {
    if (INT.test(value)) return Number(value.replace(/_/g, ""));
    if (FLOAT.test(value) && /\d/.test(value)) return Number(value.replace(/_/g, ""));
    return value;
  }
  if (base instanceof z.ZodBoolean && (typeof value === "string" || typeof value === "number")) return ansibleBoolean(value) ?? value;
  if (base instanceof z.ZodString) {
    // Python's str(): True, not true.
    if (typeof value === "boolean") return value ? "True" : "False";
    if (typeof value === "number") return String(value);
  }
  return value;
}
