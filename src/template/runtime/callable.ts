// Functions a template can call come in two conventions: ours (Python-like methods, globals and
// loop helpers), which receive positional and keyword arguments separately, and Nunjucks' own
// (macros, `caller`), which receive keyword arguments as a marked trailing object. The marker
// tells the call helper which convention to use.

const PY_CALLABLE = Symbol("do-converge.template.pyCallable");

export type PyFunction = (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => unknown;

export interface PyCallable {
  (args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>): unknown;
  readonly [PY_CALLABLE]: string;
}

export function pyCallable(name: string, fn: PyFunction): PyCallable {
  const wrapped = ((args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>) => fn(args, kwargs)) as PyCallable;
  Object.defineProperty(wrapped, PY_CALLABLE, { value: name, enumerable: false });
  Object.defineProperty(wrapped, "name", { value: name });
  return wrapped;
}

export function isPyCallable(v: unknown): v is PyCallable {
  return typeof v === "function" && PY_CALLABLE in v;
}
