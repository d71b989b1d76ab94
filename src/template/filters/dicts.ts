import { FilterError } from "../errors.js";
import { pyCompare, pyEquals } from "../values/compare.js";
import { dictFromPairs, pyEntries, withKeysOf } from "../values/dict-keys.js";
import { presentValue } from "../values/hook.js";
import { isMapping, pyTypeName, type PyDict } from "../values/kinds.js";
import { tuple } from "../values/tagged.js";
import { Undefined } from "../values/undefined.js";
import { flag, optionalText } from "./args.js";
import { ignoreCase } from "./attr-path.js";
import { flatten } from "./lists.js";
import { defineFilter, type FilterTable } from "./registry.js";

// Dictionary filters: Ansible's combine (merge_hash with recursive and list_merge),
// dict2items/items2dict, extract; Jinja2's dictsort and items.

function pyClass(v: unknown): string {
  return `<class '${pyTypeName(v)}'>`;
}

const LIST_MERGE = new Set(["replace", "keep", "append", "prepend", "append_rp", "prepend_rp"]);

/** ansible.utils.vars.merge_hash: y wins; copies, never mutates its inputs. */
export function mergeHash(x: PyDict, y: PyDict, recursive: boolean, listMerge: string): PyDict {
  if (Object.keys(x).length === 0 || pyEquals(x, y)) return withKeysOf({ ...y }, y);
  const out: PyDict = withKeysOf({ ...x }, x, y);
  if (!recursive && listMerge === "replace") return Object.assign(out, y);
  for (const [key, yValue] of Object.entries(y)) {
    if (!Object.hasOwn(out, key)) {
      out[key] = yValue;
      continue;
    }
    const xValue = out[key];
    if (isMapping(xValue) && isMapping(yValue)) {
      out[key] = recursive ? mergeHash(xValue, yValue, recursive, listMerge) : yValue;
      continue;
    }
    if (Array.isArray(xValue) && Array.isArray(yValue)) {
      switch (listMerge) {
        case "replace":
          out[key] = yValue;
          break;
        case "append":
          out[key] = [...xValue, ...yValue];
          break;
        case "prepend":
          out[key] = [...yValue, ...xValue];
          break;
        case "append_rp":
          out[key] = [...xValue.filter((z) => !yValue.some((w) => pyEquals(w, z))), ...yValue];
          break;
        case "prepend_rp":
          out[key] = [...yValue, ...xValue.filter((z) => !yValue.some((w) => pyEquals(w, z)))];
          break;
        default:
          break; // keep
      }
      continue;
    }
    out[key] = yValue;
  }
  return out;
}

function dictsort(v: unknown, caseSensitive: boolean, by: string, reverse: boolean): unknown[] {
  if (!isMapping(v)) throw new FilterError("dictsort", `input must be a dictionary, got ${pyTypeName(v)}`);
  if (by !== "key" && by !== "value") throw new FilterError("dictsort", "You can only sort by either 'key' or 'value'");
  const pos = by === "key" ? 0 : 1;
  const items = pyEntries(v).map(([k, val]) => [k, presentValue(val)] as const);
  const key = (entry: readonly [unknown, unknown]): unknown => (caseSensitive ? entry[pos] : ignoreCase(entry[pos]));
  const sorted = items.map((e, i) => ({ e, i })).sort((a, b) => {
    const c = pyCompare(key(a.e), key(b.e));
    return c !== 0 ? (reverse ? -c : c) : a.i - b.i;
  });
  return sorted.map(({ e }) => tuple([e[0], e[1]]));
}

export const dictFilters: FilterTable = {
  combine: defineFilter(["*terms", "recursive", "list_merge"], (v, [terms, recursive, listMerge]) => {
    // combine(*terms): the filter input is the first term; `[d1, d2] | combine` flattens one level.
    const dicts = flatten([v, ...(terms as unknown[])], 1, true);
    const merge = optionalText(listMerge, "replace");
    if (!LIST_MERGE.has(merge)) throw new FilterError("combine", `merge_hash: 'list_merge' argument can only be equal to ${[...LIST_MERGE].map((m) => `'${m}'`).join(", ")}`);
    for (const d of dicts) {
      if (!isMapping(d)) throw new FilterError("combine", `failed to combine variables, expected dicts but got a '${pyTypeName(d)}'`);
    }
    const typed = dicts as PyDict[];
    if (typed.length === 0) return {};
    if (typed.length === 1) return typed[0];
    let result = typed[typed.length - 1] ?? {};
    for (let i = typed.length - 2; i >= 0; i--) result = mergeHash(typed[i] ?? {}, result, flag(recursive), merge);
    return result;
  }),
  dict2items: defineFilter(["key_name", "value_name"], (v, [keyName, valueName]) => {
    if (!isMapping(v)) throw new FilterError("dict2items", `dict2items requires a dictionary, got ${pyClass(v)} instead.`);
    const k = optionalText(keyName, "key");
    const val = optionalText(valueName, "value");
    return pyEntries(v).map(([key, value]) => ({ [k]: key, [val]: value }));
  }),
  items2dict: defineFilter(["key_name", "value_name"], (v, [keyName, valueName]) => {
    if (!Array.isArray(v)) throw new FilterError("items2dict", `items2dict requires a list, got ${pyClass(v)} instead.`);
    const k = optionalText(keyName, "key");
    const val = optionalText(valueName, "value");
    const out: [unknown, unknown][] = [];
    for (const item of v) {
      const entry = presentValue(item);
      if (!isMapping(entry)) throw new FilterError("items2dict", "items2dict requires a list of dictionaries");
      if (!Object.hasOwn(entry, k) || !Object.hasOwn(entry, val)) {
        throw new FilterError("items2dict", `items2dict requires each dictionary in the list to contain the keys '${k}' and '${val}'`);
      }
      out.push([presentValue(entry[k]), entry[val]]);
    }
    return dictFromPairs(out);
  }),
  dictsort: defineFilter(["case_sensitive", "by", "reverse"], (v, [cs, by, reverse]) =>
    dictsort(v, flag(cs), optionalText(by, "key"), flag(reverse)),
  ),
  items: defineFilter(
    [],
    (v) => {
      if (v instanceof Undefined) return [];
      if (!isMapping(v)) throw new FilterError("items", `Can only get item pairs from a mapping, got ${pyTypeName(v)}`);
      return pyEntries(v).map((e) => tuple(e));
    },
    { acceptsUndefined: true },
  ),
  extract: defineFilter(["container", "morekeys"], (item, [container, morekeys]) => {
    const keys = morekeys === undefined || morekeys === null ? [item] : Array.isArray(morekeys) ? [item, ...morekeys] : [item, morekeys];
    let value: unknown = presentValue(container);
    for (const key of keys) {
      const k = presentValue(key);
      if (isMapping(value) && Object.hasOwn(value, String(k))) value = presentValue(value[String(k)]);
      else if (Array.isArray(value) && typeof k === "number" && k < value.length) value = presentValue(value[k < 0 ? value.length + k : k]);
      else throw new FilterError("extract", `'${pyTypeName(value)} object' has no attribute '${String(k)}'`);
    }
    return value;
  }),
};
