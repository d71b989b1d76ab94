import type { SourceLocation } from "../errors.js";
import { pyEquals } from "../values/compare.js";
import { pyReprHook } from "../values/repr.js";
import { Undefined } from "../values/undefined.js";
import { getAttrHook, NO_ATTRIBUTE } from "./attributes.js";
import { pyCallable } from "./callable.js";

// Jinja2's `loop` variable. Counts refer to the items actually iterated, i.e. after a
// `{% for x in xs if cond %}` filter, as in Jinja2.

const NOT_SET = Symbol("not set");

export class LoopContext {
  index0 = -1;
  private lastChanged: unknown = NOT_SET;

  constructor(
    private readonly items: readonly unknown[],
    private readonly site: SourceLocation,
    private readonly depth = 1,
    /** For a `recursive` loop: renders the loop body over other items, one level deeper. */
    readonly recurse?: (items: unknown) => string,
  ) {}

  get length(): number {
    return this.items.length;
  }

  [pyReprHook](): string {
    return `<LoopContext ${this.index0 + 1}/${this.items.length}>`;
  }

  [getAttrHook](name: string): unknown {
    const n = this.items.length;
    const i = this.index0;
    switch (name) {
      case "index":
        return i + 1;
      case "index0":
        return i;
      case "revindex":
        return n - i;
      case "revindex0":
        return n - i - 1;
      case "first":
        return i === 0;
      case "last":
        return i === n - 1;
      case "length":
        return n;
      case "depth":
        return this.depth;
      case "depth0":
        return this.depth - 1;
      case "previtem":
        return i > 0 ? this.items[i - 1] : new Undefined("loop.previtem", "there is no previous item", this.site);
      case "nextitem":
        return i < n - 1 ? this.items[i + 1] : new Undefined("loop.nextitem", "there is no next item", this.site);
      case "cycle":
        return pyCallable("loop.cycle", (args) => {
          if (args.length === 0) throw new TypeError("no items for cycling given");
          return args[i % args.length];
        });
      case "changed":
        return pyCallable("loop.changed", (args) => {
          const value = [...args];
          if (this.lastChanged !== NOT_SET && pyEquals(this.lastChanged, value)) return false;
          this.lastChanged = value;
          return true;
        });
      default:
        return NO_ATTRIBUTE;
    }
  }
}
