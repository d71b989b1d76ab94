import { TemplateValueError } from "../errors.js";

// Binding of Python-style call arguments (positional + keyword) to a parameter list, so methods,
// globals and filters can be declared with Python's signatures: `["sep", "maxsplit"]`, or with a
// leading "*name" parameter that collects the remaining positional arguments.

/**
 * One slot per declared parameter (undefined when not given); a "*rest" slot holds the remaining
 * positional arguments as an array, a "**kw" slot the unknown keyword arguments as an object.
 */
export function bindArguments(
  callee: string,
  params: readonly string[],
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
): unknown[] {
  const values: unknown[] = new Array<unknown>(params.length).fill(undefined);
  const restIndex = params.findIndex((p) => p.startsWith("*") && !p.startsWith("**"));
  const kwIndex = params.findIndex((p) => p.startsWith("**"));
  const extra: Record<string, unknown> = {};
  if (kwIndex >= 0) values[kwIndex] = extra;
  const named = params.filter((p) => !p.startsWith("*")).length;
  const positional = restIndex < 0 ? named : restIndex;
  if (restIndex < 0 && args.length > named) {
    throw new TemplateValueError(`${callee}() takes at most ${params.length} arguments (${args.length} given)`);
  }
  for (let i = 0; i < Math.min(args.length, positional); i++) values[i] = args[i];
  if (restIndex >= 0) values[restIndex] = args.slice(positional);
  for (const [key, value] of Object.entries(kwargs)) {
    const at = params.indexOf(key);
    if ((at < 0 || at === restIndex) && kwIndex >= 0) {
      extra[key] = value;
      continue;
    }
    if (at < 0 || at === restIndex) {
      throw new TemplateValueError(`${callee}() got an unexpected keyword argument '${key}'`);
    }
    if (at < args.length && at < positional) {
      throw new TemplateValueError(`${callee}() got multiple values for argument '${key}'`);
    }
    values[at] = value;
  }
  return values;
}
