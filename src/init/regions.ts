import type { ApiRegion } from "../digitalocean/schemas.js";
import { splitList } from "./ask.js";
import { InitError } from "./errors.js";

/** Typed for "no region filter": the inventory keeps droplets of every region. */
export const ALL_REGIONS = "all";

/** The numbered menu the operator picks from: available regions only, in slug order. */
export function regionMenu(available: readonly ApiRegion[]): string[] {
  const width = String(available.length).length;
  return available.map((r, i) => `  ${String(i + 1).padStart(width)}) ${r.slug.padEnd(5)} ${r.name}`);
}

/** Regions that take new droplets, in slug order: what the menu numbers refer to. */
export function availableRegions(regions: readonly ApiRegion[]): ApiRegion[] {
  return regions.filter((r) => r.available).sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * The operator's choice: menu numbers or slugs, comma- or space-separated, mixed freely; `all`
 * means no filter (undefined). A slug the account cannot use, or a retired region, is refused.
 */
export function parseRegions(raw: string, all: readonly ApiRegion[]): string[] | undefined {
  const items = splitList(raw);
  if (items.length === 1 && items[0]?.toLowerCase() === ALL_REGIONS) return undefined;
  if (items.length === 0) throw new InitError(`name at least one region, or ${ALL_REGIONS}`);
  const available = availableRegions(all);
  const chosen: string[] = [];
  for (const item of items) {
    const slug = /^\d+$/.test(item) ? available[Number(item) - 1]?.slug : item.toLowerCase();
    if (slug === undefined) throw new InitError(`${item}: no such number in the list (1-${available.length})`);
    const region = all.find((r) => r.slug === slug);
    if (region === undefined) throw new InitError(`${item}: not a region of this API (known: ${available.map((r) => r.slug).join(", ")})`);
    if (!region.available) throw new InitError(`${item}: region ${region.name} takes no new droplets (available: false)`);
    if (!chosen.includes(slug)) chosen.push(slug);
  }
  return chosen;
}
