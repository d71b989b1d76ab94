import { presentValue } from "./hook.js";
import { isMapping } from "./kinds.js";
import { pyRepr, stringRepr } from "./repr.js";
import { sequenceKind } from "./tagged.js";

// Python's pprint.pformat(value) (width 80, indent 1, dict keys sorted), which Jinja2's pprint
// filter prints: the repr on one line when it fits, else containers broken one item per line,
// each continuation indented to its opening bracket, as CPython's PrettyPrinter._format does.

const WIDTH = 80;

function sortedKeys(d: Record<string, unknown>): string[] {
  return Object.keys(d).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** repr() with dict keys sorted, as pprint's _safe_repr prints. */
function sortedRepr(raw: unknown): string {
  const v = presentValue(raw);
  if (Array.isArray(v)) {
    const items = v.map(sortedRepr);
    switch (sequenceKind(v)) {
      case "tuple":
        return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
      case "list":
        return `[${items.join(", ")}]`;
      default:
        return pyRepr(v);
    }
  }
  if (isMapping(v)) return `{${sortedKeys(v).map((k) => `${stringRepr(k)}: ${sortedRepr(v[k])}`).join(", ")}}`;
  return pyRepr(v);
}

function format(raw: unknown, indent: number, allowance: number): string {
  const v = presentValue(raw);
  const rep = sortedRepr(v);
  if (rep.length <= WIDTH - indent - allowance) return rep;
  if (isMapping(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return rep;
    const inner = indent + 1;
    const parts = keys.map((k, i) => {
      const last = i === keys.length - 1;
      const kr = stringRepr(k);
      return `${kr}: ${format(v[k], inner + kr.length + 2, last ? allowance + 1 : 1)}`;
    });
    return `{${parts.join(`,\n${" ".repeat(inner)}`)}}`;
  }
  if (Array.isArray(v) && (sequenceKind(v) === "list" || sequenceKind(v) === "tuple")) {
    if (v.length === 0) return rep;
    const tuple = sequenceKind(v) === "tuple";
    const inner = indent + 1;
    const close = tuple && v.length === 1 ? ",)" : tuple ? ")" : "]";
    const parts = v.map((item, i) => format(item, inner, i === v.length - 1 ? allowance + 1 : 1));
    return `${tuple ? "(" : "["}${parts.join(`,\n${" ".repeat(inner)}`)}${close}`;
  }
  return rep;
}

export function pyPformat(v: unknown): string {
  return format(v, 0, 0);
}
