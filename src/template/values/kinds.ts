import { PyFloat } from "./py-float.js";
import { sequenceKind } from "./tagged.js";
import { Undefined } from "./undefined.js";

// Classification of template values in Python terms. Variables are JSON-like data, so a "dict" is
// a plain object; class instances (loop contexts, namespaces, cyclers) are "objects".

export type PyDict = Record<string, unknown>;

export function isMapping(v: unknown): v is PyDict {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isSequence(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

export function isString(v: unknown): v is string {
  return typeof v === "string";
}

/** A value class standing for a Python type JavaScript lacks (bytes, complex) names that type here. */
export const pyTypeNameHook: unique symbol = Symbol.for("do-converge.template.typeName");

interface TypeNamed {
  [pyTypeNameHook]: string;
}

function hasTypeName(v: object): v is TypeNamed {
  return typeof (v as Partial<TypeNamed>)[pyTypeNameHook] === "string";
}

/** Python's type name, for error messages ("'int' object is not iterable"). */
export function pyTypeName(v: unknown): string {
  if (v === null) return "NoneType";
  if (v instanceof Undefined) return "Undefined";
  if (v instanceof PyFloat) return "float";
  switch (typeof v) {
    case "string":
      return "str";
    case "boolean":
      return "bool";
    case "number":
      return Number.isInteger(v) ? "int" : "float";
    case "bigint":
      return "int";
    case "function":
      return "function";
    default:
      break;
  }
  if (Array.isArray(v)) {
    const kind = sequenceKind(v);
    return kind === "list" ? "list" : kind;
  }
  if (isMapping(v)) return "dict";
  if (typeof v === "object" && hasTypeName(v)) return v[pyTypeNameHook];
  return (v as object).constructor?.name ?? "object";
}

/** Jinja2's object_type_repr, used in "'dict object' has no attribute 'x'". */
export function objectTypeRepr(v: unknown): string {
  if (v === null) return "None";
  return `${pyTypeName(v)} object`;
}
