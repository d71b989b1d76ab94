import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "./index.js";
import { validateResponse } from "./openapi.js";
import { ErrorBody, TOKEN, call, fleet } from "./test-helpers.js";

let fake: FakeDigitalOcean;

beforeAll(async () => {
  fake = await startFakeDigitalOcean({ token: TOKEN, droplets: fleet(2) });
});

afterAll(async () => {
  await fake.close();
});

describe("bearer authentication", () => {
  it.each([
    ["no Authorization header", {}],
    ["a wrong token", { authorization: "Bearer not-the-token" }],
    ["the token without the Bearer scheme", { authorization: TOKEN }],
    ["the token as Basic credentials", { authorization: `Basic ${TOKEN}` }],
  ])("answers %s with DigitalOcean's 401", async (_why, headers: Record<string, string>) => {
    const res = await call(fake.url, "GET", "/v2/droplets", { token: null, headers });
    expect(res.status).toBe(401);
    const body = ErrorBody.parse(res.body);
    expect(body.id).toBe("unauthorized");
    expect(body.message).toBe("Unable to authenticate you.");
    validateResponse("GET", "/v2/droplets", 401, res.body, { headers: res.headers });
  });

  it("answers 401 before revealing whether a route exists", async () => {
    const res = await call(fake.url, "GET", "/v2/no-such-thing", { token: null });
    expect(res.status).toBe(401);
  });

  it("accepts the token", async () => {
    const res = await call(fake.url, "GET", "/v2/droplets");
    expect(res.status).toBe(200);
  });
});

describe("request line oddities", () => {
  it("answers HEAD like GET, without a body", async () => {
    const res = await fetch(`${fake.url}/v2/droplets`, { method: "HEAD", headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-limit")).toBe("5000");
    expect(await res.text()).toBe("");
  });
});
