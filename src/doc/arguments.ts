import { z } from "zod";

/** One argument of a module as its reference shows it, read from the argument schema. */
export interface ArgumentDoc {
  name: string;
  /** The type a site writes, TypeScript-like: `string`, `string | integer`, `string[]`. */
  type: string;
  required: boolean;
  /** The default as JSON, when the schema has one. */
  default?: string;
  /** The values accepted, when the schema lists them (an enum or literals; for a list, of its items). */
  choices?: string[];
  description?: string;
}

/** A schema's definition, by the tag zod 4 gives each kind. */
type Def = { type: string } & Record<string, unknown>;
const defOf = (s: z.ZodType): Def => s._zod.def as unknown as Def;

/** Schemas that wrap one inner schema without changing what a site writes (but optionality or a default). */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "catch", "readonly", "nonoptional"]);

/** The schema a site's value meets first: through wrappers, a pipe's input (a preprocess: its output), a lazy's target. */
function written(schema: z.ZodType, depth = 0): z.ZodType {
  if (depth > 32) return schema;
  const def = defOf(schema);
  if (WRAPPERS.has(def.type)) return written(def["innerType"] as z.ZodType, depth + 1);
  if (def.type === "pipe") {
    const input = def["in"] as z.ZodType;
    // z.preprocess: the input is a transform, taking anything; the pipe's output says what it wants.
    return written(defOf(input).type === "transform" ? (def["out"] as z.ZodType) : input, depth + 1);
  }
  if (def.type === "lazy") return written((def["getter"] as () => z.ZodType)(), depth + 1);
  return schema;
}

/** The literal values a schema lists (an enum, literals, or a union of them), else undefined. */
function literalsOf(schema: z.ZodType, depth = 0): unknown[] | undefined {
  const s = written(schema, depth);
  const def = defOf(s);
  if (def.type === "enum") return Object.values(def["entries"] as Record<string, unknown>);
  if (def.type === "literal") return [...(def["values"] as unknown[])];
  if (def.type === "union") {
    const options = def["options"] as z.ZodType[];
    const parts = options.map((o) => literalsOf(o, depth + 1));
    // Any string (or number) also accepted: the literals are examples, not the choices.
    const open = options.some((o, i) => parts[i] === undefined && !["boolean", "null", "undefined"].includes(defOf(written(o, depth + 1)).type));
    const found = parts.filter((p): p is unknown[] => p !== undefined);
    return open || found.length === 0 ? undefined : [...new Set(found.flat())];
  }
  return undefined;
}

/** The type of a literal value, as a TypeScript type name. */
const literalType = (v: unknown): string => (v === null ? "null" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v);

const join = (types: string[]): string => [...new Set(types)].join(" | ");

/** The type a site writes for a schema, TypeScript-like; enums and literals show as their values' types. */
export function typeText(schema: z.ZodType, depth = 0): string {
  if (depth > 16) return "unknown";
  const s = written(schema, depth);
  return plainType(s, defOf(s), depth) + (acceptsNull(schema) ? " | null" : "");
}

/** Whether a wrapper on the way to what a site writes is nullable(). */
function acceptsNull(schema: z.ZodType): boolean {
  let s = schema;
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(s);
    if (def.type === "nullable") return true;
    if (!WRAPPERS.has(def.type)) return false;
    s = def["innerType"] as z.ZodType;
  }
  return false;
}

function plainType(s: z.ZodType, def: Def, depth: number): string {
  switch (def.type) {
    case "string":
    case "template_literal":
      return "string";
    case "number": {
      const format = (s as z.ZodNumber).format;
      return format !== null && /int/.test(format) ? "integer" : "number";
    }
    // Other scalars (boolean, null, unknown, ...) are named by their kind: the default below.
    case "date":
      return "Date";
    case "enum":
    case "literal":
      return join((literalsOf(s) ?? []).map(literalType));
    case "array": {
      const item = typeText(def["element"] as z.ZodType, depth + 1);
      return item.includes(" ") ? `(${item})[]` : `${item}[]`;
    }
    case "set":
      return `Set<${typeText(def["valueType"] as z.ZodType, depth + 1)}>`;
    case "tuple":
      return `[${(def["items"] as z.ZodType[]).map((i) => typeText(i, depth + 1)).join(", ")}]`;
    case "record":
    case "map":
      return `${def.type === "map" ? "Map" : "Record"}<${typeText(def["keyType"] as z.ZodType, depth + 1)}, ${typeText(def["valueType"] as z.ZodType, depth + 1)}>`;
    case "object": {
      const shape = (s as z.ZodObject).shape as Record<string, z.ZodType>;
      const fields = Object.entries(shape).map(([k, v]) => `${k}${v._zod.optin === undefined ? "" : "?"}: ${typeText(v, depth + 1)}`);
      return fields.length === 0 ? "object" : `{ ${fields.join("; ")} }`;
    }
    case "union": {
      const parts = (def["options"] as z.ZodType[]).map((o) => typeText(o, depth + 1));
      return join(parts.flatMap((p) => splitTopLevel(p)));
    }
    case "intersection":
      return `${typeText(def["left"] as z.ZodType, depth + 1)} & ${typeText(def["right"] as z.ZodType, depth + 1)}`;
    case "transform":
    case "custom":
    case "function":
    case "promise":
      return "unknown";
    default:
      return def.type;
  }
}

