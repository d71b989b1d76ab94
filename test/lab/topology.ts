import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { LabError } from "./errors.js";

const Ipv4 = z.string().regex(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, "an IPv4 address");
const HostName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,30}$/, "a host name: lowercase letters, digits and '-', at most 31 characters");

const HostSpec = z.strictObject({
  name: HostName,
  tags: z.array(z.string().min(1)).default([]),
  size: z.string().default("s-1vcpu-1gb"),
  region: z.string().default("nyc3"),
  /** Last octet of the host's addresses in both lab networks; defaults to 10 + its position. */
  octet: z.number().int().min(2).max(249).optional(),
});

/** The default lab's bridge; the bridge names a lab on this machine (see labStateName). */
export const DEFAULT_BRIDGE = "dclab0";

/** DigitalOcean's metadata address; lab hosts reach it over the bridge, as droplets reach theirs. */
export const METADATA_IPV4 = "169.254.169.254";
/** Port of a lab's metadata service on its gateway (metadata: gateway). */
export const GATEWAY_METADATA_PORT = 8169;

const TopologySchema = z.strictObject({
  /** Name of the Linux bridge; 15 characters at most (IFNAMSIZ). */
  bridge: z.string().regex(/^[a-z][a-z0-9-]{0,14}$/).default(DEFAULT_BRIDGE),
  /** The droplets' private network (the VPC): a /24 given by its first three octets. */
  privateNet: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/).default("10.77.0"),
  /** The droplets' "public" network, also on the bridge: reserved IPs live here. */
  publicNet: z.string().regex(/^\d{1,3}\.\d{1,3}\.\d{1,3}$/).default("10.78.0"),
  vpcUuid: z.string().uuid().default("5a4981aa-9653-4bd1-bef5-d6bff52042e4"),
  reservedIps: z.array(z.strictObject({ ip: Ipv4, region: z.string().default("nyc3") })).default([]),
  /**
   * Run the lab's DigitalOcean (fake API, metadata service on 169.254.169.254). Only one lab on
   * a machine can hold the metadata address; a second lab (the benchmark's) turns this off.
   */
  digitalocean: z.boolean().default(true),
  /**
   * Where that metadata service listens: "link-local" is DigitalOcean's own address (169.254.169.254,
   * port 80); "gateway" is the lab gateway's private address, port 8169, which any number of labs
   * can hold, so a second lab (the benchmark's reference site) runs a DigitalOcean of its own beside
   * the default lab. Sites on such a lab are told the service's URL (do_metadata_url).
   */
  metadata: z.enum(["link-local", "gateway"]).default("link-local"),
  hosts: z.array(HostSpec).min(1),
});

export type TopologyInput = z.input<typeof TopologySchema>;
export type HostSpec = z.infer<typeof HostSpec>;

export interface LabHost {
  name: string;
  tags: string[];
  size: string;
  region: string;
  /** Stable fake droplet id: the fake DigitalOcean API and the metadata service use it. */
  dropletId: number;
  privateIpv4: string;
  publicIpv4: string;
}

export interface Topology {
  bridge: string;
  privateNet: string;
  publicNet: string;
  /** Address of the lab machine on the private network: apt proxy, fake API. */
  gatewayPrivate: string;
  gatewayPublic: string;
  vpcUuid: string;
  reservedIps: { ip: string; region: string }[];
  digitalocean: boolean;
  /** Where the metadata service listens (when digitalocean), and its base URL for sites. */
  metadata: { host: string; port: number; url: string };
  hosts: LabHost[];
}

/** Validates a topology and derives addresses and droplet ids; errors name the key at fault. */
export function buildTopology(input: unknown, source = "<topology>"): Topology {
  const parsed = TopologySchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? first.path.join(".") || "(top level)" : "(top level)";
    throw new LabError(`${source}: ${where}: ${first?.message ?? "invalid topology"}`);
  }
  const t = parsed.data;
  const seenNames = new Set<string>();
  const seenOctets = new Set<number>();
  const hosts = t.hosts.map((h, i): LabHost => {
    const octet = h.octet ?? 10 + i;
    if (seenNames.has(h.name)) throw new LabError(`${source}: hosts.${i}.name: duplicate host name ${h.name}`);
    if (seenOctets.has(octet)) throw new LabError(`${source}: hosts.${i}: address .${octet} is used twice`);
    seenNames.add(h.name);
    seenOctets.add(octet);
    return {
      name: h.name,
      tags: h.tags,
      size: h.size,
      region: h.region,
      dropletId: 3_000_000 + octet,
      privateIpv4: `${t.privateNet}.${octet}`,
      publicIpv4: `${t.publicNet}.${octet}`,
    };
  });
  return {
    bridge: t.bridge,
    privateNet: t.privateNet,
    publicNet: t.publicNet,
    gatewayPrivate: `${t.privateNet}.1`,
    gatewayPublic: `${t.publicNet}.1`,
    vpcUuid: t.vpcUuid,
    reservedIps: t.reservedIps,
    digitalocean: t.digitalocean,
    metadata:
      t.metadata === "gateway"
        ? { host: `${t.privateNet}.1`, port: GATEWAY_METADATA_PORT, url: `http://${t.privateNet}.1:${GATEWAY_METADATA_PORT}` }
        : { host: METADATA_IPV4, port: 80, url: `http://${METADATA_IPV4}` },
    hosts,
  };
}

export function loadTopology(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new LabError(`${file}: cannot read topology: ${(err as Error).message}`);
  }
  return buildTopology(parseYaml(text), file);
}

export const DEFAULT_TOPOLOGY_FILE = new URL("./topology.yml", import.meta.url).pathname;
