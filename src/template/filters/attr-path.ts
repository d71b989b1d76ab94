import { presentValue } from "../values/hook.js";
import { isMapping, objectTypeRepr } from "../values/kinds.js";
import { Undefined } from "../values/undefined.js";
import { missingItem } from "./args.js";
import { getAttrHook, hasTemplateAttributes, NO_ATTRIBUTE } from "../runtime/attributes.js";
import { lookupMethod } from "../runtime/methods.js";
import { tupleField } from "../values/tagged.js";

// Jinja2's make_attrgetter: `attribute='a.b'` or `'0'` walks items with getitem semantics; a
// missing step yields an Undefined (which tests like `defined` may inspect).

export function getAttrPath(obj: unknown, path: unknown): unknown {
  const parts = typeof path === "number" ? [path] : String(path).split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  let cur: unknown = presentValue(obj);
  for (const part of parts) {
    if (cur instanceof Undefined) return cur;
    if (isMapping(cur) && Object.hasOwn(cur, String(part)) && cur[String(part)] !== undefined) {
      cur = presentValue(cur[String(part)]);
    } else if ((Array.isArray(cur) || typeof cur === "string") && typeof part === "number" && part < cur.length) {
      cur = presentValue(cur[part]);
    } else {
      const hint =
        typeof part === "number" ? `'${objectTypeRepr(cur)}' has no element ${part}` : `'${objectTypeRepr(cur)}' has no attribute '${part}'`;
      return missingItem(String(path), hint);
    }
  }
  return cur;
}

/** Jinja2's ignore_case postprocessor for sort/min/max/unique keys. */
export function ignoreCase(v: unknown): unknown {
  return typeof v === "string" ? v.toLowerCase() : v;
}

export function keyFunction(attribute: unknown, caseSensitive: boolean): (item: unknown) => unknown {
  const post = caseSensitive ? (v: unknown) => v : ignoreCase;
  if (attribute === undefined || attribute === null) return (item) => post(presentValue(item));
  const attrs = typeof attribute === "string" && attribute.includes(",") ? attribute.split(",").map((a) => a.trim()) : [attribute];
  if (attrs.length === 1) return (item) => post(getAttrPath(item, attrs[0]));
  return (item) => attrs.map((a) => post(getAttrPath(item, a)));
}

/** Jinja2's attr filter: getattr(obj, name) — methods and runtime attributes, never dict items. */
export function getAttribute(raw: unknown, name: string): unknown {
  const obj = presentValue(raw);
  if (obj instanceof Undefined) return obj;
  if (hasTemplateAttributes(obj)) {
    const v = obj[getAttrHook](name);
    if (v !== NO_ATTRIBUTE) return v;
  } else if (Array.isArray(obj)) {
    const field = tupleField(obj, name);
    if (field.found) return field.value;
  }
  return lookupMethod(obj, name) ?? missingItem(name, `'${objectTypeRepr(obj)}' has no attribute '${name}'`);
}
