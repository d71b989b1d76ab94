import { createHash, randomBytes } from "node:crypto";
import { TemplateValueError } from "./errors.js";
import { bindArguments } from "./values/arguments.js";
import { numericValue } from "./values/py-float.js";
import { pyReprHook } from "./values/repr.js";
import { pyStr } from "./values/repr.js";
import { getAttrHook, NO_ATTRIBUTE } from "./runtime/attributes.js";
import { pyCallable, type PyCallable } from "./runtime/callable.js";
import { Namespace } from "./runtime/namespace.js";

// Jinja2's global functions: range, dict, namespace, cycler, joiner. Ansible's lookup()/query()
// are deliberately absent: templates here render from the variables they are given.

function intArg(fn: string, v: unknown): number {
  const n = numericValue(v);
  if (n === undefined || !Number.isInteger(n)) throw new TemplateValueError(`${fn}() integer argument expected, got ${pyStr(v)}`);
  return n;
}

/** Python's range() materialised as a list (templates only ever iterate or print it). */
export function pyRange(args: readonly unknown[]): number[] {
  if (args.length === 0 || args.length > 3) throw new TemplateValueError(`range expected 1 to 3 arguments, got ${args.length}`);
  const [a, b, c] = args.map((v) => intArg("range", v));
  const [start, stop, step] = args.length === 1 ? [0, a ?? 0, 1] : [a ?? 0, b ?? 0, c ?? 1];
  if (step === 0) throw new TemplateValueError("range() arg 3 must not be zero");
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

class Cycler {
  private pos = 0;
  constructor(private readonly items: readonly unknown[]) {
    if (items.length === 0) throw new TemplateValueError("at least one item has to be provided");
  }
  [pyReprHook](): string {
    return "<Cycler>";
  }
  [getAttrHook](name: string): unknown {
    switch (name) {
      case "current":
        return this.items[this.pos];
      case "next":
        return pyCallable("cycler.next", () => {
          const v = this.items[this.pos];
          this.pos = (this.pos + 1) % this.items.length;
          return v;
        });
      case "reset":
        return pyCallable("cycler.reset", () => {
          this.pos = 0;
          return null;
        });
      default:
        return NO_ATTRIBUTE;
    }
  }
}

/** Ansible's `omit` placeholder: a string unique to the run ("__omit_place_holder__" + a SHA-1). */
export const OMIT = `__omit_place_holder__${createHash("sha1").update(randomBytes(64)).digest("hex")}`;

export function createGlobals(): Record<string, PyCallable | string> {
  return {
    omit: OMIT,
    // The template module's ansible_managed, with Ansible's default text (a variable of that name wins).
    ansible_managed: "Ansible managed",
    range: pyCallable("range", (args) => pyRange(args)),
    dict: pyCallable("dict", (args, kwargs) => {
      const out: Record<string, unknown> = {};
      for (const a of args) {
        // dict(mapping) or dict(iterable of (key, value) pairs), as Python's dict() takes.
        if (Array.isArray(a)) for (const pair of a as unknown[][]) out[String(pair[0])] = pair[1];
        else Object.assign(out, a);
      }
      return Object.assign(out, kwargs);
    }),
    namespace: pyCallable("namespace", (args, kwargs) => new Namespace(args, kwargs)),
    cycler: pyCallable("cycler", (args) => new Cycler(args)),
    joiner: pyCallable("joiner", (args, kwargs) => {
      const [sep] = bindArguments("joiner", ["sep"], args, kwargs);
      let used = false;
      return pyCallable("joiner", () => {
        if (!used) {
          used = true;
          return "";
        }
        return sep === undefined ? ", " : sep;
      });
    }),
  };
}
