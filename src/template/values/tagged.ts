// Python has several sequence types that JS can only hold as arrays: tuples, and the views
// returned by dict.items()/keys()/values(). They behave like lists but print differently
// (`(1, 2)`, `dict_items([...])`), so arrays carry a non-enumerable tag for repr().

export type SequenceKind = "tuple" | "dict_items" | "dict_keys" | "dict_values";

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
