import type { z } from "zod";
import { RetryPolicySchema, type RetryPolicyInput } from "./backoff.js";
import { DigitalOceanResponseError } from "./errors.js";
import { getJson, type HttpDeps } from "./http.js";
import { nextPageUrl } from "./pagination.js";
import {
  AccountBodySchema,
  type ApiAccount,
  type ApiDroplet,
  type ApiRegion,
  DropletsPageSchema,
  type PageLinks,
  RegionsPageSchema,
} from "./schemas.js";
import type { ApiToken } from "./token.js";

/** DigitalOcean's maximum page size: the fewest requests for a large fleet. */
export const MAX_PER_PAGE = 200;

export interface DigitalOceanClientOptions {
  /** Base URL without /v2, as resolveApiUrl returns it. */
  readonly apiUrl: string;
  readonly token: ApiToken;
  readonly perPage?: number;
  /** Per request, body included; default 30 s. */
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicyInput;
  readonly userAgent?: string;
  /** Injected by tests: a fetch that fails on cue, a sleep that only records how long it was asked to wait. */
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  readonly onRetry?: HttpDeps["onRetry"];
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A small typed client over fetch + zod for the few DigitalOcean endpoints do-converge reads.
 * Each instance holds its own settings (no shared global agent, unlike the SDK docs/architecture.md, DigitalOcean client rejects).
 */
export class DigitalOceanClient {
  readonly apiUrl: string;
  private readonly perPage: number;
  private readonly deps: HttpDeps;

  constructor(options: DigitalOceanClientOptions) {
    this.apiUrl = options.apiUrl;
    this.perPage = Math.min(Math.max(1, options.perPage ?? MAX_PER_PAGE), MAX_PER_PAGE);
    this.deps = {
      token: options.token,
      timeoutMs: options.timeoutMs ?? 30_000,
      policy: RetryPolicySchema.parse(options.retry ?? {}),
      userAgent: options.userAgent ?? "do-converge",
      fetch: options.fetch ?? fetch,
      sleep: options.sleep ?? realSleep,
      now: options.now ?? Date.now,
      ...(options.onRetry === undefined ? {} : { onRetry: options.onRetry }),
    };
  }

  /** Every droplet, or those with one tag (the API's tag_name filter), across all pages. */
  async listDroplets(filter: { tagName?: string } = {}): Promise<ApiDroplet[]> {
    const query: Record<string, string> = filter.tagName === undefined ? {} : { tag_name: filter.tagName };
    const droplets = await this.listAll("/v2/droplets", query, DropletsPageSchema, (page) => page.droplets);
    // A droplet created while we paged shifts later pages by one, so the same droplet can
    // appear twice; the first sighting is kept.
    const seen = new Set<number>();
    return droplets.filter((d) => !seen.has(d.id) && seen.add(d.id));
  }

  /** The token's account (GET /v2/account): the cheapest request that proves a token works. */
  async account(): Promise<ApiAccount> {
    const url = `${this.apiUrl}/v2/account`;
    return this.parse(url, await getJson(url, this.deps), AccountBodySchema).account;
  }

  /** Every region, retired ones (available: false) included, across all pages. */
  async listRegions(): Promise<ApiRegion[]> {
    return this.listAll("/v2/regions", {}, RegionsPageSchema, (page) => page.regions);
  }

  /** A body checked against its schema; the first problem names the field. */
  private parse<T>(url: string, body: unknown, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "(body)" : issue.path.join(".");
    throw new DigitalOceanResponseError({ method: "GET", url }, `${where}: ${issue?.message ?? "unexpected shape"}`);
  }

  /** Follows links.pages.next from the first page to the last, validating each page. */
  private async listAll<P extends PageLinks, T>(
    path: string,
    query: Readonly<Record<string, string>>,
    schema: z.ZodType<P>,
    items: (page: P) => T[],
  ): Promise<T[]> {
    const first = new URL(`${this.apiUrl}${path}`);
    first.searchParams.set("per_page", String(this.perPage));
    for (const [k, v] of Object.entries(query)) first.searchParams.set(k, v);
    const out: T[] = [];
    const visited = new Set<string>();
    let url: string | undefined = first.href;
    while (url !== undefined) {
      if (visited.has(url)) {
        throw new DigitalOceanResponseError({ method: "GET", url }, "links.pages.next leads back to a page already read");
      }
      visited.add(url);
      const page: P = this.parse(url, await getJson(url, this.deps), schema);
      out.push(...items(page));
      const next: string | undefined = page.links?.pages?.next;
      url = next === undefined ? undefined : nextPageUrl(this.apiUrl, next, this.perPage, url);
    }
    return out;
  }
}
