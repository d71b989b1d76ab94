import { TemplateValueError } from "../errors.js";
import { isMapping } from "../values/kinds.js";
import { pyRepr, pyReprHook } from "../values/repr.js";
import { getAttrHook, NO_ATTRIBUTE } from "./attributes.js";

// Jinja2's namespace(): the one object `{% set ns.attr = ... %}` may assign to, which is how a
// template carries state out of a loop (plain `set` inside a loop is scoped to the loop).

export class Namespace {
  readonly attrs: Record<string, unknown> = {};

  constructor(args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) {
    for (const arg of args) {
      if (!isMapping(arg)) throw new TemplateValueError("namespace() positional arguments must be dicts");
      Object.assign(this.attrs, arg);
    }
    Object.assign(this.attrs, kwargs);
  }

  [getAttrHook](name: string): unknown {
    return Object.hasOwn(this.attrs, name) ? this.attrs[name] : NO_ATTRIBUTE;
  }

  [pyReprHook](): string {
    return `<Namespace ${pyRepr(this.attrs)}>`;
  }
}
