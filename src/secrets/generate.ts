import type { Site } from "../site/dsl.js";
import { SecretsError } from "./errors.js";
import { type SecretSlot, generateSecret, secretSlots } from "./schema.js";

/** Every secret variable the roles of a site declare, once per path (roles may share one). */
export function siteSecretSlots(site: Site): SecretSlot[] {
  const seen = new Map<string, SecretSlot>();
  for (const play of site.plays) {
    for (const role of play.roles) {
      for (const slot of secretSlots(role.varsSchema)) {
        const key = slot.path.join(".");
        if (!seen.has(key)) seen.set(key, slot);
      }
    }
  }
  return [...seen.values()].sort((a, b) => a.path.join(".").localeCompare(b.path.join(".")));
}

type Mapping = Record<string, unknown>;

function isMapping(v: unknown): v is Mapping {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Adds a generated value for every slot the mapping lacks and keeps every value it has: run it
 * again and nothing changes, so salts and passwords are stable across runs. Returns the paths
 * added, and those missing that only the operator can set (never values: they must not reach
 * output).
 */
export function fillSecrets(file: string, existing: Mapping, slots: readonly SecretSlot[]): { values: Mapping; added: string[]; unset: string[] } {
  const values: Mapping = structuredClone(existing);
  const added: string[] = [];
  const unset: string[] = [];
  for (const slot of slots) {
    if (!slot.spec.generate) {
      if (lookup(values, slot.path) === undefined) unset.push(slot.path.join("."));
      continue;
    }
    let node = values;
    for (const key of slot.path.slice(0, -1)) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (!isMapping(next)) throw new SecretsError(file, `${slot.path.join(".")}: ${key} is set but is not a mapping`);
      node = node[key] as Mapping;
    }
    const leaf = slot.path.at(-1);
    if (leaf === undefined || node[leaf] !== undefined) continue;
    node[leaf] = generateSecret(slot.spec);
    added.push(slot.path.join("."));
  }
  return { values, added, unset };
}

function lookup(values: Mapping, path: readonly string[]): unknown {
  let node: unknown = values;
  for (const key of path) node = isMapping(node) ? node[key] : undefined;
  return node;
}
