import { FilterError } from "../errors.js";
import { pyCompare, pyTruthy } from "../values/compare.js";
import { pyIterable } from "../values/iterate.js";
import { pyStr } from "../values/repr.js";
import { namedTuple } from "../values/tagged.js";
import { Undefined } from "../values/undefined.js";
import { flag } from "./args.js";
import { getAttrPath, ignoreCase } from "./attr-path.js";
import { defineFilter, type CallEnvironment, type FilterTable } from "./registry.js";

// map/select/reject/selectattr/rejectattr/groupby: Jinja2's higher-order filters. They return
// lists — Jinja2 returns generators, but Ansible's finalize turns a printed generator into a list,
// so the output is the same.

type Kwargs = Readonly<Record<string, unknown>>;

function selector(
  name: string,
  args: readonly unknown[],
  kwargs: Kwargs,
  env: CallEnvironment,
  lookupAttr: boolean,
): (item: unknown) => boolean {
  let transform = (x: unknown): unknown => x;
  let off = 0;
  if (lookupAttr) {
    if (args.length === 0) throw new FilterError(name, "Missing parameter for attribute name");
    const attr = args[0];
    transform = (x) => getAttrPath(x, attr);
    off = 1;
  }
  if (args.length <= off) return (item) => pyTruthy(transform(item));
  const test = pyStr(args[off]);
  const rest = args.slice(off + 1);
  return (item) => env.callTest(test, transform(item), rest, kwargs);
}

function selectFilter(name: string, keep: boolean, lookupAttr: boolean) {
  return defineFilter(["*args", "**kwargs"], (v, [args, kwargs], env) => {
    const pick = selector(name, args as unknown[], kwargs as Kwargs, env, lookupAttr);
    return pyIterable(v).filter((item) => pick(item) === keep);
  });
}

export const higherOrderFilters: FilterTable = {
  map: defineFilter(["*args", "**kwargs"], (v, [argsRaw, kwargsRaw], env) => {
    const args = argsRaw as unknown[];
    const kwargs = { ...(kwargsRaw as Kwargs) };
    const items = pyIterable(v);
    if (args.length === 0 && Object.hasOwn(kwargs, "attribute")) {
      const { attribute, default: fallback, ...rest } = kwargs;
      if (Object.keys(rest).length > 0) throw new FilterError("map", `Unexpected keyword argument '${Object.keys(rest)[0] ?? ""}'`);
      return items.map((item) => {
        const value = getAttrPath(item, attribute);
        return value instanceof Undefined && fallback !== undefined ? fallback : value;
      });
    }
    if (args.length === 0) throw new FilterError("map", "map requires a filter argument");
    const filter = pyStr(args[0]);
    return items.map((item) => env.callFilter(filter, item, args.slice(1), kwargs));
  }),
  select: selectFilter("select", true, false),
  reject: selectFilter("reject", false, false),
  selectattr: selectFilter("selectattr", true, true),
  rejectattr: selectFilter("rejectattr", false, true),
  groupby: defineFilter(["attribute", "default", "case_sensitive"], (v, [attribute, fallback, cs]) => {
    const caseSensitive = flag(cs);
    const raw = (item: unknown): unknown => {
      const value = getAttrPath(item, attribute);
      return value instanceof Undefined && fallback !== undefined ? fallback : value;
    };
    const key = (item: unknown): unknown => (caseSensitive ? raw(item) : ignoreCase(raw(item)));
    const sorted = pyIterable(v)
      .map((item, i) => ({ item, k: key(item), i }))
      .sort((a, b) => pyCompare(a.k, b.k) || a.i - b.i);
    const groups: { grouper: unknown; items: unknown[] }[] = [];
    for (const entry of sorted) {
      const last = groups[groups.length - 1];
      if (last !== undefined && pyCompare(key(last.items[0]), entry.k) === 0) last.items.push(entry.item);
      else groups.push({ grouper: raw(entry.item), items: [entry.item] });
    }
    return groups.map((g) => namedTuple([g.grouper, g.items], ["grouper", "list"]));
  }),
};
