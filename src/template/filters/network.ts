import { FilterError } from "../errors.js";
import { presentValue } from "../values/hook.js";
import * as ip from "../values/ip.js";
import { pyStr } from "../values/repr.js";
import { defineFilter, type FilterTable } from "./registry.js";

// ansible.utils' ipaddr/ipv4/ipv6/ipwrap (plugin_utils/base/ipaddr_utils.py): validate an address
// or network and extract a part of it. As in Ansible, a query that does not apply yields None
// (rendered as nothing) and an invalid value yields False.

type Query = (v: ip.IpNetwork, vtype: "address" | "network", value: string) => unknown;

const addr = (n: bigint, v: ip.IpNetwork): string => ip.formatAddress(n, v.version);
const isNetworkAddress = (v: ip.IpNetwork): boolean => v.ip === ip.networkAddress(v);

function firstLast(v: ip.IpNetwork): [bigint, bigint] {
  const first = ip.networkAddress(v);
  const last = first | ip.hostmask(v);
  return ip.size(v) === 2n ? [first, last] : [first + 1n, last - 1n];
}

const addressPrefix: Query = (v) => {
  const b = ip.broadcast(v);
  if (ip.size(v) > 2n && (isNetworkAddress(v) || v.ip === b)) return false;
  return `${addr(v.ip, v)}/${v.prefixlen}`;
};

const QUERIES: Record<string, Query> = {
  "": (v, vtype) => (vtype === "address" ? addr(v.ip, v) : ip.formatNetwork(v)),
  address: (v) => ipQuery(v),
  ip: (v) => ipQuery(v),
  host: (v) => {
    if (ip.size(v) === 1n) return ip.formatNetwork(v);
    if (!isNetworkAddress(v) || ip.broadcast(v) === undefined) return `${addr(v.ip, v)}/${v.prefixlen}`;
    return null;
  },
  "address/prefix": addressPrefix,
  "host/prefix": addressPrefix,
  gateway: addressPrefix,
  gw: addressPrefix,
  hostnet: addressPrefix,
  router: addressPrefix,
  bool: () => true,
  broadcast: (v) => {
    const b = ip.broadcast(v);
    return ip.size(v) > 2n && b !== undefined ? addr(b, v) : null;
  },
  cidr: (v) => ip.formatNetwork(v),
  hostmask: (v) => addr(ip.hostmask(v), v),
  wildcard: (v) => addr(ip.hostmask(v), v),
  int: (v, vtype) => (vtype === "address" ? Number(v.ip) : `${v.ip}/${v.prefixlen}`),
  "ip/prefix": (v) => (ip.size(v) === 2n || (ip.size(v) > 1n && !isNetworkAddress(v)) ? `${addr(v.ip, v)}/${v.prefixlen}` : null),
  ip_netmask: (v) => (ip.size(v) === 2n || (ip.size(v) > 1n && !isNetworkAddress(v)) ? `${addr(v.ip, v)} ${addr(ip.netmask(v), v)}` : null),
  net: (v) => (ip.size(v) > 1n && isNetworkAddress(v) ? `${addr(ip.networkAddress(v), v)}/${v.prefixlen}` : null),
  netmask: (v) => addr(ip.netmask(v), v),
  network: (v) => addr(ip.networkAddress(v), v),
  network_id: (v) => addr(ip.networkAddress(v), v),
  "network/prefix": (v) => `${addr(ip.networkAddress(v), v)}/${v.prefixlen}`,
  subnet: (v) => `${addr(ip.networkAddress(v), v)}/${v.prefixlen}`,
  network_netmask: (v) => `${addr(ip.networkAddress(v), v)} ${addr(ip.netmask(v), v)}`,
  network_wildcard: (v) => `${addr(ip.networkAddress(v), v)} ${addr(ip.hostmask(v), v)}`,
  prefix: (v) => v.prefixlen,
  size: (v) => Number(ip.size(v)),
  size_usable: (v) => (ip.size(v) === 1n ? 0 : ip.size(v) === 2n ? 2 : Number(ip.size(v) - 2n)),
  type: (v) => (ip.size(v) === 1n || !isNetworkAddress(v) ? "address" : "network"),
  version: (v) => v.version,
  first_usable: (v, vtype) => usable(vtype, v, () => addr(firstLast(v)[0], v)),
  last_usable: (v, vtype) => usable(vtype, v, () => addr(firstLast(v)[1], v)),
  next_usable: (v, vtype) =>
    usable(vtype, v, () => {
      const [first, last] = firstLast(v);
      const next = v.ip + 1n;
      return next >= first && next <= last ? addr(next, v) : null;
    }),
  previous_usable: (v, vtype) =>
    usable(vtype, v, () => {
      const [first, last] = firstLast(v);
      const prev = v.ip - 1n;
      return prev >= first && prev <= last ? addr(prev, v) : null;
    }),
  range_usable: (v, vtype) =>
    usable(vtype, v, () => {
      const [first, last] = firstLast(v);
      return `${addr(first, v)}-${addr(last, v)}`;
    }),
  wrap: (v, vtype, value) => {
    if (v.version !== 6) return value;
    return vtype === "address" ? `[${addr(v.ip, v)}]` : `[${addr(v.ip, v)}]/${v.prefixlen}`;
  },
  loopback: (v, _t, value) => (inRange(v, ["127.0.0.0/8", "::1/128"]) ? value : null),
  lo: (v, _t, value) => (inRange(v, ["127.0.0.0/8", "::1/128"]) ? value : null),
  "link-local": (v, _t, value) => (inRange(v, ["169.254.0.0/16", "fe80::/10"]) ? value : null),
  multicast: (v, _t, value) => (inRange(v, ["224.0.0.0/4", "ff00::/8"]) ? value : null),
  private: (v, _t, value) => (inRange(v, PRIVATE) ? value : null),
  public: (v, _t, value) => (!inRange(v, [...PRIVATE, "224.0.0.0/4", "ff00::/8", "0.0.0.0/8", "240.0.0.0/4"]) ? value : null),
};

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::1/128"];

