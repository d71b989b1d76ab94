import { pyTypeNameHook } from "./kinds.js";
import { pyReprHook } from "./repr.js";

// Python's Ellipsis (`...`), a constant ast.literal_eval accepts. One shared object, as in Python.

class PyEllipsisType {
  readonly [pyTypeNameHook] = "ellipsis";

  [pyReprHook](): string {
    return "Ellipsis";
  }

  toString(): string {
    return "Ellipsis";
  }
}

export const pyEllipsis = new PyEllipsisType();

export function isPyEllipsis(v: unknown): boolean {
  return v === pyEllipsis;
}
