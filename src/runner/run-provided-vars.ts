import { z } from "zod";
import { factsAsVars } from "../facts/as-vars.js";
import { Facts } from "../facts/gather.js";

// The names a run gives every template rendering on top of the host's variables (play.ts,
// templateVars): hostvars, and the facts under Ansible's names. Facts are accepted even when a
// play does not gather them: the check must not fail a template that a later play renders.

/** A value of the schema's shape (empty strings, lists and records, zeros, a union's first option, optional parts present). */
function sample(schema: z.ZodType): unknown {
  if (schema instanceof z.ZodObject) {
    return Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, v]) => [k, sample(v)]));
  }
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return sample(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodString) return "";
  if (schema instanceof z.ZodNumber) return 0;
  if (schema instanceof z.ZodBoolean) return false;
  if (schema instanceof z.ZodArray) return [];
  if (schema instanceof z.ZodRecord) return {};
  if (schema instanceof z.ZodLiteral) return schema.value;
  if (schema instanceof z.ZodUnion) return sample(schema.options[0] as z.ZodType);
  throw new Error(`run-provided-vars: no sample value for a ${schema.def.type} in the Facts schema`);
}

let factNames: ReadonlySet<string> | undefined;

/** Every name factsAsVars() produces from a representative Facts (the fixed ones, not per interface). */
function knownFactNames(): ReadonlySet<string> {
  factNames ??= new Set(Object.keys(factsAsVars(Facts.parse(sample(Facts)))));
  return factNames;
}

/** Per-interface facts (ansible_eth0...) and whatever else Ansible-style: every ansible_ name passes. */
const ANSIBLE_NAME = /^ansible_[A-Za-z0-9_]+$/;

export function isRunProvided(name: string): boolean {
  return name === "hostvars" || knownFactNames().has(name) || ANSIBLE_NAME.test(name);
}
