import type { Topology } from "../lab/topology.js";
import type { DropletSeed, ReservedIpSeed } from "./seeds.js";

// The lab's hosts as the fake's droplets: same names, tags, sizes, regions, addresses and the
// stable droplet ids the lab derives, so the metadata a container reads matches the API.

export function dropletsFromTopology(topology: Topology): DropletSeed[] {
  return topology.hosts.map((h) => ({
    id: h.dropletId,
    name: h.name,
    tags: [...h.tags],
    size: h.size,
    region: h.region,
    privateIpv4: h.privateIpv4,
    publicIpv4: h.publicIpv4,
    vpcUuid: topology.vpcUuid,
    image: { distribution: "Debian", slug: "debian-12-x64", name: "12 x64" },
  }));
}

/** The topology's reserved IPs start unassigned: assigning them is what failover code does. */
export function reservedIpsFromTopology(topology: Topology): ReservedIpSeed[] {
  return topology.reservedIps.map((r) => ({ ip: r.ip, region: r.region, dropletId: null }));
}
