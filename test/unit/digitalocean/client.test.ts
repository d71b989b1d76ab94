import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DigitalOceanClient, type DigitalOceanClientOptions } from "../../../src/digitalocean/client.js";
import {
  DigitalOceanApiError,
  DigitalOceanRateLimitError,
  DigitalOceanResponseError,
  DigitalOceanUnreachableError,
} from "../../../src/digitalocean/errors.js";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "../../fake-do/index.js";
import { TOKEN, fleet } from "../../fake-do/test-helpers.js";
import { expectRequestsMatchSpec } from "./spec-requests.js";

let fake: FakeDigitalOcean | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** 450 droplets: every third tagged web, the others db. */
async function start(count = 450): Promise<FakeDigitalOcean> {
  fake = await startFakeDigitalOcean({ token: TOKEN, droplets: fleet(count, (i) => (i % 3 === 0 ? ["web"] : ["db"])) });
  return fake;
}

/** A client whose sleeps are recorded, not slept. */
function client(url: string, extra: Partial<DigitalOceanClientOptions> = {}) {
  const sleeps: number[] = [];
  const c = new DigitalOceanClient({
    apiUrl: url,
    token: { value: TOKEN, source: "DIGITALOCEAN_TOKEN" },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  return { c, sleeps };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("DigitalOcean client: pagination", () => {
  it("reads more than 200 droplets through links.pages.next, 200 a page, every request as the spec allows", async () => {
    const f = await start();
    const { c } = client(f.url);
    const droplets = await c.listDroplets();
    expect(droplets).toHaveLength(450);
    expect(new Set(droplets.map((d) => d.id)).size).toBe(450);
    expect(droplets[449]?.name).toBe("node-0449");
    expect(f.requests.map((r) => [r.path, r.query["page"] ?? "1", r.query["per_page"]])).toEqual([
      ["/v2/droplets", "1", "200"],
      ["/v2/droplets", "2", "200"],
      ["/v2/droplets", "3", "200"],
    ]);
    expectRequestsMatchSpec(f.requests);
  });

  it("filters by tag on the server, keeping tag_name on every page", async () => {
    const f = await start(750);
    const { c } = client(f.url);
    const web = await c.listDroplets({ tagName: "web" });
    expect(web).toHaveLength(250);
    expect(web.every((d) => d.tags.includes("web"))).toBe(true);
    expect(f.requests.map((r) => r.query)).toEqual([
      { per_page: "200", tag_name: "web" },
      { per_page: "200", tag_name: "web", page: "2" },
    ]);
    expectRequestsMatchSpec(f.requests);
  });

  it("accepts a base URL ending in /v2 and follows links that name another host by path only", async () => {
    const f = await start(250);
    let seen = "";
    const { c } = client(f.url, {
      // A proxy's upstream links: same path, another host. The token must not go there.
      fetch: async (input, init) => {
        seen += `${String(input)}\n`;
        const res = await fetch(input, init);
        const body = (await res.json()) as { links?: { pages?: { next?: string } } };
        const next = body.links?.pages?.next;
        if (next !== undefined && body.links?.pages) body.links.pages.next = next.replace(f.url, "https://api.digitalocean.com");
        return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
      },
    });
    expect(await c.listDroplets()).toHaveLength(250);
    expect(seen).not.toContain("api.digitalocean.com");
    expect(f.requests).toHaveLength(2);
  });

  it("stops when links.pages.next leads back to a page already read", async () => {
    const page = JSON.stringify({ droplets: [], links: { pages: { next: "http://x/v2/droplets?per_page=200" } }, meta: { total: 0 } });
    const { c } = client("http://127.0.0.1:9", { fetch: async () => new Response(page, { status: 200 }) });
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanResponseError);
    expect(String(err)).toContain("leads back to a page already read");
  });

  it("names the field when a page is not the documented shape", async () => {
    const { c } = client("http://127.0.0.1:9", {
      fetch: async () => new Response(JSON.stringify({ droplets: [{ id: "7", name: "x" }] }), { status: 200 }),
    });
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanResponseError);
    expect(String(err)).toMatch(/droplets\.0\.id: Invalid input: expected number/);
  });
});

describe("DigitalOcean client: rate limits", () => {
  it("rides out a 429 storm, waiting as long as retry-after says each time", async () => {
    const f = await start();
    f.setRateLimitStorm({ requests: 6, retryAfterSeconds: 3 });
    const { c, sleeps } = client(f.url);
    expect(await c.listDroplets()).toHaveLength(450);
    expect(sleeps).toEqual([3000, 3000, 3000, 3000, 3000, 3000]);
    expect(f.requests.map((r) => r.status)).toEqual([429, 429, 429, 429, 429, 429, 200, 200, 200]);
    expectRequestsMatchSpec(f.requests);
  });

  it("fails at once, naming the wait, when the API asks for longer than we wait (the hourly quota is spent)", async () => {
    const f = await start();
    f.setRateLimitStorm({ requests: 1, retryAfterSeconds: 1800 });
    const { c, sleeps } = client(f.url);
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanRateLimitError);
    expect(sleeps).toEqual([]);
    expect(String(err)).toContain("429 too_many_requests");
    expect(String(err)).toContain("asks to wait 1800 s");
  });

  it("gives up after the allowed number of 429 waits", async () => {
    const f = await start();
    f.setRateLimitStorm({ requests: 50, retryAfterSeconds: 1 });
    const { c, sleeps } = client(f.url, { retry: { rateLimitRetries: 3 } });
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanRateLimitError);
    expect(sleeps).toEqual([1000, 1000, 1000]);
    expect(String(err)).toContain("still rate limited after 3 waits");
  });
});

