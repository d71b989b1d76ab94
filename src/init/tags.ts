import { HostAddressSchema, type HostAddress } from "../inventory/droplet-hosts.js";
import { TagNameSchema } from "../inventory/digitalocean-config.js";
import { splitList } from "./ask.js";
import { InitError } from "./errors.js";

/** The tags the original Terraform gives the reference site's droplets (inventory/digitalocean.yml). */
export const REFERENCE_TAGS = ["database", "database-loadbalancer", "wp-wp-app"] as const;

/** Typed for "no tag filter": every droplet of the account. */
export const EVERY_DROPLET = "*";

/** Tags to read, comma- or space-separated, checked by DigitalOcean's tag-name rule; `*` is none (every droplet). */
export function parseTags(raw: string): string[] | undefined {
  const items = splitList(raw);
  if (items.length === 1 && items[0] === EVERY_DROPLET) return undefined;
  if (items.length === 0) throw new InitError(`name at least one tag, or ${EVERY_DROPLET} for every droplet`);
  for (const tag of items) {
    const ok = TagNameSchema.safeParse(tag);
    if (!ok.success) throw new InitError(`${tag}: ${ok.error.issues[0]?.message ?? "not a tag name"}`);
  }
  return [...new Set(items)];
}

export function parseHostAddress(raw: string): HostAddress {
  const ok = HostAddressSchema.safeParse(raw.trim().toLowerCase());
  if (!ok.success) throw new InitError(`${raw}: private (the VPC address) or public`);
  return ok.data;
}
