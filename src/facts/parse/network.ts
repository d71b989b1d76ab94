import type { AnsibleFacts, AnsibleInterface } from "../schema.js";
import type { Sections } from "../sections.js";

type Network = Pick<AnsibleFacts, "interfaces" | "default_ipv4" | "default_ipv6" | "all_ipv4_addresses" | "all_ipv6_addresses">;
type Ipv4 = NonNullable<AnsibleInterface["ipv4"]>;

const INTERFACE_TYPE: Record<string, string> = { "1": "ether", "32": "infiniband", "512": "ppp", "772": "loopback", "65534": "tunnel" };

/** `ip route get` for an internet address: the device, source address and gateway it would use. */
function defaultRoute(out: string, target: string): Record<string, string> {
  const route: Record<string, string> = {};
  const words = out.split("\n")[0]?.trim().split(/\s+/) ?? [];
  if (words[0] !== target) return route;
  for (let i = 0; i < words.length - 1; i++) {
    const next = words[i + 1] ?? "";
    if (words[i] === "dev") route.interface = next;
    else if (words[i] === "src") route.address = next;
    else if (words[i] === "via" && next !== target) route.gateway = next;
  }
  return route;
}

function ipv4Of(address: string, prefix: string, broadcast: string): Ipv4 {
  const bits = Number(prefix);
  const addr = address.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const mask = bits <= 0 ? 0 : 2 ** 32 - 2 ** (32 - bits);
  const quad = (n: number) => [24, 16, 8, 0].map((sh) => Math.floor(n / 2 ** sh) % 256).join(".");
  const network = addr - (addr % 2 ** (32 - bits));
  return { address, broadcast, netmask: quad(mask), network: quad(bits <= 0 ? 0 : network), prefix };
}

/** A device's lines of `ip addr show primary dev D`, and of `… secondary dev D`. */
interface AddressListing {
  primary: string[];
  secondary: string[];
}

/**
 * `ip addr show` of every device, split as `ip addr show primary dev D` and `… secondary dev D`
 * would list it: a device's block starts at its `N: NAME[@LINK]:` line; an address flagged
 * secondary (IPv4) or temporary (IPv6, the same kernel flag) goes to the secondary listing.
 */
export function addressListings(out: string, devices: readonly string[]): Map<string, AddressListing> {
  const listings = new Map<string, AddressListing>();
  const byLength = [...devices].sort((a, b) => b.length - a.length);
  let current: AddressListing | undefined;
  let target: string[] = [];
  for (const line of out.split("\n")) {
    const header = /^\d+: (.*)$/.exec(line)?.[1];
    if (header !== undefined) {
      const device = byLength.find((d) => header.startsWith(`${d}:`) || header.startsWith(`${d}@`));
      current = undefined;
      if (device !== undefined) {
        current = { primary: [line], secondary: [line] };
        listings.set(device, current);
        target = current.primary;
      }
      continue;
    }
    if (!current) continue;
    const words = line.trim().split(/\s+/);
    // An IPv4 line ends with its label, a name of its own that begins with the device's.
    if (words[0] === "inet") target = words.slice(0, -1).includes("secondary") ? current.secondary : current.primary;
    else if (words[0] === "inet6") target = words.includes("temporary") ? current.secondary : current.primary;
    else if (!line.startsWith("       ")) target = current.primary;
    target.push(line);
  }
  return listings;
}

/**
 * network/linux.py: every device of /sys/class/net in directory order, its addresses from
 * `ip addr show primary|secondary`, an address label (eth0:1) as an entry of its own, and the
 * default routes completed from the interface that holds their source address. Returns the
 * per-interface facts under their fact names (`:` made `_`).
 */
