import { isPossiblyTemplate } from "../vars/template-text.js";

// Printing values as TypeScript that reads like hand-written code: short values on one line,
// longer ones one entry per line, text holding Jinja2 as jinja("...") so it is evaluated when run.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const RESERVED = new Set(["break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected", "public", "await"]);

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

export function str(s: string): string {
  return JSON.stringify(s);
}

export function propKey(k: string): string {
  return isIdentifier(k) ? k : str(k);
}

/** `v.name`, or `v["a-b"]` for a name that is no identifier. */
export function member(obj: string, name: string): string {
  return isIdentifier(name) ? `${obj}.${name}` : `${obj}[${str(name)}]`;
}

export interface LiteralOptions {
  /** Strings holding Jinja2 become jinja("...") (task arguments), or stay text (defaults). */
  templates: boolean;
}

const WIDTH = 100;

/** A value as a TypeScript expression, broken over lines (indented by `indent`) when long. */
export function literal(value: unknown, opts: LiteralOptions, indent = ""): string {
  const flat = inline(value, opts);
  if (flat.length + indent.length <= WIDTH || !(Array.isArray(value) || isPlainObject(value))) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((x) => `${inner}${literal(x, opts, inner)},`).join("\n")}\n${indent}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{\n${entries.map(([k, x]) => `${inner}${propKey(k)}: ${literal(x, opts, inner)},`).join("\n")}\n${indent}}`;
}

function inline(value: unknown, opts: LiteralOptions): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return opts.templates && isPossiblyTemplate(value) ? `jinja(${str(value)})` : str(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "bigint") return str(String(value));
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map((x) => inline(x, opts)).join(", ")}]`;
  if (value instanceof Date) return str(value.toISOString());
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([k, x]) => `${propKey(k)}: ${inline(x, opts)}`).join(", ")} }`;
  }
  return str(String(value));
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** YAML comment text as a /** *\/ doc comment at `indent` (the text cannot close the comment early). */
export function docComment(text: string, indent: string): string[] {
  const lines = text.split("\n").map((l) => l.trimEnd().replace(/\*\//g, "*\\/"));
  while (lines.length > 0 && lines[0] === "") lines.shift();
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return [];
  if (lines.length === 1) return [`${indent}/** ${lines[0]?.trim() ?? ""} */`];
  return [`${indent}/**`, ...lines.map((l) => (l === "" ? `${indent} *` : `${indent} * ${l.replace(/^ /, "")}`)), `${indent} */`];
}

/** Text as `//` comment lines. */
export function lineComment(text: string, indent: string): string[] {
  return text.split("\n").map((l) => `${indent}// ${l}`.trimEnd());
}
