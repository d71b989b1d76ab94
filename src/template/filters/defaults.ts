import { FilterError } from "../errors.js";
import { pyTruthy } from "../values/compare.js";
import { Undefined } from "../values/undefined.js";
import { defineFilter, type FilterTable } from "./registry.js";

// The filters that exist to handle undefined values: default/d (with Jinja2's boolean flag),
// mandatory, and ternary (Ansible's three-way choice, with none_val).

const byDefault = defineFilter(
  ["default_value", "boolean"],
  (v, [fallback, boolean]) => {
    if (v instanceof Undefined) return fallback === undefined ? "" : fallback;
    if (boolean !== undefined && typeof boolean !== "boolean") {
      throw new FilterError("default", "the 'boolean' argument must be true or false");
    }
    if (boolean === true && !pyTruthy(v)) return fallback === undefined ? "" : fallback;
    return v;
  },
  { acceptsUndefined: true },
);

export const defaultFilters: FilterTable = {
  default: byDefault,
  d: byDefault,
  mandatory: defineFilter(
    ["msg"],
    (v, [msg]) => {
      if (v instanceof Undefined) {
        if (msg !== undefined && msg !== null) throw new FilterError("mandatory", String(msg));
        throw new FilterError("mandatory", `Mandatory variable '${v.name}' not defined.`);
      }
      return v;
    },
    { acceptsUndefined: true },
  ),
  ternary: defineFilter(["true_val", "false_val", "none_val"], (v, [t, f, none]) => {
    if (v === null && none !== undefined && none !== null) return none;
    return pyTruthy(v) ? t : f;
  }),
};
