import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { makeDirectories } from "../control-node/make-directories.js";
import { writeFileAtomic } from "../control-node/write-file.js";
import { ApiDropletSchema, type ApiDroplet } from "../digitalocean/schemas.js";

// The DigitalOcean source's file cache: the API's answers (not the inventory built from them), so
// changing groups or host_address in the inventory file needs no refresh. One file per
// (API URL, token, tags); the token enters the key only as a hash.

const CacheFileSchema = z.object({
  version: z.literal(1),
  fetchedAt: z.number(),
  streams: z.array(z.object({ tag: z.string().nullable(), droplets: z.array(ApiDropletSchema) })),
});
export type CachedStreams = z.infer<typeof CacheFileSchema>["streams"];

/** ~/.cache/do-converge/inventory (or under $XDG_CACHE_HOME), as the XDG base-directory spec puts caches. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  const base = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  return join(base, "do-converge", "inventory");
}

export interface CacheKey {
  readonly apiUrl: string;
  readonly token: string;
  readonly tags: readonly string[] | undefined;
}

export function cacheFile(dir: string, key: CacheKey): string {
  const tokenHash = createHash("sha256").update(key.token).digest("hex");
  const id = createHash("sha256")
    .update(JSON.stringify({ apiUrl: key.apiUrl, tokenHash, tags: key.tags ?? null }))
    .digest("hex")
    .slice(0, 32);
  return join(dir, `digitalocean-${id}.json`);
}

/** The cached streams when the file exists, parses, and is younger than the TTL; otherwise undefined. */
export async function readCache(file: string, ttlSeconds: number, now: number): Promise<{ streams: CachedStreams; fetchedAt: number } | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = CacheFileSchema.safeParse(json);
  // A cache from another version, or a clock that went backwards, is a miss, not an error.
  if (!parsed.success || parsed.data.fetchedAt > now || now - parsed.data.fetchedAt >= ttlSeconds * 1000) return undefined;
  return { streams: parsed.data.streams, fetchedAt: parsed.data.fetchedAt };
}

/**
 * Writes atomically (temp file and rename) with mode 0600 in a 0700 directory: the addresses
 * and names of a fleet are nobody else's business. A failure is returned for a warning, since a
 * cache that cannot be written must not fail the run.
 */
export async function writeCache(file: string, dir: string, streams: ReadonlyArray<{ tag: string | null; droplets: readonly ApiDroplet[] }>, now: number): Promise<string | undefined> {
  try {
    makeDirectories(dir, 0o700);
    writeFileAtomic(file, JSON.stringify({ version: 1, fetchedAt: now, streams }), 0o600);
    return undefined;
  } catch (err) {
    return `cannot write the inventory cache ${file}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
