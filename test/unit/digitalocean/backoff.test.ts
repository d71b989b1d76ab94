import { describe, expect, it } from "vitest";
import { errorBackoffMs, rateLimitWaitMs, RetryPolicySchema } from "../../../src/digitalocean/backoff.js";
import { DigitalOceanResponseError } from "../../../src/digitalocean/errors.js";
import { nextPageUrl } from "../../../src/digitalocean/pagination.js";

const now = Date.parse("2026-03-01T12:00:00Z");

describe("how long a 429 asks us to wait", () => {
  it("reads retry-after as seconds or as an HTTP date", () => {
    expect(rateLimitWaitMs(new Headers({ "retry-after": "7" }), now)).toBe(7000);
    expect(rateLimitWaitMs(new Headers({ "retry-after": "Sun, 01 Mar 2026 12:00:30 GMT" }), now)).toBe(30_000);
  });

  it("falls back to ratelimit-reset (Unix seconds), and to nothing", () => {
    expect(rateLimitWaitMs(new Headers({ "ratelimit-reset": String(now / 1000 + 42) }), now)).toBe(42_000);
    expect(rateLimitWaitMs(new Headers({ "ratelimit-reset": String(now / 1000 - 5) }), now)).toBe(0);
    expect(rateLimitWaitMs(new Headers({ "retry-after": "7", "ratelimit-reset": String(now / 1000 + 42) }), now)).toBe(7000);
    expect(rateLimitWaitMs(new Headers(), now)).toBeUndefined();
  });
});

describe("backoff after errors", () => {
  it("doubles per retry, is capped, and keeps at least half of each step (jitter)", () => {
    const p = RetryPolicySchema.parse({});
    expect([1, 2, 3, 4, 5, 6].map((n) => errorBackoffMs(n, p, () => 1))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect([1, 2, 3].map((n) => errorBackoffMs(n, p, () => 0))).toEqual([250, 500, 1000]);
  });
});

describe("following links.pages.next", () => {
  it("keeps the link's /v2 path and query, on our own base URL, and keeps per_page", () => {
    const base = "https://proxy.example/do";
    expect(nextPageUrl(base, "https://api.digitalocean.com/v2/droplets?page=2&per_page=200&tag_name=web", 200, `${base}/v2/droplets`)).toBe(
      "https://proxy.example/do/v2/droplets?page=2&per_page=200&tag_name=web",
    );
    expect(nextPageUrl(base, "https://api.digitalocean.com/v2/droplets?page=3", 200, `${base}/v2/droplets`)).toBe(
      "https://proxy.example/do/v2/droplets?page=3&per_page=200",
    );
  });

  it("refuses a link that is not a /v2 path", () => {
    expect(() => nextPageUrl("http://x", "http://evil.example/steal?page=2", 200, "http://x/v2/droplets")).toThrow(DigitalOceanResponseError);
  });
});
