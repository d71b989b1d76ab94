import { FilterError } from "../errors.js";
import { pyCompare, pyContains, pyEquals, pyTruthy } from "../values/compare.js";
import { pyIterable } from "../values/iterate.js";
import { isMapping, pyTypeName } from "../values/kinds.js";
import { pyIntResult } from "../values/arithmetic.js";
import { isPyFloat, numericValue, pyFloat } from "../values/py-float.js";
import { pyStr } from "../values/repr.js";
import { tuple } from "../values/tagged.js";
import { flag, int, list, missingItem, optionalText } from "./args.js";
import { getAttrPath, keyFunction } from "./attr-path.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Sequence filters: Jinja2's (first, last, length, join, min, max, sum, sort, unique, list,
// reverse, batch, slice) and Ansible's (flatten, the set-theory filters, zip, product,
// permutations, combinations), with Python's ordering and equality.

/** Jinja2's do_unique: first occurrence wins; case-insensitive for strings unless asked. */
export function uniqueItems(items: readonly unknown[], caseSensitive: boolean, attribute?: unknown): unknown[] {
  const key = keyFunction(attribute, caseSensitive);
  const seen: unknown[] = [];
  const out: unknown[] = [];
  for (const item of items) {
    const k = key(item);
    if (!seen.some((s) => pyEquals(s, k))) {
      seen.push(k);
      out.push(item);
    }
  }
  return out;
}

function sortBy(items: readonly unknown[], key: (item: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((item, i) => ({ item, k: key(item), i }));
  keyed.sort((a, b) => {
    const c = pyCompare(a.k, b.k);
    if (c !== 0) return reverse ? -c : c;
    return a.i - b.i;
  });
  return keyed.map((e) => e.item);
}

/** Ansible's flatten: nested lists to the given depth, dropping None/'None'/'null' items. */
export function flatten(items: readonly unknown[], levels: number | undefined, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const el of items) {
    if (skipNulls && (el === null || el === "None" || el === "null")) continue;
    if (Array.isArray(el)) {
      if (levels === undefined) out.push(...flatten(el, undefined, skipNulls));
      else if (levels >= 1) out.push(...flatten(el, levels - 1, skipNulls));
      else out.push(el);
    } else {
      out.push(el);
    }
  }
  return out;
}

function aggregate(kind: "min" | "max") {
  return defineFilter(["case_sensitive", "attribute"], (v, [cs, attribute]) => {
    const items = pyIterable(v);
    if (items.length === 0) return missingItem(kind, "No aggregated item, sequence was empty.");
    const key = keyFunction(attribute, flag(cs));
    let best = items[0];
    let bestKey = key(best);
    for (const item of items.slice(1)) {
      const k = key(item);
      const c = pyCompare(k, bestKey);
      if ((kind === "min" && c < 0) || (kind === "max" && c > 0)) {
        best = item;
        bestKey = k;
      }
    }
    return best;
  });
}

function sumOf(items: readonly unknown[], start: unknown): unknown {
  let total = numericValue(start);
  let float = isPyFloat(start);
  if (total === undefined) throw new FilterError("sum", `unsupported start value of type '${pyTypeName(start)}'`);
  // The exact int sum, kept while every term is an int: Python's ints do not round past 2^53.
  let exact: bigint | undefined = float ? undefined : BigInt(total);
  for (const item of items) {
    const n = numericValue(item);
    if (n === undefined) throw new FilterError("sum", `unsupported operand type(s) for +: 'int' and '${pyTypeName(item)}'`);
    total += n;
    float ||= isPyFloat(item);
    exact = float || exact === undefined ? undefined : exact + (typeof item === "bigint" ? item : BigInt(n));
  }
  if (float) return pyFloat(total);
  return exact !== undefined && !Number.isSafeInteger(total) ? pyIntResult(exact) : total;
}

function product(lists: unknown[][], repeat: number): unknown[][] {
  const pools: unknown[][] = [];
  for (let r = 0; r < repeat; r++) pools.push(...lists);
  let result: unknown[][] = [[]];
  for (const pool of pools) {
    const next: unknown[][] = [];
    for (const prefix of result) for (const item of pool) next.push([...prefix, item]);
    result = next;
  }
  return result.map((r) => tuple(r));
}

function combinations(items: readonly unknown[], r: number): unknown[][] {
  const out: unknown[][] = [];
  const walk = (start: number, acc: unknown[]): void => {
    if (acc.length === r) {
      out.push(tuple([...acc]));
      return;
    }
    for (let i = start; i < items.length; i++) walk(i + 1, [...acc, items[i]]);
  };
  walk(0, []);
  return out;
}

function permutations(items: readonly unknown[], r: number): unknown[][] {
  const out: unknown[][] = [];
  const walk = (acc: number[]): void => {
    if (acc.length === r) {
      out.push(tuple(acc.map((i) => items[i])));
      return;
    }
    for (let i = 0; i < items.length; i++) if (!acc.includes(i)) walk([...acc, i]);
  };
  walk([]);
  return out;
}

const length = defineFilter([], (v) => {
  if (typeof v === "string") return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (isMapping(v)) return Object.keys(v).length;
  throw new FilterError("length", `object of type '${pyTypeName(v)}' has no len()`);
});

