// IPv4/IPv6 addresses and networks as netaddr's IPNetwork models them (what Ansible's ipaddr
// filters are built on): an address, a prefix length, and the derived network, netmask,
// broadcast and size. Integers are BigInts so IPv6 fits.

export interface IpNetwork {
  version: 4 | 6;
  ip: bigint;
  prefixlen: number;
}

const WIDTH = { 4: 32, 6: 128 } as const;

function parseV4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith("0")) || Number(p) > 255) return undefined;
    n = (n << 8n) | BigInt(p);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  const lastColon = text.lastIndexOf(":");
  if (text.includes(".")) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    text = `${text.slice(0, lastColon + 1)}x`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const words = (h: string): string[] => (h === "" ? [] : h.split(":"));
  const head = words(halves[0] ?? "");
  const rest = halves.length === 2 ? words(halves[1] ?? "") : [];
  const all = [...head, ...rest].filter((w) => w !== "x");
  const explicitCount = all.length + tail.length;
  if (halves.length === 1 && explicitCount !== 8) return undefined;
  if (halves.length === 2 && explicitCount > 7) return undefined;
  const toWord = (w: string): bigint | undefined => (/^[0-9a-fA-F]{1,4}$/.test(w) ? BigInt(`0x${w}`) : undefined);
  const headWords = head.filter((w) => w !== "x").map(toWord);
  const restWords = rest.filter((w) => w !== "x").map(toWord);
  if ([...headWords, ...restWords].some((w) => w === undefined)) return undefined;
  const zeros = halves.length === 2 ? 8 - explicitCount : 0;
  const full = [...(headWords as bigint[]), ...Array<bigint>(zeros).fill(0n), ...(restWords as bigint[]), ...tail];
  return full.reduce((acc, w) => (acc << 16n) | w, 0n);
}

function maskToPrefix(mask: bigint, width: number): number | undefined {
  const bits = mask.toString(2).padStart(width, "0");
  if (/^1*0*$/.test(bits)) return bits.indexOf("0") < 0 ? width : bits.indexOf("0");
  if (/^0*1*$/.test(bits)) return bits.indexOf("1") < 0 ? width : bits.indexOf("1"); // a hostmask
  return undefined;
}

export function parseNetwork(value: string): IpNetwork | undefined {
  const [addr = "", prefix, extra] = value.trim().split("/");
  if (extra !== undefined) return undefined;
  const v4 = parseV4(addr);
  const version: 4 | 6 | undefined = v4 !== undefined ? 4 : parseV6(addr) !== undefined ? 6 : undefined;
  if (version === undefined) return undefined;
  const ip = (version === 4 ? v4 : parseV6(addr)) ?? 0n;
  const width = WIDTH[version];
  if (prefix === undefined) return { version, ip, prefixlen: width };
  if (/^\d+$/.test(prefix)) {
    const n = Number(prefix);
    return n <= width ? { version, ip, prefixlen: n } : undefined;
  }
  const mask = version === 4 ? parseV4(prefix) : undefined;
  const len = mask === undefined ? undefined : maskToPrefix(mask, width);
  return len === undefined ? undefined : { version, ip, prefixlen: len };
}

export function width(n: IpNetwork): number {
  return WIDTH[n.version];
}

export function netmask(n: IpNetwork): bigint {
  const w = BigInt(width(n));
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(n.prefixlen))) - 1n);
}

export function hostmask(n: IpNetwork): bigint {
  return (1n << BigInt(width(n) - n.prefixlen)) - 1n;
}

export function networkAddress(n: IpNetwork): bigint {
  return n.ip & netmask(n);
}

export function size(n: IpNetwork): bigint {
  return 1n << BigInt(width(n) - n.prefixlen);
}

/** netaddr: IPv4 /31 and /32 have no broadcast address. */
export function broadcast(n: IpNetwork): bigint | undefined {
  if (n.version === 4 && width(n) - n.prefixlen <= 1) return undefined;
  return n.ip | hostmask(n);
}

export function formatAddress(ip: bigint, version: 4 | 6): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip >> s) & 0xffn)).join(".");
  const words = Array.from({ length: 8 }, (_, i) => ((ip >> BigInt((7 - i) * 16)) & 0xffffn).toString(16));
  // Compress the longest run of two or more zero words (RFC 5952).
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === "0") j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return words.join(":");
  return `${words.slice(0, best).join(":")}::${words.slice(best + bestLen).join(":")}`;
}

export function formatNetwork(n: IpNetwork): string {
  return `${formatAddress(n.ip, n.version)}/${n.prefixlen}`;
}

export function contains(outer: IpNetwork, inner: IpNetwork): boolean {
  if (outer.version !== inner.version) return false;
  const first = networkAddress(outer);
  const last = first | hostmask(outer);
  const innerFirst = networkAddress(inner);
  return innerFirst >= first && (innerFirst | hostmask(inner)) <= last;
}
