import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { TemplateValueError } from "../errors.js";
import { isMapping } from "../values/kinds.js";
import { pyStr } from "../values/repr.js";
import { tuple } from "../values/tagged.js";
import { pyCallable, type PyCallable } from "./callable.js";

// Ansible's lookup() and query() in templates, for the lookups that read only the controller and
// the template's variables: file, env, vars, items, list, indexed_items, dict, sequence,
// first_found. Files are searched as the template module lets Ansible search them: in each
// template search path's files/ and in the path itself, then beside it in ../files.

type Lookup = (terms: unknown[], kwargs: Readonly<Record<string, unknown>>, vars: Record<string, unknown>, paths: readonly string[]) => unknown[];

function findFile(term: string, paths: readonly string[]): string | undefined {
  if (isAbsolute(term)) return existsSync(term) ? term : undefined;
  for (const p of paths) {
    for (const candidate of [join(p, "files", term), join(p, term), join(dirname(p), "files", term)]) {
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

function flattenOnce(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

/** The sequence lookup's "start=1 end=5 stride=1 format=%d" (or "1-5" shortcut). */
function sequence(term: string): string[] {
  const opts: Record<string, string> = { start: "1", stride: "1", format: "%d" };
  const short = /^(\d+)-(\d+)(?:\/(\d+))?(?::(.+))?$/.exec(term.trim());
  if (short) Object.assign(opts, { start: short[1], end: short[2], ...(short[3] && { stride: short[3] }), ...(short[4] && { format: short[4] }) });
  else for (const kv of term.trim().split(/\s+/)) {
    const [k, v] = kv.split("=");
    if (k !== undefined && v !== undefined) opts[k] = v;
  }
  const start = Number(opts.start);
  const stride = Number(opts.stride);
  const end = opts.count !== undefined ? start + (Number(opts.count) - 1) * stride : Number(opts.end);
  if (!Number.isInteger(start) || !Number.isInteger(end) || !Number.isInteger(stride)) throw new TemplateValueError(`sequence: bad term '${term}'`);
  const out: string[] = [];
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push((opts.format ?? "%d").replace(/%(0?\d*)d/, (_m, w: string) => String(i).padStart(Number(w || 0), w.startsWith("0") ? "0" : " ")));
  return out;
}

const LOOKUPS: Record<string, Lookup> = {
  file: (terms, kw, _vars, paths) =>
    terms.map((t) => {
      const found = findFile(pyStr(t), paths);
      if (found === undefined) throw new TemplateValueError(`The 'file' lookup had an issue accessing the file '${pyStr(t)}'`);
      const text = readFileSync(found, "utf8");
      return kw.rstrip === false ? text : text.replace(/\s+$/, "");
    }),
  env: (terms, kw) => terms.map((t) => process.env[pyStr(t)] ?? (kw.default === undefined ? "" : kw.default)),
  vars: (terms, kw, vars) =>
    terms.map((t) => {
      const name = pyStr(t);
      if (Object.hasOwn(vars, name)) return vars[name];
      if (kw.default !== undefined) return kw.default;
      throw new TemplateValueError(`No variable found with this name: ${name}`);
    }),
  items: (terms) => flattenOnce(terms),
  list: (terms) => terms,
  indexed_items: (terms) => flattenOnce(terms).map((t, i) => tuple([i, t])),
  dict: (terms) =>
    terms.flatMap((t) => {
      if (!isMapping(t)) throw new TemplateValueError("with_dict expects a dict");
      return Object.entries(t).map(([key, value]) => ({ key, value }));
    }),
  sequence: (terms) => terms.flatMap((t) => sequence(pyStr(t))),
  first_found: (terms, _kw, _vars, paths) => {
    for (const t of flattenOnce(terms)) {
      const found = findFile(pyStr(t), paths);
      if (found !== undefined) return [found];
    }
    throw new TemplateValueError("No file was found when using first_found.");
  },
};

function run(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, vars: Record<string, unknown>, paths: readonly string[]): unknown[] {
  const short = name.startsWith("ansible.builtin.") ? name.slice("ansible.builtin.".length) : name;
  const lookup = LOOKUPS[short];
  if (lookup === undefined) throw new TemplateValueError(`lookup plugin (${name}) not found`);
  const { wantlist: _w, ...rest } = kwargs;
  return lookup([...args], rest, vars, paths);
}

/** `lookup(name, terms...)`: the result joined by "," when it is all strings, else the one item or the list. */
export function lookupFunction(vars: Record<string, unknown>, paths: readonly string[]): PyCallable {
  return pyCallable("lookup", ([name, ...terms], kwargs) => {
    const ran = run(pyStr(name), terms, kwargs, vars, paths);
    if (kwargs.wantlist === true) return ran;
    if (ran.every((r) => typeof r === "string")) return ran.join(",");
    return ran.length === 1 ? ran[0] : ran;
  });
}

/** `query(name, terms...)` / `q(...)`: always the list. */
export function queryFunction(vars: Record<string, unknown>, paths: readonly string[]): PyCallable {
  return pyCallable("query", ([name, ...terms], kwargs) => run(pyStr(name), terms, kwargs, vars, paths));
}
