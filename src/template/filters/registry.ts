// How filters and tests are declared. Each declares its Python signature (parameter names, in
// order) so positional and keyword arguments bind as in Jinja2 — `default('x', true)` and
// `default(default_value='x', boolean=true)` mean the same. Implementations receive the bound
// arguments as an array, undefined where not given.

export interface CallEnvironment {
  /** Applies another filter, as `map('upper')` does. */
  callFilter(name: string, input: unknown, args: readonly unknown[], kwargs?: Readonly<Record<string, unknown>>): unknown;
  /** Applies a test, as `select('match', 're')` does. */
  callTest(name: string, value: unknown, args: readonly unknown[], kwargs?: Readonly<Record<string, unknown>>): boolean;
  /** Whether a filter / test of that name exists (Jinja2's `is filter` / `is test`). */
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
}

export interface FilterDefinition {
  readonly params: readonly string[];
  /** The filter handles Undefined inputs itself (default, mandatory); others fail on them. */
  readonly acceptsUndefined?: boolean;
  readonly fn: (input: unknown, args: unknown[], env: CallEnvironment) => unknown;
}

export interface TestDefinition {
  readonly params: readonly string[];
  readonly acceptsUndefined?: boolean;
  readonly fn: (value: unknown, args: unknown[], env: CallEnvironment) => boolean;
}

export type FilterTable = Readonly<Record<string, FilterDefinition>>;
export type TestTable = Readonly<Record<string, TestDefinition>>;

export function defineFilter(
  params: readonly string[],
  fn: FilterDefinition["fn"],
  options: { acceptsUndefined?: boolean } = {},
): FilterDefinition {
  return { params, fn, ...options };
}

export function defineTest(
  params: readonly string[],
  fn: TestDefinition["fn"],
  options: { acceptsUndefined?: boolean } = {},
): TestDefinition {
  return { params, fn, ...options };
}
