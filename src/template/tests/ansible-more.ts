import { statSync, lstatSync } from "node:fs";
import { isAbsolute } from "node:path";
import { defineTest, type TestTable } from "../filters/registry.js";
import { pyTruthy } from "../values/compare.js";
import { isMapping } from "../values/kinds.js";
import { numericValue } from "../values/py-float.js";
import { pyStr } from "../values/repr.js";

// The rest of Ansible's tests (plugins/test/files.py, core.py's task-result tests, uri.py) and
// Jinja2's `filter` / `test` tests. Path tests look at the controller's filesystem, which is
// where Ansible's template module evaluates them too.

/** truthy/falsy with convert_bool: Ansible's boolean() (strict) where it knows the value, else bool(). */
export function ansibleBoolean(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  const n = typeof v === "number" ? v : undefined;
  const s = typeof v === "string" ? v.toLowerCase() : undefined;
  if (n === 1 || (s !== undefined && ["y", "yes", "on", "1", "true", "t"].includes(s))) return true;
  if (n === 0 || (s !== undefined && ["n", "no", "off", "0", "false", "f"].includes(s))) return false;
  return pyTruthy(v);
}

function stat(path: unknown, link = false): ReturnType<typeof statSync> | undefined {
  try {
    return link ? lstatSync(pyStr(path)) : statSync(pyStr(path));
  } catch {
    return undefined;
  }
}

function isMount(path: unknown): boolean {
  const p = pyStr(path);
  const here = stat(p, true);
  if (here === undefined || here.isSymbolicLink()) return false;
  const parent = stat(`${p.replace(/\/+$/, "")}/..`);
  return parent !== undefined && (parent.dev !== here.dev || parent.ino === here.ino);
}

function result(v: unknown, key: string): boolean {
  if (!isMapping(v)) throw new Error(`The ${key} test expects a dictionary`);
  return pyTruthy(v[key] ?? false);
}

const URI = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

const files: TestTable = {
  abs: defineTest([], (v) => isAbsolute(pyStr(v))),
  exists: defineTest([], (v) => stat(v) !== undefined),
  directory: defineTest([], (v) => stat(v)?.isDirectory() ?? false),
  file: defineTest([], (v) => stat(v)?.isFile() ?? false),
  link: defineTest([], (v) => stat(v, true)?.isSymbolicLink() ?? false),
  mount: defineTest([], (v) => isMount(v)),
  same_file: defineTest(["other"], (v, [o]) => {
    const a = statSync(pyStr(v));
    const b = statSync(pyStr(o));
    return a.dev === b.dev && a.ino === b.ino;
  }),
};

export const moreAnsibleTests: TestTable = {
  ...files,
  is_abs: files.abs!,
  is_dir: files.directory!,
  is_file: files.file!,
  is_link: files.link!,
  is_mount: files.mount!,
  is_same_file: files.same_file!,
  failed: defineTest([], (v) => result(v, "failed")),
  succeeded: defineTest([], (v) => !result(v, "failed")),
  success: defineTest([], (v) => !result(v, "failed")),
  changed: defineTest([], (v) => result(v, "changed")),
  change: defineTest([], (v) => result(v, "changed")),
  skipped: defineTest([], (v) => result(v, "skipped")),
  skip: defineTest([], (v) => result(v, "skipped")),
  finished: defineTest([], (v) => !isMapping(v) || !("finished" in v) || pyTruthy(v.finished)),
  started: defineTest([], (v) => !isMapping(v) || !("started" in v) || pyTruthy(v.started)),
  isnan: defineTest([], (v) => Number.isNaN(numericValue(v) ?? 0)),
  uri: defineTest(["schemes"], (v) => URI.test(pyStr(v))),
  url: defineTest(["schemes"], (v) => /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#\s]+/.test(pyStr(v))),
  urn: defineTest([], (v) => /^urn:[a-zA-Z0-9][a-zA-Z0-9-]{0,31}:\S+$/i.test(pyStr(v))),
  vault_encrypted: defineTest([], () => false),
  filter: defineTest([], (v, _args, env) => typeof v === "string" && env.hasFilter(v)),
  test: defineTest([], (v, _args, env) => typeof v === "string" && env.hasTest(v)),
};
