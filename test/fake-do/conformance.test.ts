import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "./index.js";
import { validateResponse } from "./openapi.js";
import { ActionBody, ErrorBody, TOKEN, api } from "./test-helpers.js";

// Every endpoint the fake serves, every kind of answer the spec defines for it, over real HTTP,
// validated against DigitalOcean's OpenAPI spec (body and declared headers).

const WEB1 = 7001;
const WEB2 = 7002;
const DB1 = 7003;
const HELD_IP = "203.0.113.10"; // assigned to web1 from the start
const FREE_IP = "203.0.113.11";

let fake: FakeDigitalOcean;
let call: ReturnType<typeof api>;
let actionId = 0;

beforeAll(async () => {
  fake = await startFakeDigitalOcean({
    token: TOKEN,
    actionDelayMs: 0,
    droplets: [
      { id: WEB1, name: "web1", tags: ["web", "env:prod"], privateIpv4: "10.1.0.11", publicIpv4: "198.51.100.11" },
      { id: WEB2, name: "web2", tags: ["web"], privateIpv4: "10.1.0.12", publicIpv4: "198.51.100.12", size: "s-2vcpu-4gb" },
      { id: DB1, name: "db1", tags: ["database"], privateIpv4: "10.1.0.13", publicIpv4: null, status: "off" },
    ],
    reservedIps: [
      { ip: HELD_IP, region: "nyc3", dropletId: WEB1 },
      { ip: FREE_IP, region: "nyc3" },
    ],
  });
  call = api(fake);
  // One finished action for the action-reading endpoints.
  const started = await call("POST", `/v2/reserved_ips/${FREE_IP}/actions`, { body: { type: "assign", droplet_id: WEB2 } });
  actionId = ActionBody.parse(started.body).action.id;
  await fake.idle();
});

afterAll(async () => {
  await fake.close();
});

interface Case {
  method: "GET" | "POST";
  template: string;
  path: () => string;
  body?: () => unknown;
  status: number;
  why: string;
}