/** A union's members: `a | b` split where no bracket is open, so unions of unions flatten. */
function splitTopLevel(type: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (c === "(" || c === "<" || c === "{" || c === "[") depth++;
    else if (c === ")" || c === ">" || c === "}" || c === "]") depth--;
    else if (depth === 0 && type.startsWith(" | ", i)) {
      parts.push(type.slice(start, i));
      start = i + 3;
      i += 2;
    }
  }
  parts.push(type.slice(start));
  return parts;
}

/** The first description on the way from a field's outer schema to what a site writes. */
function descriptionOf(schema: z.ZodType): string | undefined {
  let s = schema;
  for (let depth = 0; depth < 32; depth++) {
    if (s.description !== undefined) return s.description;
    const def = defOf(s);
    if (WRAPPERS.has(def.type)) s = def["innerType"] as z.ZodType;
    else if (def.type === "pipe") s = def["in"] as z.ZodType;
    else return undefined;
  }
  return undefined;
}

/** The default of a field, when one of its wrappers gives one. */
function defaultOf(schema: z.ZodType): { value: unknown } | undefined {
  let s = schema;
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(s);
    if (def.type === "default" || def.type === "prefault") return { value: def["defaultValue"] };
    if (WRAPPERS.has(def.type)) s = def["innerType"] as z.ZodType;
    else if (def.type === "pipe") s = def["in"] as z.ZodType;
    else return undefined;
  }
  return undefined;
}

const show = (v: unknown): string => (v === undefined ? "undefined" : typeof v === "number" && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v)));

/** The object schemas a module's arguments take: one, or each member of a union (intersections merged). */
function objectShapes(schema: z.ZodType, depth = 0): z.ZodObject[] {
  if (depth > 16) return [];
  const s = written(schema, depth);
  const def = defOf(s);
  if (def.type === "object") return [s as z.ZodObject];
  if (def.type === "union") return (def["options"] as z.ZodType[]).flatMap((o) => objectShapes(o, depth + 1));
  if (def.type === "intersection") return [...objectShapes(def["left"] as z.ZodType, depth + 1), ...objectShapes(def["right"] as z.ZodType, depth + 1)];
  return [];
}

/**
 * A module's arguments, in the schema's order. An argument of only some members of a union is
 * not required (a site may choose another member).
 */
export function argumentDocs(args: z.ZodType): ArgumentDoc[] {
  const shapes = objectShapes(args);
  const isUnion = shapes.length > 1 && defOf(written(args)).type === "union";
  const byName = new Map<string, ArgumentDoc>();
  for (const shape of shapes) {
    for (const [name, field] of Object.entries(shape.shape as Record<string, z.ZodType>)) {
      if (byName.has(name)) continue;
      const inEvery = !isUnion || shapes.every((o) => Object.hasOwn(o.shape, name));
      const dflt = defaultOf(field);
      const choices = literalsOf(defOf(written(field)).type === "array" ? (defOf(written(field))["element"] as z.ZodType) : field);
      const description = descriptionOf(field);
      byName.set(name, {
        name,
        type: typeText(field),
        // optin: "optional", or "defaulted"; absent for a value a site must give.
        required: inEvery && field._zod.optin === undefined,
        ...(dflt ? { default: show(dflt.value) } : {}),
        ...(choices ? { choices: choices.map(show) } : {}),
        ...(description !== undefined ? { description } : {}),
      });
    }
  }
  return [...byName.values()];
}
