import type { JsonObject } from "./http-util.js";
import type { DropletRecord } from "./seeds.js";
import type { World } from "./world.js";

// What the droplet metadata service (169.254.169.254) tells one droplet about itself, in its two
// renderings: the plain-text tree under /metadata/v1/ and the single /metadata/v1.json document.
// Shapes follow DigitalOcean's metadata docs. One deliberate choice: their OpenAPI text calls
// v1.json "a JSON array", but the service (and DigitalOcean's go-metadata client, which decodes
// it into a struct) uses one object, so the fake answers an object.

const NAMESERVERS = ["67.207.67.2", "67.207.67.3"];
const NETMASK = "255.255.255.0";

/**
 * A metadata tree node: a string is a value; an object is an index (listed with trailing
 * slashes); a string array is a list that is both listed as a directory and readable as lines,
 * which is how DigitalOcean serves `tags/`.
 */
export type MetadataNode = string | readonly string[] | { readonly [name: string]: MetadataNode };

interface Iface {
  address: string;
  netmask: string;
  gateway: string;
  mac: string;
  type: "public" | "private";
}

function gatewayOf(ip: string): string {
  return `${ip.split(".").slice(0, 3).join(".")}.1`;
}

/** Stable, locally administered MACs derived from the droplet id, one per interface kind. */
function macOf(dropletId: number, kind: "public" | "private"): string {
  const bytes = [kind === "public" ? 0x02 : 0x06, 0x00, ...[24, 16, 8, 0].map((s) => (dropletId >>> s) & 0xff)];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

function interfacesOf(d: DropletRecord): { private: Iface[]; public: Iface[] } {
  const iface = (address: string, type: "public" | "private"): Iface => ({
    address,
    netmask: NETMASK,
    gateway: gatewayOf(address),
    mac: macOf(d.id, type),
    type,
  });
  return {
    private: [iface(d.privateIpv4, "private")],
    public: d.publicIpv4 === null ? [] : [iface(d.publicIpv4, "public")],
  };
}

function ifaceTree(list: Iface[]): MetadataNode {
  return Object.fromEntries(
    list.map((i, n) => [String(n), { mac: i.mac, type: i.type, ipv4: { address: i.address, netmask: i.netmask, gateway: i.gateway } }]),
  );
}

function reservedIpTree(active: string | undefined): MetadataNode {
  return active === undefined ? { active: "false" } : { active: "true", ip_address: active };
}

export function metadataTree(d: DropletRecord, world: World): { [name: string]: MetadataNode } {
  const ifaces = interfacesOf(d);
  const reserved = world.reservedIpsOf(d.id)[0]?.ip;
  const interfaces: { [name: string]: MetadataNode } = { private: ifaceTree(ifaces.private) };
  if (ifaces.public.length > 0) interfaces["public"] = ifaceTree(ifaces.public);
  return {
    id: String(d.id),
    hostname: d.name,
    "user-data": "",
    "vendor-data": "",
    "public-keys": "",
    region: d.region,
    interfaces,
    dns: { nameservers: NAMESERVERS.join("\n") },
    floating_ip: { ipv4: reservedIpTree(reserved) },
    reserved_ip: { ipv4: reservedIpTree(reserved), ipv6: { active: "false" } },
    tags: [...d.tags],
    features: { dhcp_enabled: "false" },
  };
}

export function metadataJson(d: DropletRecord, world: World): JsonObject {
  const ifaces = interfacesOf(d);
  const reserved = world.reservedIpsOf(d.id)[0]?.ip;
  const ifaceJson = (i: Iface): JsonObject => ({
    ipv4: { ip_address: i.address, netmask: i.netmask, gateway: i.gateway },
    mac: i.mac,
    type: i.type,
  });
  const reservedJson: JsonObject = reserved === undefined ? { active: false } : { active: true, ip_address: reserved };
  return {
    droplet_id: d.id,
    hostname: d.name,
    user_data: "",
    vendor_data: "",
    public_keys: [],
    auth_key: "",
    region: d.region,
    interfaces: { private: ifaces.private.map(ifaceJson), public: ifaces.public.map(ifaceJson) },
    floating_ip: { ipv4: reservedJson },
    reserved_ip: { ipv4: reservedJson, ipv6: { active: false } },
    dns: { nameservers: [...NAMESERVERS] },
    tags: [...d.tags],
    features: { dhcp_enabled: false },
  };
}
