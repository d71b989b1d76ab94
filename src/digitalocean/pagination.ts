import { DigitalOceanResponseError } from "./errors.js";

/**
 * The URL to fetch for a `links.pages.next` link. Only the link's `/v2/...` path and query are
 * kept, resolved against our own base URL: the bearer token must never follow a link to another
 * host, and behind a proxy (or a prefix such as https://proxy/do) the upstream's links name the
 * upstream, not the address we can reach.
 */
export function nextPageUrl(baseUrl: string, link: string, perPage: number, current: string): string {
  let parsed: URL;
  try {
    parsed = new URL(link, current);
  } catch {
    throw new DigitalOceanResponseError({ method: "GET", url: current }, `links.pages.next is not a URL: ${JSON.stringify(link)}`);
  }
  const at = parsed.pathname.indexOf("/v2/");
  if (at < 0) {
    throw new DigitalOceanResponseError({ method: "GET", url: current }, `links.pages.next does not name a /v2 path: ${JSON.stringify(link)}`);
  }
  const next = new URL(`${baseUrl}${parsed.pathname.slice(at)}${parsed.search}`);
  // A link that dropped per_page would fall back to 20 a page: ten times the requests.
  if (!next.searchParams.has("per_page")) next.searchParams.set("per_page", String(perPage));
  return next.href;
}