describe("DigitalOcean client: failures", () => {
  it("reports a refused token as one line: status, id, message, request_id and where the token came from", async () => {
    const f = await start(3);
    const c = new DigitalOceanClient({ apiUrl: f.url, token: { value: "wrong-token", source: "DIGITALOCEAN_TOKEN" } });
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanApiError);
    const e = err as DigitalOceanApiError;
    expect([e.status, e.id, e.apiMessage, e.requestId]).toEqual([401, "unauthorized", "Unable to authenticate you.", f.requests[0]?.requestId]);
    expect(e.message).not.toContain("\n");
    expect(e.message).not.toContain("wrong-token");
    expect(e.message).toContain("the token from DIGITALOCEAN_TOKEN was refused");
    expect(f.requests).toHaveLength(1); // a 401 is not retried
  });

  it("retries 5xx answers with backoff and succeeds when the API recovers", async () => {
    const f = await start(5);
    let failures = 2;
    const { c, sleeps } = client(f.url, {
      fetch: async (input, init) =>
        failures-- > 0
          ? new Response(JSON.stringify({ id: "service_unavailable", message: "try later" }), { status: 503 })
          : fetch(input, init),
    });
    expect(await c.listDroplets()).toHaveLength(5);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
    expect(sleeps[1]).toBeGreaterThanOrEqual(500);
    expect(sleeps[1]).toBeLessThanOrEqual(1000);
  });

  it("gives up on a 5xx that persists with DigitalOcean's error fields, or the proxy's page when there are none", async () => {
    const { c, sleeps } = client("http://127.0.0.1:9", {
      retry: { retries: 2 },
      fetch: async () => new Response("<html><body>502 Bad Gateway</body></html>", { status: 502, headers: { "x-request-id": "req-1" } }),
    });
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanApiError);
    expect(sleeps).toHaveLength(2);
    expect((err as DigitalOceanApiError).message).toBe(
      "DigitalOcean API 502 http_502: <html><body>502 Bad Gateway</body></html> (GET http://127.0.0.1:9/v2/droplets?per_page=200, request_id req-1); gave up after 3 attempts",
    );
  });

  it("does not follow a redirect (the token would go along), and says where it led", async () => {
    const { c, sleeps } = client("http://127.0.0.1:9", {
      fetch: async (_input, init) => {
        expect(init?.redirect).toBe("manual");
        return new Response("", { status: 301, headers: { location: "https://elsewhere.example/v2/droplets" } });
      },
    });
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanApiError);
    expect(sleeps).toEqual([]);
    expect(String(err)).toContain("DigitalOcean API 301 http_301: (empty body)");
    expect(String(err)).toContain("redirected to https://elsewhere.example/v2/droplets, which is not followed: set api_url (or DIGITALOCEAN_API_URL) to the final address");
  });

  it("retries when the API is down, then fails naming the address and the reason", async () => {
    const f = await start(1);
    const url = f.url;
    await f.close();
    fake = undefined;
    const { c, sleeps } = client(url);
    const err = await rejection(c.listDroplets());
    expect(err).toBeInstanceOf(DigitalOceanUnreachableError);
    expect(sleeps).toHaveLength(4);
    expect((err as DigitalOceanUnreachableError).attempts).toBe(5);
    expect(String(err)).toContain(`GET ${url}/v2/droplets?per_page=200 failed 5 times (last: connect ECONNREFUSED`);
  });

  it("times out a server that accepts but never answers", async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    const port = (silent.address() as AddressInfo).port;
    const { c, sleeps } = client(`http://127.0.0.1:${port}`, { timeoutMs: 200, retry: { retries: 1 } });
    silent.on("request", (_req, res) => setTimeout(() => res.destroy(), 2000));
    const err = await rejection(c.listDroplets());
    silent.closeAllConnections();
    expect(err).toBeInstanceOf(DigitalOceanUnreachableError);
    expect(sleeps).toHaveLength(1);
    expect(String(err)).toContain("failed 2 times (last: no answer within 0.2 s)");
  });
});

