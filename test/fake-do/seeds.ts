import { z } from "zod";

// What a test or the lab hands the fake: the few facts that differ between droplets. Everything
// else in DigitalOcean's droplet object (size details, region object, image) is derived, so a
// seed list of 450 droplets stays one line per droplet.

const Ipv4 = z.ipv4();

/** DigitalOcean's tag-name rule (the spec's pattern), so every tag the fake serves validates. */
export const TagName = z
  .string()
  .max(255)
  .regex(/^[a-zA-Z0-9_\-:]+$/, "a tag name: letters, digits, '_', '-' and ':'");

/** The spec's `distribution` enum. */
const Distribution = z.enum([
  "Arch Linux",
  "CentOS",
  "CoreOS",
  "Debian",
  "Fedora",
  "Fedora Atomic",
  "FreeBSD",
  "Gentoo",
  "openSUSE",
  "RancherOS",
  "Rocky Linux",
  "Ubuntu",
  "Unknown",
]);

const ImageSeed = z.strictObject({
  distribution: Distribution.default("Debian"),
  slug: z.string().default("debian-12-x64"),
  name: z.string().default("12 x64"),
});

export const DropletSeedSchema = z.strictObject({
  /** Assigned in seed order from `firstDropletId` when absent. */
  id: z.number().int().positive().optional(),
  name: z.string().min(1),
  tags: z.array(TagName).default([]),
  size: z.string().default("s-1vcpu-1gb"),
  region: z.string().default("nyc3"),
  privateIpv4: Ipv4,
  /** null: a droplet created without a public interface. */
  publicIpv4: Ipv4.nullable().default(null),
  vpcUuid: z.uuid().default("5a4981aa-9653-4bd1-bef5-d6bff52042e4"),
  status: z.enum(["new", "active", "off", "archive"]).default("active"),
  // prefault, not default: zod 4's default() returns the value as is, skipping the inner defaults.
  image: ImageSeed.prefault({}),
  createdAt: z.iso.datetime().default("2026-01-05T10:00:00Z"),
});

export type DropletSeed = z.input<typeof DropletSeedSchema>;
export type DropletRecord = z.output<typeof DropletSeedSchema> & { id: number };

export const ReservedIpSeedSchema = z.strictObject({
  ip: Ipv4,
  region: z.string().default("nyc3"),
  dropletId: z.number().int().positive().nullable().default(null),
});

export type ReservedIpSeed = z.input<typeof ReservedIpSeedSchema>;

export const AccountSeedSchema = z.strictObject({
  droplet_limit: z.number().int().default(500),
  floating_ip_limit: z.number().int().default(10),
  email: z.string().default("lab@do-converge.test"),
  name: z.string().default("do-converge lab"),
  uuid: z.string().default("5c1d2b8e4f0a4e3b9d6c7a8f1e2d3c4b5a697887"),
  email_verified: z.boolean().default(true),
  status: z.enum(["active", "warning", "locked"]).default("active"),
  status_message: z.string().default(""),
});

export type AccountSeed = z.input<typeof AccountSeedSchema>;
export type AccountRecord = z.output<typeof AccountSeedSchema>;

/** Thrown at start-up when seeds contradict each other; the message names the seed at fault. */
export class FakeSeedError extends Error {
  override name = "FakeSeedError";
}

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue && issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
  throw new FakeSeedError(`${where}${path}: ${issue?.message ?? "invalid"}`);
}

/** Validates droplet seeds, gives ids to those without one, and rejects duplicate ids and names. */
export function normalizeDroplets(seeds: readonly DropletSeed[], firstDropletId: number): DropletRecord[] {
  const parsed = seeds.map((seed, i) => parseOrThrow(DropletSeedSchema, seed, `droplets[${i}]`));
  const taken = new Set(parsed.flatMap((d) => (d.id === undefined ? [] : [d.id])));
  let next = firstDropletId;
  const seenIds = new Set<number>();
  const seenNames = new Set<string>();
  return parsed.map((d, i) => {
    let id = d.id;
    if (id === undefined) {
      while (taken.has(next)) next += 1;
      id = next++;
    }
    if (seenIds.has(id)) throw new FakeSeedError(`droplets[${i}].id: duplicate droplet id ${id}`);
    // DigitalOcean allows duplicate names, but inventories key hosts by name: a duplicate in a
    // seed list is a test-writing mistake, not a scenario.
    if (seenNames.has(d.name)) throw new FakeSeedError(`droplets[${i}].name: duplicate droplet name ${d.name}`);
    seenIds.add(id);
    seenNames.add(d.name);
    return { ...d, id };
  });
}

export function normalizeReservedIps(seeds: readonly ReservedIpSeed[]) {
  return seeds.map((seed, i) => parseOrThrow(ReservedIpSeedSchema, seed, `reservedIps[${i}]`));
}

export function normalizeAccount(seed: AccountSeed | undefined): AccountRecord {
  return parseOrThrow(AccountSeedSchema, seed ?? {}, "account");
}
