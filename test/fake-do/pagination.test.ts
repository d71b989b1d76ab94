import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "./index.js";
import { validateResponse } from "./openapi.js";
import { DropletsPage, TOKEN, api, fleet } from "./test-helpers.js";

// 450 droplets: more than two full pages of 200, the case the rejected digitalocean-js got
// wrong (it stopped after the first page). Every third droplet is tagged web.

const COUNT = 450;
let fake: FakeDigitalOcean;
let call: ReturnType<typeof api>;

beforeAll(async () => {
  fake = await startFakeDigitalOcean({
    token: TOKEN,
    droplets: fleet(COUNT, (i) => (i % 3 === 0 ? ["web", "env:prod"] : ["worker"])),
  });
  call = api(fake);
});

afterAll(async () => {
  await fake.close();
});

async function page(url: string) {
  const res = await call("GET", url);
  expect(res.status).toBe(200);
  validateResponse("GET", "/v2/droplets", res.status, res.body, { headers: res.headers });
  return DropletsPage.parse(res.body);
}

describe("GET /v2/droplets pagination", () => {
  it("walks links.pages.next over 3 pages of at most 200 and sees all 450 droplets once", async () => {
    const seen: number[] = [];
    const pages: z.infer<typeof DropletsPage>[] = [];
    let next: string | undefined = "/v2/droplets?per_page=200";
    while (next !== undefined) {
      const p = await page(next);
      pages.push(p);
      seen.push(...p.droplets.map((d) => d.id));
      next = p.links.pages?.next;
    }
    expect(pages.map((p) => p.droplets.length)).toEqual([200, 200, 50]);
    expect(pages.every((p) => p.meta.total === COUNT)).toBe(true);
    expect(new Set(seen).size).toBe(COUNT);
  });

  it("gives each page only the links that make sense, as absolute URLs with the same query", async () => {
    const [first, middle, last] = await Promise.all([1, 2, 3].map((n) => page(`/v2/droplets?per_page=200&page=${n}`)));
    expect(Object.keys(first?.links.pages ?? {}).sort()).toEqual(["last", "next"]);
    expect(Object.keys(middle?.links.pages ?? {}).sort()).toEqual(["first", "last", "next", "prev"]);
    expect(Object.keys(last?.links.pages ?? {}).sort()).toEqual(["first", "prev"]);
    const next = new URL(first?.links.pages?.next ?? "");
    expect(next.origin).toBe(fake.url);
    expect(next.pathname).toBe("/v2/droplets");
    expect(Object.fromEntries(next.searchParams)).toEqual({ per_page: "200", page: "2" });
    expect(new URL(first?.links.pages?.last ?? "").searchParams.get("page")).toBe("3");
  });

  it("filters by tag_name on the server, and the links keep the filter", async () => {
    const first = await page("/v2/droplets?tag_name=web&per_page=100");
    expect(first.meta.total).toBe(150);
    expect(first.droplets).toHaveLength(100);
    expect(first.droplets.every((d) => d.tags.includes("web"))).toBe(true);
    expect(new URL(first.links.pages?.next ?? "").searchParams.get("tag_name")).toBe("web");
    const second = await page(first.links.pages?.next ?? "");
    expect(second.droplets).toHaveLength(50);
    expect(second.links.pages?.next).toBeUndefined();
    expect(fake.requests.at(-1)?.query).toEqual({ tag_name: "web", per_page: "100", page: "2" });
  });

  it("filters by a tag with a colon", async () => {
    const p = await page("/v2/droplets?tag_name=env%3Aprod&per_page=200");
    expect(p.meta.total).toBe(150);
  });

  it("filters by exact, case-insensitive name, and lists no GPU droplets", async () => {
    expect((await page("/v2/droplets?name=NODE-0042")).droplets.map((d) => d.name)).toEqual(["node-0042"]);
    expect((await page("/v2/droplets?name=node-004")).meta.total).toBe(0);
    expect((await page("/v2/droplets?type=gpus")).meta.total).toBe(0);
  });

  it("answers a one-page result with an empty links object", async () => {
    const p = await page("/v2/droplets?tag_name=web&per_page=200");
    expect(p.droplets).toHaveLength(150);
    expect(p.links).toEqual({});
  });

  it("defaults to 20 per page", async () => {
    const p = await page("/v2/droplets");
    expect(p.droplets).toHaveLength(20);
    expect(new URL(p.links.pages?.last ?? "").searchParams.get("page")).toBe("23");
  });

  it("clamps per_page above 200 to 200", async () => {
    const p = await page("/v2/droplets?per_page=1000");
    expect(p.droplets).toHaveLength(200);
  });

  it("answers a page past the end with no droplets and the real total", async () => {
    const p = await page("/v2/droplets?per_page=200&page=9");
    expect(p.droplets).toEqual([]);
    expect(p.meta.total).toBe(COUNT);
    expect(p.links.pages?.next).toBeUndefined();
  });
});
