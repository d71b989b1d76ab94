import { FakeSeedError } from "./seeds.js";

// The static parts of DigitalOcean's world that droplets refer to: sizes and regions. Only what
// the droplet and reserved-IP objects embed; prices are plausible, not authoritative.

export interface SizeInfo {
  slug: string;
  memory: number;
  vcpus: number;
  disk: number;
  transfer: number;
  priceMonthly: number;
  description: string;
}

const SIZES: readonly SizeInfo[] = [
  { slug: "s-1vcpu-512mb-10gb", memory: 512, vcpus: 1, disk: 10, transfer: 0.5, priceMonthly: 4, description: "Basic" },
  { slug: "s-1vcpu-1gb", memory: 1024, vcpus: 1, disk: 25, transfer: 1, priceMonthly: 6, description: "Basic" },
  { slug: "s-1vcpu-2gb", memory: 2048, vcpus: 1, disk: 50, transfer: 2, priceMonthly: 12, description: "Basic" },
  { slug: "s-2vcpu-2gb", memory: 2048, vcpus: 2, disk: 60, transfer: 3, priceMonthly: 18, description: "Basic" },
  { slug: "s-2vcpu-4gb", memory: 4096, vcpus: 2, disk: 80, transfer: 4, priceMonthly: 24, description: "Basic" },
  { slug: "s-4vcpu-8gb", memory: 8192, vcpus: 4, disk: 160, transfer: 5, priceMonthly: 48, description: "Basic" },
  { slug: "s-8vcpu-16gb", memory: 16384, vcpus: 8, disk: 320, transfer: 6, priceMonthly: 96, description: "Basic" },
  { slug: "c-2", memory: 4096, vcpus: 2, disk: 25, transfer: 4, priceMonthly: 42, description: "CPU-Optimized" },
  { slug: "g-2vcpu-8gb", memory: 8192, vcpus: 2, disk: 25, transfer: 4, priceMonthly: 63, description: "General Purpose" },
  { slug: "m-2vcpu-16gb", memory: 16384, vcpus: 2, disk: 50, transfer: 4, priceMonthly: 84, description: "Memory-Optimized" },
];

const REGION_NAMES: Readonly<Record<string, string>> = {
  nyc1: "New York 1",
  nyc2: "New York 2",
  nyc3: "New York 3",
  sfo1: "San Francisco 1",
  sfo2: "San Francisco 2",
  sfo3: "San Francisco 3",
  ams2: "Amsterdam 2",
  ams3: "Amsterdam 3",
  sgp1: "Singapore 1",
  lon1: "London 1",
  fra1: "Frankfurt 1",
  tor1: "Toronto 1",
  blr1: "Bangalore 1",
  syd1: "Sydney 1",
  atl1: "Atlanta 1",
};

/** Regions a base image is offered in; limited to the spec's `region_slug` enum, which image.regions uses. */
export const IMAGE_REGIONS: readonly string[] = ["nyc1", "nyc3", "sfo3", "ams3", "fra1", "lon1", "sgp1", "tor1", "blr1", "syd1"];

/** Regions DigitalOcean still lists but no longer offers for new resources (`available: false`). */
const RETIRED_REGIONS: ReadonlySet<string> = new Set(["nyc2", "sfo1", "ams2"]);

export function regionAvailable(slug: string): boolean {
  return !RETIRED_REGIONS.has(slug);
}

/** Every region GET /v2/regions lists, retired ones included, in slug order. */
export function regionSlugs(): string[] {
  return Object.keys(REGION_NAMES).sort();
}

export const REGION_FEATURES: readonly string[] = ["backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"];

export function sizeSlugs(): string[] {
  return SIZES.map((s) => s.slug);
}

/**
 * Known slugs come from the table; any other `<class>-<n>vcpu-<m>gb` slug is derived from its
 * name so a topology can use a size the table forgot without editing the fake.
 */
export function sizeInfo(slug: string): SizeInfo {
  const known = SIZES.find((s) => s.slug === slug);
  if (known) return known;
  const m = /^[a-z]+-(\d+)vcpu-(\d+)gb$/.exec(slug);
  if (!m) throw new FakeSeedError(`unknown droplet size ${slug}; known: ${sizeSlugs().join(", ")}`);
  const vcpus = Number(m[1]);
  const gb = Number(m[2]);
  return { slug, memory: gb * 1024, vcpus, disk: gb * 25, transfer: gb, priceMonthly: gb * 6, description: "Basic" };
}

export function regionName(slug: string): string {
  const name = REGION_NAMES[slug];
  if (name === undefined) throw new FakeSeedError(`unknown region ${slug}; known: ${Object.keys(REGION_NAMES).join(", ")}`);
  return name;
}
