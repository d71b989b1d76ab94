import { isMap, isPair, isScalar, type Pair, type YAMLMap } from "yaml";
import { isPossiblyTemplate } from "../vars/template-text.js";
import { docComment, isPlainObject, literal, propKey } from "./code.js";
import type { YamlFile } from "./yaml-file.js";

/** One role variable: its name, zod expression (with the default) and the comment it had. */
export interface InferredVar {
  name: string;
  zod: string;
  comment: string | undefined;
  /** Where it was set (defaults/main.yml:3), for the summary and the generated comment. */
  at: string;
}

/**
 * A zod type for a value as Ansible roles use it. A template (`"{{ x }}"`) gives a value only
 * known when evaluated, of any type, so it is typed loosely with its text as the default.
 */
export function zodFor(value: unknown): string {
  if (typeof value === "string") return isPossiblyTemplate(value) ? "z.unknown()" : "z.string()";
  if (typeof value === "boolean") return "z.boolean()";
  if (typeof value === "number") return Number.isInteger(value) ? "z.number().int()" : "z.number()";
  if (typeof value === "bigint") return "z.unknown()";
  if (Array.isArray(value)) return `z.array(${elementType(value)})`;
  if (isPlainObject(value)) return "z.record(z.string(), z.unknown())";
  return "z.unknown()";
}

function elementType(items: readonly unknown[]): string {
  const types = new Set(items.map(zodFor));
  const [only] = types;
  // Lists of dicts and mixed lists: their items are whatever the role's tasks and templates read.
  return types.size === 1 && only !== undefined && !only.startsWith("z.record") ? only : "z.unknown()";
}

export function withDefault(value: unknown, indent: string): string {
  const zod = zodFor(value);
  // A null default (`foo:` or `foo: ~`) means "unset": the variable may hold anything.
  if (value === null || value === undefined) return "z.unknown().default(null)";
  return `${zod}.default(${literal(value, { templates: false }, indent)})`;
}

/** The variables of a defaults or vars file, in file order, each with the comment above it. */
export function inferVars(file: YamlFile): InferredVar[] {
  const root = file.doc.contents;
  if (root === null) return [];
  if (!isMap(root)) return [];
  const out: InferredVar[] = [];
  (root as YAMLMap).items.forEach((pair, i) => {
    if (!isPair(pair) || !isScalar(pair.key)) return;
    const name = String(pair.key.value);
    out.push({
      name,
      zod: withDefault(valueOf(pair, file), "    "),
      comment: commentOf(pair, i === 0 ? [root.commentBefore, file.doc.commentBefore] : []),
      at: `${file.rel}:${file.line(pair.key)}`,
    });
  });
  return out;
}

function valueOf(pair: Pair, file: YamlFile): unknown {
  const v = pair.value;
  if (v === null || v === undefined) return null;
  return (v as { toJS(doc: YamlFile["doc"]): unknown }).toJS(file.doc);
}

function commentOf(pair: Pair, fallbacks: readonly (string | null | undefined)[]): string | undefined {
  const key = pair.key as { commentBefore?: string | null };
  const own = key.commentBefore ?? fallbacks.find((c) => c !== null && c !== undefined && c !== "");
  return own === null || own === undefined || own.trim() === "" ? undefined : own;
}

/** The schema's entries as code lines. */
export function schemaLines(vars: readonly InferredVar[], indent: string): string[] {
  const lines: string[] = [];
  for (const v of vars) {
    if (v.comment) lines.push(...docComment(v.comment, indent));
    lines.push(`${indent}${propKey(v.name)}: ${v.zod},`);
  }
  return lines;
}
