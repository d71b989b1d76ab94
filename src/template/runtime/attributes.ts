// Runtime objects that templates read attributes from (`loop.index`, `ns.found`, `c.next()`)
// implement this protocol instead of exposing their JS internals to attribute lookup.

export const getAttrHook: unique symbol = Symbol.for("do-converge.template.getattr");

/** Returned by an attribute hook for names the object does not have. */
export const NO_ATTRIBUTE: unique symbol = Symbol.for("do-converge.template.noAttribute");

export interface HasTemplateAttributes {
  [getAttrHook](name: string): unknown;
}

export function hasTemplateAttributes(v: unknown): v is HasTemplateAttributes {
  return (typeof v === "object" || typeof v === "function") && v !== null && typeof (v as Partial<HasTemplateAttributes>)[getAttrHook] === "function";
}
