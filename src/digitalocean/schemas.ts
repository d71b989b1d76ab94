import { z } from "zod";

// The parts of DigitalOcean's answers this client reads, as zod schemas (the types come from
// them). Objects are not strict: the API adds fields over time, and we keep only what we use.

/** DigitalOcean's error body; request_id is documented but not always sent. */
export const ApiErrorBodySchema = z.object({
  id: z.string(),
  message: z.string(),
  request_id: z.string().optional(),
});

/** `links.pages.next` is how pagination continues; absent on the last page. */
export const PageLinksSchema = z.object({
  links: z.object({ pages: z.object({ next: z.string().optional() }).optional() }).optional(),
  meta: z.object({ total: z.number().int().nonnegative() }).optional(),
});
export type PageLinks = z.infer<typeof PageLinksSchema>;

const NetworkV4Schema = z.object({
  ip_address: z.string(),
  type: z.enum(["public", "private"]),
});

/** A droplet as GET /v2/droplets lists it, reduced to what an inventory needs. */
export const ApiDropletSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  status: z.string(),
  tags: z.array(z.string()),
  size_slug: z.string(),
  region: z.object({ slug: z.string() }),
  // Custom images and snapshots have no slug, and older images no distribution.
  image: z.object({
    slug: z.string().nullish(),
    distribution: z.string().nullish(),
  }),
  networks: z.object({ v4: z.array(NetworkV4Schema) }),
  vpc_uuid: z.string().nullish(),
});
export type ApiDroplet = z.infer<typeof ApiDropletSchema>;

export const DropletsPageSchema = PageLinksSchema.extend({ droplets: z.array(ApiDropletSchema) });

/** GET /v2/account: who the token belongs to, and whether the account may act (status). */
export const AccountBodySchema = z.object({
  account: z.object({
    email: z.string(),
    status: z.string(),
    status_message: z.string().optional(),
    uuid: z.string().optional(),
  }),
});
export type ApiAccount = z.infer<typeof AccountBodySchema>["account"];

/** A region as GET /v2/regions lists it; `available: false` regions take no new droplets. */
export const ApiRegionSchema = z.object({
  slug: z.string().min(1),
  name: z.string(),
  available: z.boolean(),
});
export type ApiRegion = z.infer<typeof ApiRegionSchema>;

export const RegionsPageSchema = PageLinksSchema.extend({ regions: z.array(ApiRegionSchema) });
