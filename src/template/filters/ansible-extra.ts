import { realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import { FilterError } from "../errors.js";
import { isMapping } from "../values/kinds.js";
import { ansibleStrftime, strptime } from "../values/datetime.js";
import { pyFloat } from "../values/py-float.js";
import { pyRepr } from "../values/repr.js";
import { tuple } from "../values/tagged.js";
import { flag, num, text } from "./args.js";
import { defineFilter, type FilterTable } from "./registry.js";

// More of Ansible's core and mathstuff filters: log, pow, root; Windows path filters (ntpath);
// realpath, relpath; subelements; urlsplit; to_datetime, strftime. Each follows ansible/plugins/filter/*.py.

/** ntpath.splitdrive: a drive letter ("c:") or a UNC share ("\\\\host\\share"). */
function ntSplitDrive(p: string): [string, string] {
  const norm = p.replace(/\//g, "\\");
  if (norm.startsWith("\\\\") && norm[2] !== "\\") {
    const sep = norm.indexOf("\\", 2);
    if (sep < 0) return ["", p];
    let sep2 = norm.indexOf("\\", sep + 1);
    if (sep2 === sep + 1) return ["", p];
    if (sep2 < 0) sep2 = norm.length;
    return [p.slice(0, sep2), p.slice(sep2)];
  }
  if (p[1] === ":") return [p.slice(0, 2), p.slice(2)];
  return ["", p];
}

/** ntpath.split: (head without trailing separators unless root, tail). */
function ntSplit(p: string): [string, string] {
  const [drive, rest] = ntSplitDrive(p);
  let i = rest.length;
  while (i > 0 && !"/\\".includes(rest[i - 1] ?? "")) i--;
  const head = rest.slice(0, i);
  const stripped = head.replace(/[/\\]+$/, "");
  return [drive + (stripped === "" ? head : stripped), rest.slice(i)];
}

function subelements(obj: unknown, path: unknown, skipMissing: boolean): unknown[] {
  const elements = Array.isArray(obj) ? [...obj] : isMapping(obj) ? Object.values(obj) : undefined;
  if (elements === undefined) throw new FilterError("subelements", "obj must be a list of dicts or a nested dict");
  const keys = Array.isArray(path) ? path.map(text) : typeof path === "string" ? path.split(".") : undefined;
  if (keys === undefined) throw new FilterError("subelements", "subelements must be a list or a string");
  const out: unknown[] = [];
  for (const element of elements) {
    let values: unknown = element;
    let last = "";
    for (const key of keys) {
      last = key;
      if (!isMapping(values)) throw new FilterError("subelements", `the key ${pyRepr(key)} should point to a dictionary, got ${pyRepr(values)}`);
      if (!Object.hasOwn(values, key)) {
        if (skipMissing) {
          values = [];
          break;
        }
        throw new FilterError("subelements", `could not find ${pyRepr(key)} key in iterated item ${pyRepr(values)}`);
      }
      values = values[key];
    }
    if (!Array.isArray(values)) throw new FilterError("subelements", `the key ${pyRepr(last)} should point to a list, got ${pyRepr(values)}`);
    for (const value of values) out.push(tuple([element, value]));
  }
  return out;
}

/** urllib.parse.urlsplit's attributes, as Ansible's urlsplit filter returns them (sorted names). */
function urlsplit(value: string): Record<string, unknown> {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(value);
  const [, scheme = "", netloc = "", path = "", query = "", fragment = ""] = m ?? [];
  const at = netloc.lastIndexOf("@");
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const colon = userinfo?.indexOf(":") ?? -1;
  const username = userinfo === undefined ? null : colon >= 0 ? userinfo.slice(0, colon) : userinfo;
  const password = userinfo === undefined || colon < 0 ? null : userinfo.slice(colon + 1);
  const hp = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(hostport);
  const host = (hp?.[1] ?? "").replace(/^\[|\]$/g, "").toLowerCase();
  const portText = hp?.[2];
  const port = portText === undefined || portText === "" ? null : Number(portText);
  return {
    fragment,
    hostname: host === "" ? null : host,
    netloc,
    password,
    path,
    port,
    query,
    scheme: scheme.toLowerCase(),
    username,
  };
}

export const ansibleExtraFilters: FilterTable = {
  to_datetime: defineFilter(["format"], (v, [format]) => strptime(text(v), format === undefined ? "%Y-%m-%d %H:%M:%S" : text(format))),
  strftime: defineFilter(["second", "utc"], (v, [second, utc]) =>
    ansibleStrftime(text(v), second === undefined || second === null ? undefined : num("strftime", second, "second"), flag(utc)),
  ),
  log: defineFilter(["base"], (v, [base]) => {
    const x = num("log", v);
    if (base === undefined) return pyFloat(Math.log(x));
    const b = num("log", base, "base");
    return pyFloat(b === 10 ? Math.log10(x) : Math.log(x) / Math.log(b));
  }),
  pow: defineFilter(["y"], (v, [y]) => pyFloat(num("pow", v) ** num("pow", y, "y"))),
  root: defineFilter(["base"], (v, [base]) => {
    const b = base === undefined ? 2 : num("root", base, "base");
    return pyFloat(b === 2 ? Math.sqrt(num("root", v)) : num("root", v) ** (1 / b));
  }),
  win_basename: defineFilter([], (v) => ntSplit(text(v))[1]),
  win_dirname: defineFilter([], (v) => ntSplit(text(v))[0]),
  win_splitdrive: defineFilter([], (v) => tuple(ntSplitDrive(text(v)))),
  realpath: defineFilter([], (v) => {
    const p = resolve(text(v));
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  }),
  relpath: defineFilter(["start"], (v, [start]) => relative(resolve(start === undefined ? "." : text(start)), resolve(text(v))) || "."),
  subelements: defineFilter(["subelements", "skip_missing"], (v, [path, skip]) => subelements(v, path, flag(skip))),
  urlsplit: defineFilter(["query"], (v, [query]) => {
    const parts = urlsplit(text(v));
    if (query === undefined || query === "") return parts;
    const q = text(query);
    if (!Object.hasOwn(parts, q)) throw new FilterError("urlsplit", `urlsplit: unknown URL component: ${q}`);
    return parts[q];
  }),
};
