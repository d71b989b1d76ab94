// Python has several sequence types that JS can only hold as arrays: tuples, sets (which only
// ast.literal_eval produces here: `{1, 2}`, `set()`), and the views returned by
// dict.items()/keys()/values(). They behave like lists but print differently (`(1, 2)`,
// `{1, 2}`, `dict_items([...])`), so arrays carry a non-enumerable tag for repr(). A set's array
// holds its distinct items in insertion order (CPython iterates a set in hash order, which for
// strings changes with every process).

export type SequenceKind = "tuple" | "set" | "dict_items" | "dict_keys" | "dict_values";

const KIND = Symbol("do-converge.template.sequenceKind");

interface Tagged {
  [KIND]?: SequenceKind;
}

export function tagSequence<T>(items: T[], kind: SequenceKind): T[] {
  Object.defineProperty(items, KIND, { value: kind, enumerable: false });
  return items;
}

export function tuple<T>(items: T[]): T[] {
  return tagSequence(items, "tuple");
}

export function sequenceKind(items: readonly unknown[]): SequenceKind | "list" {
  return (items as Tagged)[KIND] ?? "list";
}

/** A Python set of distinct items (the caller has removed duplicates by Python's equality). */
export function pySet<T>(items: T[]): T[] {
  return tagSequence(items, "set");
}

export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && sequenceKind(v) === "tuple";
}

const FIELDS = Symbol("do-converge.template.tupleFields");

interface Named {
  [FIELDS]?: readonly string[];
}

/** A tuple whose items are also attributes (Python's namedtuple), e.g. groupby's (grouper, list). */
export function namedTuple<T>(items: T[], fields: readonly string[]): T[] {
  Object.defineProperty(items, FIELDS, { value: fields, enumerable: false });
  return tuple(items);
}

export function tupleField(items: readonly unknown[], name: string): { found: boolean; value?: unknown } {
  const fields = (items as Named)[FIELDS];
  const at = fields?.indexOf(name) ?? -1;
  return at < 0 ? { found: false } : { found: true, value: items[at] };
}