const CASES: Case[] = [
  { method: "GET", template: "/v2/droplets", path: () => "/v2/droplets", status: 200, why: "all droplets" },
  { method: "GET", template: "/v2/droplets", path: () => "/v2/droplets?tag_name=web&per_page=1", status: 200, why: "a tag, paginated" },
  { method: "GET", template: "/v2/droplets", path: () => "/v2/droplets?tag_name=web&per_page=1&page=2", status: 200, why: "last page" },
  { method: "GET", template: "/v2/droplets", path: () => "/v2/droplets?tag_name=nothing", status: 200, why: "empty list" },
  { method: "GET", template: "/v2/droplets/{droplet_id}", path: () => `/v2/droplets/${WEB1}`, status: 200, why: "a droplet" },
  { method: "GET", template: "/v2/droplets/{droplet_id}", path: () => `/v2/droplets/${DB1}`, status: 200, why: "no public IPv4" },
  { method: "GET", template: "/v2/droplets/{droplet_id}", path: () => "/v2/droplets/999", status: 404, why: "unknown" },
  { method: "GET", template: "/v2/tags", path: () => "/v2/tags", status: 200, why: "tags with counts" },
  { method: "GET", template: "/v2/tags/{tag_id}", path: () => "/v2/tags/env:prod", status: 200, why: "a tag" },
  { method: "GET", template: "/v2/tags/{tag_id}", path: () => "/v2/tags/nope", status: 404, why: "unknown tag" },
  { method: "GET", template: "/v2/account", path: () => "/v2/account", status: 200, why: "bundled spec" },
  { method: "GET", template: "/v2/regions", path: () => "/v2/regions", status: 200, why: "retired regions included" },
  { method: "GET", template: "/v2/regions", path: () => "/v2/regions?per_page=5&page=2", status: 200, why: "paginated" },
  { method: "GET", template: "/v2/reserved_ips", path: () => "/v2/reserved_ips", status: 200, why: "all" },
  { method: "GET", template: "/v2/reserved_ips/{reserved_ip}", path: () => `/v2/reserved_ips/${HELD_IP}`, status: 200, why: "assigned" },
  { method: "GET", template: "/v2/reserved_ips/{reserved_ip}", path: () => "/v2/reserved_ips/192.0.2.99", status: 404, why: "unknown" },
  {
    method: "GET",
    template: "/v2/reserved_ips/{reserved_ip}/actions",
    path: () => `/v2/reserved_ips/${FREE_IP}/actions`,
    status: 200,
    why: "its actions",
  },
  {
    method: "GET",
    template: "/v2/reserved_ips/{reserved_ip}/actions",
    path: () => "/v2/reserved_ips/192.0.2.99/actions",
    status: 404,
    why: "unknown IP",
  },
  {
    method: "POST",
    template: "/v2/reserved_ips/{reserved_ip}/actions",
    path: () => `/v2/reserved_ips/${HELD_IP}/actions`,
    body: () => ({ type: "unassign" }),
    status: 201,
    why: "unassign starts",
  },
  {
    method: "POST",
    template: "/v2/reserved_ips/{reserved_ip}/actions",
    path: () => `/v2/reserved_ips/${FREE_IP}/actions`,
    body: () => ({ type: "assign", droplet_id: String(WEB1) }),
    status: 422,
    why: "string droplet_id (answered by `default`)",
  },
  {
    method: "POST",
    template: "/v2/reserved_ips/{reserved_ip}/actions",
    path: () => "/v2/reserved_ips/192.0.2.99/actions",
    body: () => ({ type: "unassign" }),
    status: 404,
    why: "unknown IP",
  },
  {
    method: "GET",
    template: "/v2/reserved_ips/{reserved_ip}/actions/{action_id}",
    path: () => `/v2/reserved_ips/${FREE_IP}/actions/${actionId}`,
    status: 200,
    why: "an action",
  },
  {
    method: "GET",
    template: "/v2/reserved_ips/{reserved_ip}/actions/{action_id}",
    path: () => `/v2/reserved_ips/${HELD_IP}/actions/${actionId}`,
    status: 404,
    why: "action of another IP",
  },
  { method: "GET", template: "/v2/actions", path: () => "/v2/actions", status: 200, why: "bundled spec" },
  { method: "GET", template: "/v2/actions/{action_id}", path: () => `/v2/actions/${actionId}`, status: 200, why: "an action" },
  { method: "GET", template: "/v2/actions/{action_id}", path: () => "/v2/actions/12345", status: 404, why: "unknown" },
];

describe("the fake's answers match DigitalOcean's OpenAPI spec", () => {
  it.each(CASES)("$method $template → $status ($why)", async (c) => {
    const res = await call(c.method, c.path(), { body: c.body?.() });
    expect(res.status).toBe(c.status);
    validateResponse(c.method, c.template, res.status, res.body, { headers: res.headers });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    if (res.status >= 400) expect(ErrorBody.parse(res.body).request_id).toBe(res.headers.get("x-request-id"));
  });

  const endpoints = [...new Map(CASES.map((c) => [`${c.method} ${c.template}`, c])).values()];

  it.each(endpoints)("$method $template → 401 without a valid token", async (c) => {
    const res = await call(c.method, c.path(), { body: c.body?.(), token: null });
    expect(res.status).toBe(401);
    validateResponse(c.method, c.template, res.status, res.body, { headers: res.headers });
  });

  it.each(endpoints)("$method $template → 429 in a rate-limit storm", async (c) => {
    fake.setRateLimitStorm({ requests: 1, retryAfterSeconds: 3 });
    const res = await call(c.method, c.path(), { body: c.body?.() });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3");
    validateResponse(c.method, c.template, res.status, res.body, { headers: res.headers });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await call("GET", "/v2/floating_ips");
    expect(res.status).toBe(404);
    expect(ErrorBody.parse(res.body).id).toBe("not_found");
  });

  it("answers malformed JSON with a 400 in DigitalOcean's error shape", async () => {
    const res = await fetch(`${fake.url}/v2/reserved_ips/${FREE_IP}/actions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: "{type:",
    });
    expect(res.status).toBe(400);
    const body: unknown = await res.json();
    expect(ErrorBody.parse(body).id).toBe("bad_request");
    validateResponse("POST", "/v2/reserved_ips/{reserved_ip}/actions", res.status, body, { headers: res.headers });
  });
});
