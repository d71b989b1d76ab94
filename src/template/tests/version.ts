import { TemplateValueError } from "../errors.js";

// Ansible's `version` test (LooseVersion by default, or strict/semver), ported from
// ansible/plugins/test/core.py and distutils' LooseVersion: numbers compare numerically, letter
// runs lexically, dots separate.

type Part = number | string;

function loose(v: string): Part[] {
  return (v.match(/\d+|[a-z]+|\./gi) ?? []).filter((p) => p !== ".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function compareParts(a: Part[], b: Part[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x < y ? -1 : 1;
    if (typeof x !== typeof y) {
      throw new TemplateValueError(`Version comparison failed: '<' not supported between instances of '${typeof x === "number" ? "int" : "str"}' and '${typeof y === "number" ? "int" : "str"}'`);
    }
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

interface Semver {
  core: Part[];
  pre: Part[];
}

function semver(v: string): Semver {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (m === null) throw new TemplateValueError(`invalid semantic version '${v}'`);
  const pre = m[4] === undefined ? [] : m[4].split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
}

/** SemVer 2.0 precedence: a prerelease sorts before its release; identifiers numeric < alphanumeric. */
function compareSemver(a: Semver, b: Semver): number {
  const core = compareParts(a.core, b.core);
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i] ?? 0;
    const y = b.pre[i] ?? 0;
    if (x === y) continue;
    if (typeof x !== typeof y) return typeof x === "number" ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length === b.pre.length ? 0 : a.pre.length < b.pre.length ? -1 : 1;
}

const OPERATORS: Record<string, (c: number) => boolean> = {
  "==": (c) => c === 0,
  "=": (c) => c === 0,
  eq: (c) => c === 0,
  "<": (c) => c < 0,
  lt: (c) => c < 0,
  "<=": (c) => c <= 0,
  le: (c) => c <= 0,
  ">": (c) => c > 0,
  gt: (c) => c > 0,
  ">=": (c) => c >= 0,
  ge: (c) => c >= 0,
  "!=": (c) => c !== 0,
  "<>": (c) => c !== 0,
  ne: (c) => c !== 0,
};

export function versionCompare(value: string, version: string, operator: string, type: string): boolean {
  const test = OPERATORS[operator];
  if (test === undefined) throw new TemplateValueError(`Invalid operator type (${operator})`);
  if (version === "") throw new TemplateValueError("Version parameter to compare against cannot be empty");
  if (type === "semver" || type === "semantic") return test(compareSemver(semver(value), semver(version)));
  return test(compareParts(loose(value), loose(version)));
}
