import { TemplateValueError } from "../errors.js";
import { bindArguments } from "../values/arguments.js";
import { pyEquals } from "../values/compare.js";
import { keyName, propertyOf, pyEntries, pyKeys, withKeysOf, withKeyTable } from "../values/dict-keys.js";
import { presentValue } from "../values/hook.js";
import { isMapping, pyTypeName, type PyDict } from "../values/kinds.js";
import { numericValue } from "../values/py-float.js";
import { pyCapitalize, pyRsplit, pySplit, pySplitlines, pyStrip, pyTitle } from "../values/py-strings.js";
import { pyRepr } from "../values/repr.js";
import { strFormat } from "../values/str-format.js";
import { tagSequence, tuple } from "../values/tagged.js";
import { Undefined } from "../values/undefined.js";
import { pyCallable, type PyCallable } from "./callable.js";

// The Python methods templates call on strings, dicts and lists: `host.startswith('db')`,
// `d.items()`, `xs.append(x)` (Jinja2 without the sandbox allows mutation; Ansible templates use
// it with `{% do %}` or `{% set _ = xs.append(x) %}`).

type Method = (self: never, args: unknown[]) => unknown;
interface MethodSpec {
  params: readonly string[];
  fn: Method;
}

function arg(v: unknown): unknown {
  const p = presentValue(v);
  if (p instanceof Undefined) throw p.toError();
  return p;
}

function str(method: string, v: unknown, what = "argument"): string {
  const p = arg(v);
  if (typeof p !== "string") throw new TemplateValueError(`${method}() ${what} must be str, not ${pyTypeName(p)}`);
  return p;
}

function optStr(method: string, v: unknown): string | null {
  const p = arg(v);
  if (p === undefined || p === null) return null;
  return str(method, p);
}

function int(method: string, v: unknown, fallback: number): number {
  const p = arg(v);
  if (p === undefined) return fallback;
  const n = numericValue(p);
  if (n === undefined || !Number.isInteger(n)) {
    throw new TemplateValueError(`${method}() argument must be int, not ${pyTypeName(p)}`);
  }
  return n;
}

/** Python's slice-index normalisation for start/end arguments of find(), count(), ... */
function range(len: number, start: unknown, end: unknown, method: string): [number, number] {
  const norm = (v: unknown, d: number): number => {
    if (arg(v) === undefined || arg(v) === null) return d;
    const n = int(method, v, d);
    return n < 0 ? Math.max(0, len + n) : Math.min(n, len);
  };
  return [norm(start, 0), norm(end, len)];
}

function affixTest(kind: "startswith" | "endswith") {
  return (self: string, [prefix, start, end]: unknown[]): boolean => {
    const [s, e] = range(self.length, start, end, kind);
    const part = self.slice(s, e);
    const p = arg(prefix);
    const options = Array.isArray(p) ? p.map((x) => str(kind, x)) : [str(kind, p, "first arg")];
    return options.some((o) => (kind === "startswith" ? part.startsWith(o) : part.endsWith(o)));
  };
}

function pad(method: string, self: string, width: unknown, fill: unknown, where: "left" | "right" | "center"): string {
  const w = int(method, width, 0);
  const f = arg(fill) === undefined ? " " : str(method, fill);
  const len = [...self].length;
  if (w <= len) return self;
  const room = w - len;
  if (where === "right") return self + f.repeat(room);
  if (where === "left") return f.repeat(room) + self;
  // CPython centers with the extra fill on the right unless both the room and the width are odd.
  const left = Math.floor(room / 2) + (room & w & 1);
  return f.repeat(left) + self + f.repeat(room - left);
}

