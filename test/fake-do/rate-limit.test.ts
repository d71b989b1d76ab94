import { afterEach, describe, expect, it } from "vitest";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "./index.js";
import { validateResponse } from "./openapi.js";
import { RateLimiter } from "./rate-limit.js";
import { ErrorBody, TOKEN, api, fleet } from "./test-helpers.js";

let fake: FakeDigitalOcean | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(rateLimitPerHour?: number) {
  fake = await startFakeDigitalOcean({ token: TOKEN, droplets: fleet(3), rateLimitPerHour });
  return { fake, call: api(fake) };
}

const header = (h: Headers, name: string): number => Number(h.get(name));

describe("rate limiting", () => {
  it("sends DigitalOcean's rate-limit headers, counting down per request", async () => {
    const { call } = await start();
    const a = await call("GET", "/v2/droplets");
    const b = await call("GET", "/v2/droplets");
    expect(header(a.headers, "ratelimit-limit")).toBe(5000);
    expect(header(a.headers, "ratelimit-remaining")).toBe(4999);
    expect(header(b.headers, "ratelimit-remaining")).toBe(4998);
    // Epoch seconds, an hour after the oldest request: well after now.
    expect(header(a.headers, "ratelimit-reset")).toBeGreaterThan(Date.now() / 1000);
  });

  it("answers the next N requests with 429 and retry-after during a storm, then recovers", async () => {
    const { fake, call } = await start();
    fake.setRateLimitStorm({ requests: 2, retryAfterSeconds: 7 });
    const refused = [await call("GET", "/v2/droplets"), await call("GET", "/v2/droplets/4100000001")];
    for (const res of refused) {
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("7");
      expect(header(res.headers, "ratelimit-remaining")).toBe(0);
      expect(ErrorBody.parse(res.body).id).toBe("too_many_requests");
    }
    validateResponse("GET", "/v2/droplets", 429, refused[0]?.body, { headers: refused[0]?.headers });
    const after = await call("GET", "/v2/droplets");
    expect(after.status).toBe(200);
    expect(after.headers.get("retry-after")).toBeNull();
  });

  it("ends a storm early when set to null", async () => {
    const { fake, call } = await start();
    fake.setRateLimitStorm({ requests: 100, retryAfterSeconds: 1 });
    fake.setRateLimitStorm(null);
    expect((await call("GET", "/v2/droplets")).status).toBe(200);
  });

  it("refuses with 429 once the hourly quota is spent, with retry-after until the oldest request expires", async () => {
    const { call } = await start(2);
    expect((await call("GET", "/v2/droplets")).status).toBe(200);
    expect((await call("GET", "/v2/droplets")).status).toBe(200);
    const refused = await call("GET", "/v2/droplets");
    expect(refused.status).toBe(429);
    expect(header(refused.headers, "retry-after")).toBeGreaterThan(0);
    expect(header(refused.headers, "retry-after")).toBeLessThanOrEqual(3600);
  });

  it("does not count unauthenticated requests against the quota", async () => {
    const { call } = await start();
    await call("GET", "/v2/droplets", { token: "wrong" });
    const ok = await call("GET", "/v2/droplets");
    expect(header(ok.headers, "ratelimit-remaining")).toBe(4999);
  });
});

describe("RateLimiter window", () => {
  it("lets a request expire one hour after it was made", () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(1, () => now);
    expect(limiter.admit().admitted).toBe(true);
    expect(limiter.admit().admitted).toBe(false);
    now += 3_600_000;
    expect(limiter.admit().admitted).toBe(true);
  });
});