export const listFilters: FilterTable = {
  length,
  count: length,
  first: defineFilter([], (v) => {
    const items = pyIterable(v);
    return items.length > 0 ? items[0] : missingItem("first", "No first item, sequence was empty.");
  }),
  last: defineFilter([], (v) => {
    const items = pyIterable(v);
    return items.length > 0 ? items[items.length - 1] : missingItem("last", "No last item, sequence was empty.");
  }),
  join: defineFilter(["d", "attribute"], (v, [sep, attribute]) => {
    let items = pyIterable(v);
    if (attribute !== undefined && attribute !== null) items = items.map((i) => getAttrPath(i, attribute));
    return items.map((i) => pyStr(i)).join(optionalText(sep, ""));
  }),
  min: aggregate("min"),
  max: aggregate("max"),
  sum: defineFilter(["attribute", "start"], (v, [attribute, start]) => {
    let items = pyIterable(v);
    if (attribute !== undefined && attribute !== null) items = items.map((i) => getAttrPath(i, attribute));
    return sumOf(items, start ?? 0);
  }),
  sort: defineFilter(["reverse", "case_sensitive", "attribute"], (v, [reverse, cs, attribute]) =>
    sortBy(pyIterable(v), keyFunction(attribute, flag(cs)), flag(reverse)),
  ),
  unique: defineFilter(["case_sensitive", "attribute"], (v, [cs, attribute]) => uniqueItems(pyIterable(v), flag(cs), attribute)),
  union: defineFilter(["b"], (v, [b]) => uniqueItems([...pyIterable(v), ...pyIterable(b)], true)),
  intersect: defineFilter(["b"], (v, [b]) => {
    const other = pyIterable(b);
    return uniqueItems(pyIterable(v).filter((x) => pyContains(other, x)), true);
  }),
  difference: defineFilter(["b"], (v, [b]) => {
    const other = pyIterable(b);
    return uniqueItems(pyIterable(v).filter((x) => !pyContains(other, x)), true);
  }),
  symmetric_difference: defineFilter(["b"], (v, [b]) => {
    const a = pyIterable(v);
    const other = pyIterable(b);
    const both = uniqueItems(a.filter((x) => pyContains(other, x)), true);
    return uniqueItems([...a, ...other], true).filter((x) => !pyContains(both, x));
  }),
  flatten: defineFilter(["levels", "skip_nulls"], (v, [levels, skipNulls]) =>
    flatten(list("flatten", v), levels === undefined || levels === null ? undefined : int("flatten", levels, 0, "levels"), flag(skipNulls, true)),
  ),
  list: defineFilter([], (v) => [...pyIterable(v)]),
  reverse: defineFilter([], (v) => (typeof v === "string" ? [...v].reverse().join("") : [...pyIterable(v)].reverse())),
  zip: defineFilter(["*others"], (v, [others]) => {
    const lists = [pyIterable(v), ...(others as unknown[]).map((o) => pyIterable(o))];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i])));
  }),
  zip_longest: defineFilter(["*others", "fillvalue"], (v, [others, fill]) => {
    const lists = [pyIterable(v), ...(others as unknown[]).map((o) => pyIterable(o))];
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => (i < l.length ? l[i] : (fill ?? null)))));
  }),
  product: defineFilter(["*others", "repeat"], (v, [others, repeat]) =>
    product([pyIterable(v), ...(others as unknown[]).map((o) => pyIterable(o))], int("product", repeat, 1, "repeat")),
  ),
  combinations: defineFilter(["r"], (v, [r]) => combinations(pyIterable(v), int("combinations", r, 0, "r"))),
  permutations: defineFilter(["r"], (v, [r]) => {
    const items = pyIterable(v);
    return permutations(items, r === undefined || r === null ? items.length : int("permutations", r, 0, "r"));
  }),
  batch: defineFilter(["linecount", "fill_with"], (v, [linecount, fill]) => {
    const n = int("batch", linecount, 1, "linecount");
    const out: unknown[][] = [];
    let tmp: unknown[] = [];
    for (const item of pyIterable(v)) {
      if (tmp.length === n) {
        out.push(tmp);
        tmp = [];
      }
      tmp.push(item);
    }
    if (tmp.length > 0) {
      if (fill !== undefined && fill !== null && tmp.length < n) tmp.push(...Array<unknown>(n - tmp.length).fill(fill));
      out.push(tmp);
    }
    return out;
  }),
  slice: defineFilter(["slices", "fill_with"], (v, [slices, fill]) => {
    const seq = pyIterable(v);
    const n = int("slice", slices, 1, "slices");
    const perSlice = Math.floor(seq.length / n);
    const withExtra = seq.length % n;
    let offset = 0;
    const out: unknown[][] = [];
    for (let i = 0; i < n; i++) {
      const start = offset + i * perSlice;
      if (i < withExtra) offset += 1;
      const end = offset + (i + 1) * perSlice;
      const tmp = seq.slice(start, end);
      if (fill !== undefined && fill !== null && i >= withExtra) tmp.push(fill);
      out.push(tmp);
    }
    return out;
  }),
  any: defineFilter([], (v) => pyIterable(v).some((x) => pyTruthy(x))),
  all: defineFilter([], (v) => pyIterable(v).every((x) => pyTruthy(x))),
};