const STRING_METHODS: Record<string, MethodSpec> = {
  startswith: { params: ["prefix", "start", "end"], fn: affixTest("startswith") as Method },
  endswith: { params: ["suffix", "start", "end"], fn: affixTest("endswith") as Method },
  split: { params: ["sep", "maxsplit"], fn: ((self: string, [sep, max]: unknown[]) => pySplit(self, optStr("split", sep), int("split", max, -1))) as Method },
  rsplit: { params: ["sep", "maxsplit"], fn: ((self: string, [sep, max]: unknown[]) => pyRsplit(self, optStr("rsplit", sep), int("rsplit", max, -1))) as Method },
  splitlines: { params: ["keepends"], fn: ((self: string, [keep]: unknown[]) => pySplitlines(self, arg(keep) === true)) as Method },
  strip: { params: ["chars"], fn: ((self: string, [chars]: unknown[]) => pyStrip(self, optStr("strip", chars))) as Method },
  lstrip: { params: ["chars"], fn: ((self: string, [chars]: unknown[]) => pyStrip(self, optStr("lstrip", chars), true, false)) as Method },
  rstrip: { params: ["chars"], fn: ((self: string, [chars]: unknown[]) => pyStrip(self, optStr("rstrip", chars), false, true)) as Method },
  upper: { params: [], fn: ((self: string) => self.toUpperCase()) as Method },
  lower: { params: [], fn: ((self: string) => self.toLowerCase()) as Method },
  casefold: { params: [], fn: ((self: string) => self.toLowerCase()) as Method },
  swapcase: {
    params: [],
    fn: ((self: string) => [...self].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join("")) as Method,
  },
  capitalize: { params: [], fn: ((self: string) => pyCapitalize(self)) as Method },
  title: { params: [], fn: ((self: string) => pyTitle(self)) as Method },
  replace: {
    params: ["old", "new", "count"],
    fn: ((self: string, [oldV, newV, countV]: unknown[]) => {
      const old = str("replace", oldV);
      const rep = str("replace", newV);
      let count = int("replace", countV, -1);
      if (old === "") {
        const chars = [...self];
        const limit = count < 0 ? chars.length + 1 : count;
        let out = "";
        for (let i = 0; i <= chars.length; i++) {
          if (i < limit) out += rep;
          out += chars[i] ?? "";
        }
        return out;
      }
      let out = "";
      let rest = self;
      for (let at = rest.indexOf(old); at >= 0 && count !== 0; at = rest.indexOf(old), count--) {
        out += rest.slice(0, at) + rep;
        rest = rest.slice(at + old.length);
      }
      return out + rest;
    }) as Method,
  },
  find: {
    params: ["sub", "start", "end"],
    fn: ((self: string, [sub, start, end]: unknown[]) => {
      const [s, e] = range(self.length, start, end, "find");
      const at = self.slice(0, e).indexOf(str("find", sub), s);
      return at;
    }) as Method,
  },
  rfind: {
    params: ["sub", "start", "end"],
    fn: ((self: string, [sub, start, end]: unknown[]) => {
      const [s, e] = range(self.length, start, end, "rfind");
      const needle = str("rfind", sub);
      const at = self.slice(0, e).lastIndexOf(needle);
      return at >= s ? at : -1;
    }) as Method,
  },
  index: {
    params: ["sub", "start", "end"],
    fn: ((self: string, args: unknown[]) => {
      const at = (STRING_METHODS.find?.fn as (s: string, a: unknown[]) => number)(self, args);
      if (at < 0) throw new TemplateValueError("substring not found");
      return at;
    }) as Method,
  },
  count: {
    params: ["sub", "start", "end"],
    fn: ((self: string, [sub, start, end]: unknown[]) => {
      const [s, e] = range(self.length, start, end, "count");
      const needle = str("count", sub);
      const part = self.slice(s, e);
      if (needle === "") return [...part].length + 1;
      return part.split(needle).length - 1;
    }) as Method,
  },
  join: {
    params: ["iterable"],
    fn: ((self: string, [items]: unknown[]) => {
      const seq = arg(items);
      const list = typeof seq === "string" ? [...seq] : Array.isArray(seq) ? seq : isMapping(seq) ? pyKeys(seq) : undefined;
      if (list === undefined) throw new TemplateValueError("can only join an iterable");
      return list
        .map((item, i) => {
          const v = arg(item);
          if (typeof v !== "string") {
            throw new TemplateValueError(`sequence item ${i}: expected str instance, ${pyTypeName(v)} found`);
          }
          return v;
        })
        .join(self);
    }) as Method,
  },
  zfill: {
    params: ["width"],
    fn: ((self: string, [width]: unknown[]) => {
      const w = int("zfill", width, 0);
      if (self.length >= w) return self;
      const sign = self[0] === "-" || self[0] === "+" ? self[0] : "";
      return sign + "0".repeat(w - self.length) + self.slice(sign.length);
    }) as Method,
  },
  center: { params: ["width", "fillchar"], fn: ((self: string, [w, f]: unknown[]) => pad("center", self, w, f, "center")) as Method },
  expandtabs: {
    params: ["tabsize"],
    fn: ((self: string, [size]: unknown[]) => {
      const n = int("expandtabs", size, 8);
      let col = 0;
      let out = "";
      for (const c of self) {
        if (c === "\t") {
          const pad = n > 0 ? n - (col % n) : 0;
          out += " ".repeat(pad);
          col += pad;
        } else {
          out += c;
          col = c === "\n" || c === "\r" ? 0 : col + 1;
        }
      }
      return out;
    }) as Method,
  },
  ljust: { params: ["width", "fillchar"], fn: ((self: string, [w, f]: unknown[]) => pad("ljust", self, w, f, "right")) as Method },
  rjust: { params: ["width", "fillchar"], fn: ((self: string, [w, f]: unknown[]) => pad("rjust", self, w, f, "left")) as Method },
  partition: {
    params: ["sep"],
    fn: ((self: string, [sepV]: unknown[]) => {
      const sep = str("partition", sepV);
      const at = self.indexOf(sep);
      return at < 0 ? tuple([self, "", ""]) : tuple([self.slice(0, at), sep, self.slice(at + sep.length)]);
    }) as Method,
  },
  rpartition: {
    params: ["sep"],
    fn: ((self: string, [sepV]: unknown[]) => {
      const sep = str("rpartition", sepV);
      const at = self.lastIndexOf(sep);
      return at < 0 ? tuple(["", "", self]) : tuple([self.slice(0, at), sep, self.slice(at + sep.length)]);
    }) as Method,
  },
  isdigit: { params: [], fn: ((self: string) => /^\p{Nd}+$/u.test(self)) as Method },
  isdecimal: { params: [], fn: ((self: string) => /^\p{Nd}+$/u.test(self)) as Method },
  isnumeric: { params: [], fn: ((self: string) => /^\p{N}+$/u.test(self)) as Method },
  isalpha: { params: [], fn: ((self: string) => /^\p{L}+$/u.test(self)) as Method },
  isalnum: { params: [], fn: ((self: string) => /^[\p{L}\p{N}]+$/u.test(self)) as Method },
  isspace: { params: [], fn: ((self: string) => /^\s+$/u.test(self)) as Method },
  isupper: { params: [], fn: ((self: string) => /\p{Lu}/u.test(self) && !/\p{Ll}/u.test(self)) as Method },
  islower: { params: [], fn: ((self: string) => /\p{Ll}/u.test(self) && !/\p{Lu}/u.test(self)) as Method },
};