function inRange(v: ip.IpNetwork, ranges: readonly string[]): boolean {
  const host: ip.IpNetwork = { ...v, prefixlen: ip.width(v) };
  return ranges.some((r) => {
    const net = ip.parseNetwork(r);
    return net !== undefined && ip.contains(net, host);
  });
}

function usable(vtype: string, v: ip.IpNetwork, f: () => unknown): unknown {
  if (vtype === "address") throw new FilterError("ipaddr", "Not a network address");
  return ip.size(v) > 1n ? f() : null;
}

function ipQuery(v: ip.IpNetwork): string | null {
  if (ip.size(v) === 1n) return addr(v.ip, v);
  if (!isNetworkAddress(v) || ip.broadcast(v) === undefined) return addr(v.ip, v);
  if (v.version === 6) return addr(v.ip, v);
  return null;
}

function ipaddr(rawValue: unknown, rawQuery: unknown, version: 0 | 4 | 6, alias: string): unknown {
  const value = presentValue(rawValue);
  if (Array.isArray(value)) {
    return value.map((item) => ipaddr(item, rawQuery, version, alias)).filter((r) => r !== null && r !== false && r !== "" && r !== undefined);
  }
  if (value === null || value === undefined || value === false || value === true || value === "" || value === 0) return false;
  const query = rawQuery === undefined || rawQuery === null ? "" : pyStr(rawQuery);
  let v: ip.IpNetwork | undefined;
  let vtype: "address" | "network";
  let text = pyStr(value);
  if (/^\d+$/.test(text)) {
    const n = BigInt(text);
    if (version !== 6 && n < 1n << 32n) v = { version: 4, ip: n, prefixlen: 32 };
    else if (n < 1n << 128n) v = { version: 6, ip: n, prefixlen: 128 };
    else return false;
    text = ip.formatNetwork(v);
    vtype = "address";
  } else {
    v = ip.parseNetwork(text);
    if (v === undefined) return false;
    vtype = text.includes("/") ? "network" : "address";
  }
  if (version !== 0 && v.version !== version) return false;
  const q = QUERIES[query];
  if (q !== undefined) return q(v, vtype, text);
  if (/^-?\d+$/.test(query)) {
    if (ip.size(v) === 1n) return vtype === "address" ? addr(v.ip, v) : ip.formatNetwork(v);
    const n = BigInt(query);
    const base = ip.networkAddress(v);
    const target = n >= 0n ? base + n : (base | ip.hostmask(v)) + n + 1n;
    if (target < base || target > (base | ip.hostmask(v))) return false;
    return `${addr(target, v)}/${v.prefixlen}`;
  }
  const lookup = ip.parseNetwork(query);
  if (lookup !== undefined) return ip.contains(lookup, v) ? text : null;
  throw new FilterError(alias, `${alias}: unknown filter type: ${query}`);
}

const ipaddrFilter = defineFilter(["query", "version", "alias"], (v, [q, version]) =>
  ipaddr(v, q, version === 4 || version === 6 ? version : 0, "ipaddr"),
);
const ipv4Filter = defineFilter(["query"], (v, [q]) => ipaddr(v, q, 4, "ipv4"));
const ipv6Filter = defineFilter(["query"], (v, [q]) => ipaddr(v, q, 6, "ipv6"));
const ipwrapFilter = defineFilter(["query"], (v) => {
  const value = presentValue(v);
  const wrap = (item: unknown): unknown => {
    const n = typeof item === "string" ? ip.parseNetwork(item) : undefined;
    if (n === undefined || n.version !== 6) return item;
    return typeof item === "string" && item.includes("/") ? `[${addr(n.ip, n)}]/${n.prefixlen}` : `[${addr(n.ip, n)}]`;
  };
  return Array.isArray(value) ? value.map(wrap) : wrap(value);
});

export const networkFilters: FilterTable = {};
for (const prefix of ["", "ansible.utils.", "ansible.netcommon."]) {
  Object.assign(networkFilters, {
    [`${prefix}ipaddr`]: ipaddrFilter,
    [`${prefix}ipv4`]: ipv4Filter,
    [`${prefix}ipv6`]: ipv6Filter,
    [`${prefix}ipwrap`]: ipwrapFilter,
  });
}
