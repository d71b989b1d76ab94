import type { PyConstant } from "./constants.js";

// The values ast.literal_eval builds, with Python's types: its constants and the four
// containers. Dict entries and set items are already unique by Python's equality.

export type PyValue =
  | PyConstant
  | { readonly type: "tuple" | "list" | "set"; readonly items: readonly PyValue[] }
  | { readonly type: "dict"; readonly entries: readonly (readonly [PyValue, PyValue])[] };