function key(method: string, v: unknown): unknown {
  const p = arg(v);
  if (typeof p === "string" || typeof p === "number") return p;
  throw new TemplateValueError(`${method}(): unhashable or unsupported key type '${pyTypeName(p)}'`);
}

const DICT_METHODS: Record<string, MethodSpec> = {
  items: { params: [], fn: ((self: PyDict) => tagSequence(pyEntries(self).map((e) => tuple(e)), "dict_items")) as Method },
  keys: { params: [], fn: ((self: PyDict) => tagSequence(pyKeys(self), "dict_keys")) as Method },
  values: { params: [], fn: ((self: PyDict) => tagSequence(pyEntries(self).map((e) => e[1]), "dict_values")) as Method },
  get: {
    params: ["key", "default"],
    fn: ((self: PyDict, [k, d]: unknown[]) => {
      const name = propertyOf(self, key("get", k));
      return name !== undefined ? self[name] : d === undefined ? null : d;
    }) as Method,
  },
  copy: { params: [], fn: ((self: PyDict) => withKeyTable({ ...self }, pyKeys(self))) as Method },
  update: {
    params: ["other"],
    fn: ((self: PyDict, [other]: unknown[]) => {
      const o = arg(other);
      if (o !== undefined) {
        if (!isMapping(o)) throw new TemplateValueError(`update() argument must be a dict, not ${pyTypeName(o)}`);
        Object.assign(withKeysOf(self, self, o), o);
      }
      return null;
    }) as Method,
  },
  pop: {
    params: ["key", "default"],
    fn: ((self: PyDict, [k, d]: unknown[]) => {
      const pk = key("pop", k);
      const name = keyName(pk);
      if (!Object.hasOwn(self, name)) {
        if (d === undefined) throw new TemplateValueError(`KeyError: ${pyRepr(pk)}`);
        return d;
      }
      const v = self[name];
      delete self[name];
      return v;
    }) as Method,
  },
  setdefault: {
    params: ["key", "default"],
    fn: ((self: PyDict, [k, d]: unknown[]) => {
      const name = keyName(key("setdefault", k));
      if (!Object.hasOwn(self, name)) self[name] = d === undefined ? null : d;
      return self[name];
    }) as Method,
  },
};

