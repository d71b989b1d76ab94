import type { JsonObject } from "./http-util.js";

// DigitalOcean's list pagination: `page`/`per_page` in, `links.pages` and `meta.total` out.

export const DEFAULT_PER_PAGE = 20;
export const MAX_PER_PAGE = 200;

export interface PageRequest {
  page: number;
  perPage: number;
}

function positiveInt(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

/**
 * The spec caps per_page at 200 but does not say what a larger value earns; the fake clamps to
 * 200 (a client asking for more still gets every droplet, just over more pages) and treats a
 * missing or malformed value as the default, as lenient as DigitalOcean's API is observed to be.
 */
export function pageRequest(query: URLSearchParams): PageRequest {
  return {
    page: positiveInt(query.get("page")) ?? 1,
    perPage: Math.min(positiveInt(query.get("per_page")) ?? DEFAULT_PER_PAGE, MAX_PER_PAGE),
  };
}

export interface Page<T> {
  items: T[];
  links: JsonObject;
  meta: { total: number };
}

/**
 * Cuts one page and builds its links: absolute URLs carrying the request's own query with only
 * `page` changed. Like DigitalOcean, the first page has no first/prev, the last page has no
 * next/last, and a single-page result has an empty `links` object.
 */
export function paginate<T>(items: readonly T[], requestUrl: URL, req: PageRequest): Page<T> {
  const total = items.length;
  const lastPage = Math.max(1, Math.ceil(total / req.perPage));
  const start = (req.page - 1) * req.perPage;
  const link = (page: number): string => {
    const url = new URL(requestUrl.href);
    url.searchParams.set("page", String(page));
    return url.href;
  };
  const pages: JsonObject = {};
  if (req.page > 1) {
    pages["first"] = link(1);
    pages["prev"] = link(Math.min(req.page - 1, lastPage));
  }
  if (req.page < lastPage) {
    pages["next"] = link(req.page + 1);
    pages["last"] = link(lastPage);
  }
  return {
    items: items.slice(start, start + req.perPage),
    links: Object.keys(pages).length > 0 ? { pages } : {},
    meta: { total },
  };
}
