import { TemplateValueError } from "../errors.js";
import { nunjucksInternals } from "../nunjucks/internals.js";
import { tuple } from "../values/tagged.js";
import { getAttrHook, NO_ATTRIBUTE } from "./attributes.js";

// Jinja2's macro calling convention on top of Nunjucks' compiled macros: positional arguments
// bind to the parameters in order (defaults included), keyword arguments by name, extras go to
// `varargs` / `kwargs` when the body uses them and are an error otherwise. A macro also answers
// Jinja2's attributes (name, arguments, catch_kwargs, catch_varargs, caller).

const { makeKeywordArgs } = nunjucksInternals.runtime;

export interface MacroShape {
  name: string;
  /** Parameters without a default, then those with one, in declaration order. */
  required: readonly string[];
  optional: readonly string[];
  catchVarargs: boolean;
  catchKwargs: boolean;
  caller: boolean;
}

/** The compiled body: required parameters positionally, then defaults-or-given as a keyword object, then varargs and kwargs. */
export type MacroBody = (...args: unknown[]) => unknown;

function isKeywords(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.hasOwn(v, "__keywords");
}

export function makeJinjaMacro(shape: MacroShape, body: MacroBody): (...args: unknown[]) => unknown {
  const params = [...shape.required, ...shape.optional];
  const macro = (...raw: unknown[]): unknown => {
    const last = raw[raw.length - 1];
    const keywords = isKeywords(last) ? raw.pop() as Record<string, unknown> : {};
    const bound = new Map<string, unknown>();
    const extra: unknown[] = [];
    raw.forEach((v, i) => {
      const name = params[i];
      if (name !== undefined) bound.set(name, v);
      else extra.push(v);
    });
    if (extra.length > 0 && !shape.catchVarargs) {
      throw new TemplateValueError(`macro '${shape.name}' takes not more than ${params.length} argument(s)`);
    }
    const extraKw: Record<string, unknown> = {};
    const passed: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(keywords)) {
      if (k === "__keywords") continue;
      if (params.includes(k)) {
        if (bound.has(k)) throw new TemplateValueError(`macro '${shape.name}' got multiple values for argument '${k}'`);
        bound.set(k, v);
      } else if (k === "caller") {
        passed.caller = v;
      } else if (shape.catchKwargs) {
        extraKw[k] = v;
      } else {
        throw new TemplateValueError(`macro '${shape.name}' takes no keyword argument '${k}'`);
      }
    }
    for (const name of shape.optional) if (bound.has(name)) passed[name] = bound.get(name);
    return body(...shape.required.map((n) => bound.get(n)), makeKeywordArgs(passed), tuple(extra), extraKw);
  };
  Object.defineProperty(macro, getAttrHook, {
    value: (attr: string): unknown => {
      switch (attr) {
        case "name":
          return shape.name;
        case "arguments":
          return tuple([...params]);
        case "catch_kwargs":
          return shape.catchKwargs;
        case "catch_varargs":
          return shape.catchVarargs;
        case "caller":
          return shape.caller;
        default:
          return NO_ATTRIBUTE;
      }
    },
  });
  return macro;
}
