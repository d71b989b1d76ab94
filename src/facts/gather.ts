import { z } from "zod";
import { RemoteCommandError } from "../remote/errors.js";
import type { RemoteShell } from "../remote/shell.js";

const Interface = z.object({
  name: z.string(),
  ipv4: z.array(z.object({ address: z.string(), prefix: z.number() })),
  ipv6: z.array(z.object({ address: z.string(), prefix: z.number() })),
  mac: z.string(),
  up: z.boolean(),
});

export const Facts = z.object({
  hostname: z.string(),
  fqdn: z.string(),
  os: z.object({ id: z.string(), version_id: z.string(), codename: z.string(), pretty_name: z.string() }),
  architecture: z.string(),
  kernel: z.string(),
  /** The address of the interface holding the default route; absent without a default route. */
  default_ipv4: z.object({ address: z.string(), interface: z.string(), gateway: z.string() }).optional(),
  /** Every interface and its addresses (loopback included), whatever the routes. */
  interfaces: z.array(Interface),
  /** All global IPv4 addresses, in interface order. */
  all_ipv4_addresses: z.array(z.string()),
  memtotal_mb: z.number(),
  processor_count: z.number(),
  /** PID 1's name: "systemd" on droplets and lab hosts. */
  service_mgr: z.string(),
  user_id: z.string(),
});
export type Facts = z.infer<typeof Facts>;

// One round trip: every probe prints a tagged section; nothing here needs Python or root.
const SCRIPT = String.raw`
echo "@hostname"; hostname
echo "@fqdn"; hostname -f 2>/dev/null || hostname
echo "@os"; cat /etc/os-release 2>/dev/null
echo "@arch"; uname -m
echo "@kernel"; uname -r
echo "@route"; ip -4 route show default 2>/dev/null | head -n 1
echo "@links"; ip -o link show 2>/dev/null
echo "@addrs"; ip -o addr show 2>/dev/null
echo "@mem"; grep '^MemTotal:' /proc/meminfo
echo "@cpus"; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN
echo "@init"; cat /proc/1/comm 2>/dev/null || echo unknown
echo "@user"; id -un
`;

function sections(out: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  let current = "";
  for (const line of out.split("\n")) {
    const m = /^@(\w+)$/.exec(line);
    if (m?.[1]) {
      current = m[1];
      map.set(current, []);
    } else if (current && line !== "") map.get(current)?.push(line);
  }
  return map;
}

function osRelease(lines: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const m = /^([A-Z_]+)=(.*)$/.exec(l);
    if (m?.[1]) out[m[1]] = (m[2] ?? "").replace(/^"(.*)"$/, "$1");
  }
  return out;
}

export function parseFacts(out: string): Facts {
  const s = sections(out);
  const one = (k: string) => s.get(k)?.[0]?.trim() ?? "";
  const os = osRelease(s.get("os") ?? []);
  const interfaces = new Map<string, z.infer<typeof Interface>>();
  for (const l of s.get("links") ?? []) {
    // "2: host0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... link/ether 12:34:.. brd ..."
    const m = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>.*?link\/\S+\s+([0-9a-f:]+)/.exec(l);
    if (m?.[1]) interfaces.set(m[1], { name: m[1], ipv4: [], ipv6: [], mac: m[3] ?? "", up: (m[2] ?? "").split(",").includes("UP") });
  }
  const all4: string[] = [];
  for (const l of s.get("addrs") ?? []) {
    const m = /^\d+:\s+(\S+)\s+(inet6?)\s+([^/\s]+)\/(\d+)(.*)$/.exec(l);
    if (!m?.[1]) continue;
    const name = m[1].replace(/@.*$/, "");
    const iface = interfaces.get(name) ?? { name, ipv4: [], ipv6: [], mac: "", up: true };
    interfaces.set(name, iface);
    const addr = { address: m[3] ?? "", prefix: Number(m[4]) };
    if (m[2] === "inet") {
      iface.ipv4.push(addr);
      if (!(m[5] ?? "").includes("scope host")) all4.push(addr.address);
    } else iface.ipv6.push(addr);
  }
  const route = /default via (\S+) dev (\S+)/.exec(one("route"));
  const routeDev = route?.[2];
  const routeAddr = routeDev ? interfaces.get(routeDev)?.ipv4[0]?.address : undefined;
  return Facts.parse({
    hostname: one("hostname"),
    fqdn: one("fqdn"),
    os: { id: os.ID ?? "", version_id: os.VERSION_ID ?? "", codename: os.VERSION_CODENAME ?? "", pretty_name: os.PRETTY_NAME ?? "" },
    architecture: one("arch"),
    kernel: one("kernel"),
    ...(route && routeDev && routeAddr ? { default_ipv4: { address: routeAddr, interface: routeDev, gateway: route[1] } } : {}),
    interfaces: [...interfaces.values()],
    all_ipv4_addresses: all4,
    memtotal_mb: Math.floor(Number(/(\d+)/.exec(one("mem"))?.[1] ?? 0) / 1024),
    processor_count: Number(one("cpus")) || 0,
    service_mgr: one("init"),
    user_id: one("user"),
  });
}

export async function gatherFacts(sh: RemoteShell): Promise<Facts> {
  const r = await sh.run(SCRIPT);
  if (r.rc !== 0 && !r.stdout.includes("@hostname")) throw new RemoteCommandError(sh.host, `gathering facts failed: ${r.stderr.trim()}`);
  return parseFacts(r.stdout);
}
