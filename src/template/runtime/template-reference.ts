import { nunjucksInternals, type RuntimeContext } from "../nunjucks/internals.js";
import { pyReprHook } from "../values/repr.js";
import { getAttrHook, NO_ATTRIBUTE } from "./attributes.js";
import { pyCallable } from "./callable.js";

// Jinja2's `self`: `{{ self.title() }}` renders the template's block `title` again (the most
// derived version, as the block would render in place).

interface BlockContext extends RuntimeContext {
  env: unknown;
  blocks: Record<string, unknown[]>;
  getBlock(name: string): (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: (err: unknown, out?: string) => void) => void;
}

export class TemplateReference {
  constructor(private readonly context: RuntimeContext) {}

  [pyReprHook](): string {
    return "<TemplateReference>";
  }

  [getAttrHook](name: string): unknown {
    const context = this.context as BlockContext;
    if (!Object.hasOwn(context.blocks, name)) return NO_ATTRIBUTE;
    return pyCallable(`self.${name}`, () => {
      let out = "";
      context.getBlock(name)(context.env, context, new nunjucksInternals.runtime.Frame(), nunjucksInternals.runtime, (err, res) => {
        if (err) throw err;
        out = res ?? "";
      });
      return out;
    });
  }
}