describe("the spec check used above", () => {
  it("rejects what DigitalOcean would not accept, so a passing check means something", async () => {
    const { queryProblems } = await import("./spec-requests.js");
    expect(queryProblems("GET", "/v2/droplets", { per_page: "200", page: "2", tag_name: "web" })).toEqual([]);
    expect(queryProblems("GET", "/v2/droplets", { per_page: "500" })).toEqual(["query parameter per_page=500: must be <= 200"]);
    expect(queryProblems("GET", "/v2/droplets", { tag: "web" })).toEqual(["query parameter tag is not declared by GET /v2/droplets"]);
  });
});

describe("DigitalOcean client: account and regions", () => {
  it("reads the token's account, and every region page by page (retired ones marked unavailable)", async () => {
    const f = await start(1);
    const { c } = client(f.url, { perPage: 5 });
    expect(await c.account()).toMatchObject({ email: "lab@do-converge.test", status: "active" });
    const regions = await c.listRegions();
    expect(regions.map((r) => r.slug)).toContain("nyc3");
    expect(regions.find((r) => r.slug === "nyc2")).toEqual({ slug: "nyc2", name: "New York 2", available: false });
    expect(f.requests.filter((r) => r.path === "/v2/regions").map((r) => r.query["page"] ?? "1")).toEqual(["1", "2", "3"]);
    expectRequestsMatchSpec(f.requests);
  });

  it("names the scope a 403 lacks for the endpoint asked", async () => {
    const forbidden = async () => new Response(JSON.stringify({ id: "Forbidden", message: "You are not authorized to perform this operation" }), { status: 403 });
    const { c } = client("http://127.0.0.1:9", { fetch: forbidden });
    const err = await rejection(c.account());
    expect(err).toBeInstanceOf(DigitalOceanApiError);
    expect((err as Error).message).toContain("; the token from DIGITALOCEAN_TOKEN lacks a scope this needs (account:read)");
    expect((await rejection(c.listDroplets())) as Error).toHaveProperty("message", expect.stringContaining("(droplet:read, tag:read)"));
  });
});
