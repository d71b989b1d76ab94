import { z } from "zod";
import { DropletGroupingSchema } from "./droplet-hosts.js";

// inventory/digitalocean.yml: which droplets to read and how to turn them into hosts.
//
//   plugin: digitalocean
//   tags: [database, database-loadbalancer, wp-wp-app]
//   regions: [nyc3]
//   host_address: private
//   keyed_groups: [region, size]
//   cache_ttl: 300

/** DigitalOcean's tag-name rule, so a typo fails here and not as an empty API answer. */
export const TagNameSchema = z
  .string()
  .max(255)
  .regex(/^[a-zA-Z0-9_\-:]+$/, "a DigitalOcean tag name: letters, digits, '_', '-' and ':'");

/** A region slug as the API spells it (nyc3, ams3): a typo fails here, not as an empty inventory. */
export const RegionSlugSchema = z.string().regex(/^[a-z]+[0-9]+$/, "a DigitalOcean region slug such as nyc3 or ams3");

export const DROPLET_STATUSES = ["new", "active", "off", "archive"] as const;

export const DigitalOceanConfigSchema = z.strictObject({
  plugin: z.literal("digitalocean"),
  ...DropletGroupingSchema.shape,
  /** Base URL; else DIGITALOCEAN_API_URL, else https://api.digitalocean.com. */
  api_url: z.string().min(1).optional(),
  /** A file holding the token (mode 0600); relative to this file. Tokens never go in this file itself. */
  token_file: z.string().min(1).optional(),
  /** Tags to read, one filtered request stream each; absent reads every droplet of the account. */
  tags: z.array(TagNameSchema).min(1).optional(),
  /** Regions whose droplets become hosts; absent keeps every region. Filtered here: the API has no region filter. */
  regions: z.array(RegionSlugSchema).min(1).optional(),
  /** Droplet statuses that become hosts: a droplet that is off cannot be converged. */
  statuses: z.array(z.enum(DROPLET_STATUSES)).min(1).default(["active"]),
  /** Seconds to reuse the API's answers from ~/.cache/do-converge; 0 (the default) disables the cache. */
  cache_ttl: z.number().int().nonnegative().default(0),
  /** Seconds per API request, body included. */
  timeout: z.number().positive().default(30),
  /** Retries after a 5xx, a timeout or a network error (429s are retried as the API asks). */
  retries: z.number().int().min(0).max(10).default(4),
});
export type DigitalOceanConfig = z.output<typeof DigitalOceanConfigSchema>;

const TOKEN_KEYS = new Set(["token", "api_token", "oauth_token", "access_token"]);

/** Advice for an unknown key that looks like a token: it would end up in git. */
export function digitalOceanKeyHint(key: string): string | undefined {
  if (!TOKEN_KEYS.has(key)) return undefined;
  return "the API token does not belong in the inventory file (it would end up in version control): set DIGITALOCEAN_TOKEN, or token_file to a file of mode 0600";
}