function index(method: string, self: unknown[], v: unknown, fallback: number): number {
  const n = int(method, v, fallback);
  return n < 0 ? self.length + n : n;
}

const LIST_METHODS: Record<string, MethodSpec> = {
  append: { params: ["object"], fn: ((self: unknown[], [x]: unknown[]) => (self.push(x), null)) as Method },
  extend: {
    params: ["iterable"],
    fn: ((self: unknown[], [x]: unknown[]) => {
      const items = arg(x);
      if (Array.isArray(items)) self.push(...items);
      else if (typeof items === "string") self.push(...items);
      else if (isMapping(items)) self.push(...pyKeys(items));
      else throw new TemplateValueError(`'${pyTypeName(items)}' object is not iterable`);
      return null;
    }) as Method,
  },
  insert: {
    params: ["index", "object"],
    fn: ((self: unknown[], [i, x]: unknown[]) => {
      self.splice(Math.max(0, index("insert", self, i, 0)), 0, x);
      return null;
    }) as Method,
  },
  pop: {
    params: ["index"],
    fn: ((self: unknown[], [i]: unknown[]) => {
      const at = index("pop", self, i, -1);
      if (at < 0 || at >= self.length) throw new TemplateValueError("pop index out of range");
      return self.splice(at, 1)[0];
    }) as Method,
  },
  remove: {
    params: ["value"],
    fn: ((self: unknown[], [x]: unknown[]) => {
      const at = self.findIndex((item) => pyEquals(item, x));
      if (at < 0) throw new TemplateValueError("list.remove(x): x not in list");
      self.splice(at, 1);
      return null;
    }) as Method,
  },
  index: {
    params: ["value"],
    fn: ((self: unknown[], [x]: unknown[]) => {
      const at = self.findIndex((item) => pyEquals(item, x));
      if (at < 0) throw new TemplateValueError(`${pyRepr(x)} is not in list`);
      return at;
    }) as Method,
  },
  count: { params: ["value"], fn: ((self: unknown[], [x]: unknown[]) => self.filter((item) => pyEquals(item, x)).length) as Method },
  copy: { params: [], fn: ((self: unknown[]) => [...self]) as Method },
  reverse: { params: [], fn: ((self: unknown[]) => (self.reverse(), null)) as Method },
};

function bind(owner: string, name: string, self: unknown, spec: MethodSpec): PyCallable {
  return pyCallable(`${owner}.${name}`, (args, kwargs) =>
    (spec.fn as (s: unknown, a: unknown[]) => unknown)(self, bindArguments(`${owner}.${name}`, spec.params, args, kwargs)),
  );
}

/** The bound method `name` of a template value, or undefined when the type has no such method. */
export function lookupMethod(self: unknown, name: string): PyCallable | undefined {
  if (typeof self === "string") {
    if (name === "format") return pyCallable("str.format", (args, kwargs) => strFormat(self, args, kwargs));
    const spec = Object.hasOwn(STRING_METHODS, name) ? STRING_METHODS[name] : undefined;
    return spec === undefined ? undefined : bind("str", name, self, spec);
  }
  if (Array.isArray(self)) {
    const spec = Object.hasOwn(LIST_METHODS, name) ? LIST_METHODS[name] : undefined;
    return spec === undefined ? undefined : bind("list", name, self, spec);
  }
  if (isMapping(self)) {
    const spec = Object.hasOwn(DICT_METHODS, name) ? DICT_METHODS[name] : undefined;
    return spec === undefined ? undefined : bind("dict", name, self, spec);
  }
  return undefined;
}
