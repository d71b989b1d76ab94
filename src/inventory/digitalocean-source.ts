import { dirname } from "node:path";
import { resolveApiUrl } from "../digitalocean/api-url.js";
import { DigitalOceanClient } from "../digitalocean/client.js";
import { DigitalOceanError } from "../digitalocean/errors.js";
import type { ApiDroplet } from "../digitalocean/schemas.js";
import { resolveToken } from "../digitalocean/token.js";
import { cacheFile, defaultCacheDir, readCache, writeCache } from "./digitalocean-cache.js";
import { digitalOceanKeyHint, DigitalOceanConfigSchema, type DigitalOceanConfig } from "./digitalocean-config.js";
import { type DropletEntry, type DropletFacts, dropletHosts } from "./droplet-hosts.js";
import { DynamicInventoryError } from "./dynamic-errors.js";
import type { DynamicSourceOptions } from "./dynamic-options.js";
import { InventoryShapeError } from "./errors.js";
import type { InventoryFragment, InventoryWarning } from "./model.js";
import { parsePluginConfig, type PluginConfig } from "./plugin-config.js";

interface Stream {
  tag: string | null;
  droplets: readonly ApiDroplet[];
}

/** Parses a digitalocean.yml, reads its droplets, and builds the fragment. No host is contacted. */
export async function loadDigitalOceanInventory(path: string, text: string, o: DynamicSourceOptions = {}): Promise<InventoryFragment> {
  const pc = parsePluginConfig(text, path, DigitalOceanConfigSchema, digitalOceanKeyHint);
  const c = pc.config;
  const env = o.env ?? process.env;
  const apiUrl = apiUrlOf(pc, env);
  const token = await explained(path, () => resolveToken({ env, ...(c.token_file === undefined ? {} : { tokenFile: c.token_file }), baseDir: dirname(path) }));
  o.onSecret?.(token.value);
  const warnings: InventoryWarning[] = [];
  const now = o.now ?? Date.now;

  const file = cacheFile(o.cacheDir ?? defaultCacheDir(env), { apiUrl, token: token.value, tags: c.tags });
  const cached = c.cache_ttl > 0 && o.refresh !== true ? await readCache(file, c.cache_ttl, now()) : undefined;
  let streams: Stream[];
  if (cached !== undefined) {
    streams = cached.streams;
  } else {
    const client = new DigitalOceanClient({
      apiUrl,
      token,
      timeoutMs: c.timeout * 1000,
      retry: { retries: c.retries },
      ...(o.fetch === undefined ? {} : { fetch: o.fetch }),
      ...(o.sleep === undefined ? {} : { sleep: o.sleep }),
      ...(o.now === undefined ? {} : { now: o.now }),
      onRetry: ({ waitMs, reason }) => o.onNotice?.(`${path}: DigitalOcean API: ${reason}; retrying in ${(waitMs / 1000).toFixed(1)} s`),
    });
    // One stream per tag (the API filters by one tag at a time), read one after another: a
    // handful of tags costs little time, parallel streams would spend the burst limit faster,
    // and when the API is down the first failure ends the run instead of N retry loops.
    streams = await explained(path, async () => {
      const out: Stream[] = [];
      for (const tag of c.tags ?? [null]) out.push({ tag, droplets: await client.listDroplets(tag === null ? {} : { tagName: tag }) });
      return out;
    });
    if (c.cache_ttl > 0) {
      const problem = await writeCache(file, dirname(file), streams, now());
      if (problem !== undefined) warnings.push({ message: problem, location: pc.at(["cache_ttl"]) });
    }
  }

  const entries = selectDroplets(streams, c, pc, path, warnings);
  const { hosts, groups } = dropletHosts(entries, c, { file: path, at: (key) => (pc.has(key) ? pc.at([key]) : { file: path }) });
  return { source: path, hosts, groups, varsDir: dirname(path), warnings };
}

/** Droplets of the wanted statuses, each once (a droplet with two wanted tags is in two streams). */
function selectDroplets(streams: readonly Stream[], c: DigitalOceanConfig, pc: PluginConfig<DigitalOceanConfig>, path: string, warnings: InventoryWarning[]): DropletEntry[] {
  const wanted = new Set<string>(c.statuses);
  const regions = c.regions === undefined ? undefined : new Set<string>(c.regions);
  const inRegion = (d: ApiDroplet) => regions === undefined || regions.has(d.region.slug);
  const seen = new Set<number>();
  const entries: DropletEntry[] = [];
  streams.forEach((stream, i) => {
    const kept = stream.droplets.filter((d) => wanted.has(d.status) && inRegion(d));
    const where = stream.tag === null ? undefined : pc.at(["tags", i]);
    const what = stream.tag === null ? "the account" : `tag '${stream.tag}'`;
    if (stream.droplets.length === 0) {
      warnings.push({ message: `${what} has no droplets`, ...(where === undefined ? {} : { location: where }) });
    } else if (kept.length === 0) {
      const n = stream.droplets.length;
      const region = c.regions === undefined ? "" : ` in region ${c.regions.join(" or ")}`;
      warnings.push({
        message: `${what} has ${n} droplet${n === 1 ? "" : "s"}, none with status ${c.statuses.join(" or ")}${region}`,
        ...(where === undefined ? {} : { location: where }),
      });
    }
    for (const d of kept) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      entries.push({ facts: dropletFacts(d), provenance: { file: `${path}: droplet ${d.id}` } });
    }
  });
  return entries;
}

export function dropletFacts(d: ApiDroplet): DropletFacts {
  const address = (type: "public" | "private") => d.networks.v4.find((n) => n.type === type)?.ip_address ?? null;
  return {
    id: d.id,
    name: d.name,
    status: d.status,
    region: d.region.slug,
    size: d.size_slug,
    tags: [...d.tags],
    privateIpv4: address("private"),
    publicIpv4: address("public"),
    vpcUuid: d.vpc_uuid ?? null,
    image: d.image.slug ?? null,
    distribution: d.image.distribution ?? null,
  };
}

function apiUrlOf(pc: PluginConfig<DigitalOceanConfig>, env: Readonly<Record<string, string | undefined>>): string {
  try {
    return resolveApiUrl(pc.config.api_url, env);
  } catch (err) {
    if (!(err instanceof DigitalOceanError)) throw err;
    if (pc.config.api_url === undefined) throw new DynamicInventoryError(pc.at([]).file, err.message, { cause: err });
    throw new InventoryShapeError(pc.at(["api_url"]), err.message.replace(/^api_url: /, ""), "api_url");
  }
}

/** Client failures become one line that starts with the inventory file, as every inventory error does. */
async function explained<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DigitalOceanError) throw new DynamicInventoryError(path, err.message, { cause: err });
    throw err;
  }
}