export function networkFacts(s: Sections): { facts: Network; interfaces: Record<string, AnsibleInterface> } {
  const v4 = defaultRoute(s.raw("route4") ?? "", "8.8.8.8");
  const v6 = defaultRoute(s.raw("route6") ?? "", "2404:6800:400a:800::1012");
  const defaultIpv4: AnsibleFacts["default_ipv4"] = { ...v4 };
  const defaultIpv6: AnsibleFacts["default_ipv6"] = { ...v6 };
  const interfaces = new Map<string, AnsibleInterface>();
  const all4: string[] = [];
  const all6: string[] = [];
  const devices = s.lines("net_devices").filter((d) => s.has(`net_is ${d}`));
  const listings = s.rc("ip_addr") === 0 ? addressListings(s.raw("ip_addr") ?? "", devices) : new Map<string, AddressListing>();

  for (const device of devices) {
    const iface: AnsibleInterface = { device };
    interfaces.set(device, iface);
    const present = new Set(s.lines(`net_is ${device}`));
    // get_file_content of the device's sysfs files: stripped, undefined when unreadable or empty.
    const file = (name: string) => s.content(`/sys/class/net/${device}/${name}`);
    const has = (name: string) => s.has(`/sys/class/net/${device}/${name}`);
    const macaddress = present.has("address") ? (file("address") ?? "") : "";
    if (macaddress && macaddress !== "00:00:00:00:00:00") iface.macaddress = macaddress;
    if (present.has("mtu")) iface.mtu = Number.parseInt(file("mtu") ?? "", 10);
    if (present.has("operstate")) iface.active = file("operstate") !== "down";
    const module = s.content(`net_module ${device}`)?.split("/").pop();
    if (module !== undefined) iface.module = module;
    if (present.has("type")) iface.type = INTERFACE_TYPE[file("type") ?? ""] ?? "unknown";
    if (present.has("bridge")) {
      iface.type = "bridge";
      iface.interfaces = s.lines(`net_brif ${device}`);
      iface.id = file("bridge/bridge_id") ?? "";
      iface.stp = file("bridge/stp_state") === "1";
    }
    if (present.has("bonding")) {
      iface.type = "bonding";
      iface.slaves = (file("bonding/slaves") ?? "").split(/\s+/).filter(Boolean);
      iface.mode = (file("bonding/mode") ?? "").split(/\s+/)[0] ?? "";
      iface.miimon = (file("bonding/miimon") ?? "").split(/\s+/)[0] ?? "";
      iface.lacp_rate = (file("bonding/lacp_rate") ?? "").split(/\s+/)[0] ?? "";
      const primary = file("bonding/primary");
      if (primary) {
        iface.primary = primary;
        if (has("bonding/all_slaves_active")) iface.all_slaves_active = file("bonding/all_slaves_active") === "1";
      }
    }
    if (present.has("bonding_slave")) iface.perm_macaddress = file("bonding_slave/perm_hwaddr") ?? "";
    const pciid = s.content(`net_pciid ${device}`)?.split("/").pop();
    if (present.has("device") && pciid !== undefined) iface.pciid = pciid;
    const speed = file("speed");
    if (present.has("speed") && speed !== undefined) iface.speed = Number.parseInt(speed, 10);
    if (present.has("flags")) iface.promisc = (Number.parseInt(file("flags") ?? "0", 16) & 0x100) > 0;

    const parse = (output: string, secondary: boolean) => {
      for (const line of output.split("\n")) {
        const words = line.trim().split(/\s+/);
        if (words[0] === "inet") {
          const [address = "", prefix = "32"] = (words[1] ?? "").split("/");
          const broadcast = (words[1] ?? "").includes("/") && words.length > 3 && words[2] === "brd" ? (words[3] ?? "") : "";
          const entry = ipv4Of(address, prefix, broadcast);
          const label = words.at(-1) ?? device;
          if (label !== device) interfaces.set(label, {});
          const target = interfaces.get(label) ?? {};
          if (!secondary && target.ipv4 === undefined) target.ipv4 = entry;
          else target.ipv4_secondaries = [...(target.ipv4_secondaries ?? []), entry];
          if (secondary) {
            iface.ipv4_secondaries ??= [];
            if (label !== device) iface.ipv4_secondaries.push({ ...entry });
          }
          if (defaultIpv4.address === address) {
            Object.assign(defaultIpv4, { broadcast, netmask: entry.netmask, network: entry.network, prefix, macaddress, type: iface.type ?? "unknown", alias: label });
            if (iface.mtu !== undefined) defaultIpv4.mtu = iface.mtu;
          }
          if (!address.startsWith("127.")) all4.push(address);
        } else if (words[0] === "inet6") {
          const peer = words[2] === "peer";
          const address = peer ? (words[1] ?? "") : ((words[1] ?? "").split("/")[0] ?? "");
          const prefix = ((peer ? words[3] : words[1]) ?? "").split("/")[1] ?? "";
          const scope = (peer ? words[5] : words[3]) ?? "";
          iface.ipv6 = [...(iface.ipv6 ?? []), { address, prefix, scope }];
          if (defaultIpv6.address === address) {
            Object.assign(defaultIpv6, { prefix, scope, macaddress, type: iface.type ?? "unknown" });
            if (iface.mtu !== undefined) defaultIpv6.mtu = iface.mtu;
          }
          if (address !== "::1") all6.push(address);
        }
      }
    };
    const listing = listings.get(device);
    if (listing) {
      parse(listing.primary.join("\n"), false);
      parse(listing.secondary.join("\n"), true);
    }
    Object.assign(iface, ethtoolData(s, device));
  }

  const byFactName: Record<string, AnsibleInterface> = {};
  for (const [name, data] of interfaces) byFactName[name.replace(/:/g, "_")] = data;
  return {
    facts: { interfaces: Object.keys(byFactName), default_ipv4: defaultIpv4, default_ipv6: defaultIpv6, all_ipv4_addresses: all4, all_ipv6_addresses: all6 },
    interfaces: byFactName,
  };
}

/** `ethtool -k` features and `ethtool -T` time stamping, when ethtool is installed. */
function ethtoolData(s: Sections, device: string): Partial<AnsibleInterface> {
  const data: Partial<AnsibleInterface> = {};
  if (s.rc(`ethtool_k ${device}`) === 0) {
    const features: Record<string, string> = {};
    for (const line of (s.raw(`ethtool_k ${device}`) ?? "").trim().split("\n")) {
      if (!line || line.endsWith(":")) continue;
      const [key = "", value = ""] = line.split(": ");
      if (!value) continue;
      features[key.trim().replace(/-/g, "_")] = value.trim();
    }
    data.features = features;
  }
  if (s.rc(`ethtool_T ${device}`) === 0) {
    const out = s.raw(`ethtool_T ${device}`) ?? "";
    data.timestamping = [...out.matchAll(/SOF_TIMESTAMPING_(\w+)/g)].map((m) => (m[1] ?? "").toLowerCase());
    data.hw_timestamp_filters = [...out.matchAll(/HWTSTAMP_FILTER_(\w+)/g)].map((m) => (m[1] ?? "").toLowerCase());
    const phc = /PTP Hardware Clock: (\d+)/.exec(out)?.[1];
    if (phc !== undefined) data.phc_index = Number(phc);
  }
  return data;
}
