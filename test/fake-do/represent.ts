import { IMAGE_REGIONS, REGION_FEATURES, regionAvailable, regionName, sizeInfo, sizeSlugs } from "./catalog.js";
import type { JsonObject } from "./http-util.js";
import type { AccountRecord, DropletRecord } from "./seeds.js";
import type { ActionRecord, ReservedIpRecord, World } from "./world.js";

// State → DigitalOcean's JSON objects, field for field as the OpenAPI spec describes them. The
// openapi tests validate every one of these through real HTTP responses.

const PROJECT_ID = "746c6152-2fa2-11ed-92d3-27aaa54e4988";

export function regionJson(slug: string): JsonObject {
  return {
    name: regionName(slug),
    slug,
    features: [...REGION_FEATURES],
    available: regionAvailable(slug),
    // A retired region offers no sizes, as DigitalOcean lists it.
    sizes: regionAvailable(slug) ? sizeSlugs() : [],
  };
}

function sizeJson(slug: string, region: string): JsonObject {
  const s = sizeInfo(slug);
  return {
    slug: s.slug,
    memory: s.memory,
    vcpus: s.vcpus,
    disk: s.disk,
    transfer: s.transfer,
    price_monthly: s.priceMonthly,
    // DigitalOcean bills 672 hours a month.
    price_hourly: Math.round((s.priceMonthly / 672) * 1e5) / 1e5,
    regions: [...new Set([...IMAGE_REGIONS, region])].sort(),
    available: true,
    description: s.description,
    disk_info: [{ type: "local", size: { amount: s.disk, unit: "gib" } }],
  };
}

function imageJson(d: DropletRecord): JsonObject {
  return {
    id: 160_000_000 + (hash(d.image.slug) % 1_000_000),
    name: d.image.name,
    distribution: d.image.distribution,
    slug: d.image.slug,
    public: true,
    regions: [...IMAGE_REGIONS],
    created_at: "2025-06-11T12:00:00Z",
    type: "base",
    min_disk_size: 10,
    size_gigabytes: 1.42,
    description: `${d.image.distribution} ${d.image.name}`,
    tags: [],
    status: "available",
    error_message: "",
  };
}

/** A /24 around the address: the lab's networks are /24s and nothing here needs more realism. */
function gatewayOf(ip: string): string {
  return `${ip.split(".").slice(0, 3).join(".")}.1`;
}

export function dropletJson(d: DropletRecord): JsonObject {
  const size = sizeInfo(d.size);
  const v4: JsonObject[] = [
    // The spec's own example spells the absent private gateway as the string "nil".
    { ip_address: d.privateIpv4, netmask: "255.255.255.0", gateway: "nil", type: "private" },
  ];
  if (d.publicIpv4 !== null) {
    v4.push({ ip_address: d.publicIpv4, netmask: "255.255.255.0", gateway: gatewayOf(d.publicIpv4), type: "public" });
  }
  return {
    id: d.id,
    name: d.name,
    memory: size.memory,
    vcpus: size.vcpus,
    disk: size.disk,
    disk_info: [{ type: "local", size: { amount: size.disk, unit: "gib" } }],
    locked: false,
    status: d.status,
    kernel: null,
    created_at: d.createdAt,
    features: ["monitoring", "private_networking"],
    backup_ids: [],
    next_backup_window: null,
    snapshot_ids: [],
    image: imageJson(d),
    volume_ids: [],
    size: sizeJson(d.size, d.region),
    size_slug: d.size,
    networks: { v4, v6: [] },
    region: regionJson(d.region),
    tags: [...d.tags],
    vpc_uuid: d.vpcUuid,
  };
}

export function reservedIpJson(r: ReservedIpRecord, world: World): JsonObject {
  const holder = r.dropletId === null ? undefined : world.droplets.get(r.dropletId);
  return {
    ip: r.ip,
    region: regionJson(r.region),
    droplet: holder ? dropletJson(holder) : null,
    locked: r.pendingActionId !== null,
    project_id: PROJECT_ID,
  };
}

/** DigitalOcean reports a reserved IP's actions against the address read as a 32-bit integer. */
export function ipv4AsInteger(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function actionJson(a: ActionRecord): JsonObject {
  return {
    id: a.id,
    status: a.status,
    type: a.type,
    started_at: a.startedAt,
    completed_at: a.completedAt,
    resource_id: ipv4AsInteger(a.ip),
    resource_type: "reserved_ip",
    region: regionJson(a.region),
    region_slug: a.region,
    project_id: PROJECT_ID,
  };
}

export function tagJson(name: string, droplets: readonly DropletRecord[], origin: string): JsonObject {
  const last = droplets.at(-1);
  const lastUri = last ? `${origin}/v2/droplets/${last.id}` : undefined;
  const tagged = (count: number, uri: string | undefined): JsonObject =>
    uri === undefined ? { count } : { count, last_tagged_uri: uri };
  return {
    name,
    resources: {
      ...tagged(droplets.length, lastUri),
      droplets: tagged(droplets.length, lastUri),
      images: { count: 0 },
      volumes: { count: 0 },
      volume_snapshots: { count: 0 },
      databases: { count: 0 },
    },
  };
}

export function accountJson(a: AccountRecord): JsonObject {
  return { ...a };
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}
