import { isIP } from "node:net";

/** The hosts named by one inventory key such as `web[01:03].example.com:2222`. */
export type HostKey = { ok: true; names: string[]; port?: number } | { ok: false; problem: string };

// Ansible's hostname rule (parsing/utils/addresses.py): DNS-like labels that may also contain
// underscores, dot-separated, optional trailing dot. Case-insensitive.
const LABEL = "[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?";
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`, "i");

// Guards against a typo such as [1:10000000] hanging the run while it builds ten million hosts.
const MAX_EXPANDED_HOSTS = 100_000;

// DNS's limit for a whole name. Ansible sets none, but nothing longer can be connected to, and a
// file that is one 20 MB line (read as an INI host) would otherwise become a host.
const MAX_NAME_LENGTH = 253;

const LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function isValidHostName(name: string): boolean {
  return isIP(name) !== 0 || HOSTNAME.test(name);
}

/**
 * Splits an optional `:port` and expands `[a:b]` / `[a:b:step]` ranges the way Ansible does:
 * inclusive bounds, zero-padded when the start has a leading zero (both bounds must then be the
 * same width), single letters for alphabetic ranges, several ranges multiply. Unlike Ansible an
 * empty numeric range (`[5:1]`) is an error rather than silently no hosts.
 */
export function parseHostKey(key: string): HostKey {
  if (key.split("[").length !== key.split("]").length) return { ok: false, problem: `unbalanced brackets in '${key}'` };
  const split = splitPort(key);
  if (!split.ok) return split;
  const { base, port } = split;
  if (isIP(base) !== 0) return withPort([base], port);
  const expanded = expandRanges(base);
  if (!expanded.ok) return expanded;
  const long = expanded.names.find((n) => n.length > MAX_NAME_LENGTH);
  if (long !== undefined) {
    return { ok: false, problem: `'${long.slice(0, 40)}...' is ${long.length} characters long; a host name has at most ${MAX_NAME_LENGTH}` };
  }
  const bad = expanded.names.find((n) => !isValidHostName(n));
  if (bad !== undefined) {
    return { ok: false, problem: `'${bad}' is not a valid host name (letters, digits, '-', '_' and '.', or an IP address)` };
  }
  return withPort(expanded.names, port);
}

function withPort(names: string[], port: number | undefined): HostKey {
  return port === undefined ? { ok: true, names } : { ok: true, names, port };
}

type PortSplit = { ok: true; base: string; port?: number } | { ok: false; problem: string };

/** `[v6addr]:port`, `name:port`, or no port; a bare IPv6 address has colons but no port. */
function splitPort(key: string): PortSplit {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(key);
  if (bracketed !== null && isIP(bracketed[1] ?? "") === 6) return portOf(bracketed[1] ?? "", bracketed[2] ?? "");
  if (isIP(key) === 6) return { ok: true, base: key };
  const colon = lastColonOutsideBrackets(key);
  if (colon < 0) return { ok: true, base: key };
  const base = key.slice(0, colon);
  const digits = key.slice(colon + 1);
  if (!/^\d+$/.test(digits) || lastColonOutsideBrackets(base) >= 0) {
    return { ok: false, problem: `'${key}' is not a valid host name (a ':' may only introduce a port number)` };
  }
  return portOf(base, digits);
}

function portOf(base: string, digits: string): PortSplit {
  const port = Number(digits);
  if (port < 1 || port > 65535) return { ok: false, problem: `port ${digits} is out of range 1-65535` };
  return { ok: true, base, port };
}

function lastColonOutsideBrackets(s: string): number {
  let depth = 0;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s[i];
    if (c === "]") depth++;
    else if (c === "[") depth--;
    else if (c === ":" && depth === 0) return i;
  }
  return -1;
}

type Expansion = { ok: true; names: string[] } | { ok: false; problem: string };

function expandRanges(pattern: string): Expansion {
  const open = pattern.indexOf("[");
  if (open < 0) {
    return pattern.includes("]") ? { ok: false, problem: `unbalanced ']' in '${pattern}'` } : { ok: true, names: [pattern] };
  }
  const close = pattern.indexOf("]", open);
  if (close < 0) return { ok: false, problem: `unbalanced '[' in '${pattern}'` };
  const head = pattern.slice(0, open);
  const tail = pattern.slice(close + 1);
  const items = rangeItems(pattern.slice(open + 1, close));
  if (!items.ok) return items;
  const names: string[] = [];
  for (const item of items.names) {
    const rest = expandRanges(`${head}${item}${tail}`);
    if (!rest.ok) return rest;
    names.push(...rest.names);
    if (names.length > MAX_EXPANDED_HOSTS) {
      return { ok: false, problem: `'${pattern}' expands to more than ${MAX_EXPANDED_HOSTS} hosts` };
    }
  }
  return { ok: true, names };
}

function rangeItems(inner: string): Expansion {
  const bounds = inner.split(":");
  if (bounds.length !== 2 && bounds.length !== 3) {
    return { ok: false, problem: `host range [${inner}] must be [begin:end] or [begin:end:step]` };
  }
  const [rawBegin = "", end = "", rawStep = "1"] = bounds;
  const begin = rawBegin === "" ? "0" : rawBegin;
  if (end === "") return { ok: false, problem: `host range [${inner}] has no end` };
  if (!/^[1-9]\d*$/.test(rawStep)) return { ok: false, problem: `host range [${inner}] needs a positive integer step` };
  const step = Number(rawStep);
  const letters = alphaRange(begin, end, step);
  if (letters !== undefined) {
    return letters.length === 0 ? { ok: false, problem: `host range [${inner}] must have begin <= end` } : { ok: true, names: letters };
  }
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) {
    return { ok: false, problem: `host range [${inner}] must use numbers or single letters` };
  }
  const padded = begin.length > 1 && begin.startsWith("0");
  if (padded && begin.length !== end.length) {
    return { ok: false, problem: `host range [${inner}] must specify equal-length begin and end formats` };
  }
  const from = Number(begin);
  const to = Number(end);
  if (from > to) return { ok: false, problem: `host range [${inner}] must have begin <= end` };
  if ((to - from) / step >= MAX_EXPANDED_HOSTS) {
    return { ok: false, problem: `host range [${inner}] expands to more than ${MAX_EXPANDED_HOSTS} hosts` };
  }
  const names: string[] = [];
  for (let i = from; i <= to; i += step) names.push(padded ? String(i).padStart(begin.length, "0") : String(i));
  return { ok: true, names };
}

function alphaRange(begin: string, end: string, step: number): string[] | undefined {
  const from = begin.length === 1 ? LETTERS.indexOf(begin) : -1;
  const to = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (from < 0 || to < 0) return undefined;
  const out: string[] = [];
  for (let i = from; i <= to; i += step) out.push(LETTERS[i] ?? "");
  return out;
}
