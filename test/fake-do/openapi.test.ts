import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "./index.js";
import {
  OpenApiValidationError,
  hasOperation,
  openApiDir,
  pathTemplateFor,
  requestProblems,
  responseProblems,
  validateRequest,
  validateResponse,
} from "./openapi.js";
import { ROUTES } from "./routes.js";
import { TOKEN, api } from "./test-helpers.js";

// The validator itself: it must accept what DigitalOcean documents, and it must be able to fail.

const Spec = z.object({
  paths: z.record(z.string(), z.record(z.string(), z.object({ responses: z.record(z.string(), z.unknown()).optional() }).loose())),
  components: z.object({ examples: z.record(z.string(), z.object({ value: z.unknown() })) }),
});
const subset = Spec.parse(parseYaml(readFileSync(new URL("subset.yaml", openApiDir()), "utf8")));

let fake: FakeDigitalOcean;
let dropletBody: { droplet: Record<string, unknown> };
let dropletHeaders: Headers;

beforeAll(async () => {
  fake = await startFakeDigitalOcean({
    token: TOKEN,
    droplets: [{ id: 42, name: "web1", tags: ["web"], privateIpv4: "10.4.0.2", publicIpv4: "198.51.100.42" }],
  });
  const res = await api(fake)("GET", "/v2/droplets/42");
  dropletBody = z.object({ droplet: z.record(z.string(), z.unknown()) }).parse(res.body);
  dropletHeaders = res.headers;
});

afterAll(async () => {
  await fake.close();
});

const DROPLET = "/v2/droplets/{droplet_id}";

describe("the OpenAPI validator", () => {
  it("knows every route the fake serves", () => {
    for (const route of ROUTES) expect(hasOperation(route.method, route.template), `${route.method} ${route.template}`).toBe(true);
  });

  it("compiles every response schema of the subset", () => {
    const HTTP_METHODS = new Set(["get", "post", "put", "patch", "delete"]);
    for (const [template, item] of Object.entries(subset.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!HTTP_METHODS.has(method)) continue;
        for (const status of Object.keys(op.responses ?? {})) {
          const code = status === "default" ? 599 : Number(status);
          expect(() => responseProblems(method, template, code, {})).not.toThrow();
        }
      }
    }
  });

  it("accepts the spec's own droplet example", () => {
    const example = subset.components.examples["droplet_single"]?.value;
    expect(example).toBeDefined();
    validateResponse("GET", DROPLET, 200, example);
  });

  it("accepts the fake's droplet", () => {
    validateResponse("GET", DROPLET, 200, dropletBody, { headers: dropletHeaders });
  });

  it("rejects a droplet with a string id, naming the field", () => {
    const wrong = { droplet: { ...dropletBody.droplet, id: "42" } };
    expect(() => validateResponse("GET", DROPLET, 200, wrong)).toThrow(OpenApiValidationError);
    expect(responseProblems("GET", DROPLET, 200, wrong)).toContain("/droplet/id must be integer");
  });

  it("rejects a droplet missing a required field", () => {
    const { networks: _dropped, ...rest } = dropletBody.droplet;
    expect(responseProblems("GET", DROPLET, 200, { droplet: rest })).toContain("/droplet must have required property 'networks'");
  });

  it("rejects a value outside an enum and lists the allowed values", () => {
    const wrong = { droplet: { ...dropletBody.droplet, status: "running" } };
    expect(responseProblems("GET", DROPLET, 200, wrong).join("\n")).toMatch(/\/droplet\/status must be equal to one of the allowed values: \["new","active","off","archive"\]/);
  });

  it("rejects an error body without a message, and lists an undeclared status against `default`", () => {
    expect(responseProblems("GET", DROPLET, 404, { id: "not_found" })).toEqual(["(body) must have required property 'message'"]);
    expect(responseProblems("GET", DROPLET, 418, { id: "teapot", message: "short and stout" })).toEqual([]);
  });

  it("rejects a list whose pagination meta is missing", () => {
    expect(responseProblems("GET", "/v2/droplets", 200, { droplets: [], links: {} })).toContain("(body) must have required property 'meta'");
  });

  it("checks the declared rate-limit headers when given headers", () => {
    const headers = new Headers(dropletHeaders);
    headers.delete("ratelimit-remaining");
    headers.set("ratelimit-limit", "lots");
    const problems = responseProblems("GET", DROPLET, 200, dropletBody, { headers });
    expect(problems).toContain("header ratelimit-remaining is missing");
    expect(problems.some((p) => p.startsWith("header ratelimit-limit: lots"))).toBe(true);
  });

  it("validates a reserved-IP action request, stricter than the spec about droplet_id", () => {
    const ACTIONS = "/v2/reserved_ips/{reserved_ip}/actions";
    expect(requestProblems("POST", ACTIONS, { type: "assign", droplet_id: 42 })).toEqual([]);
    expect(requestProblems("POST", ACTIONS, { type: "unassign" })).toEqual([]);
    const problems = requestProblems("POST", ACTIONS, { type: "assign", droplet_id: "42" });
    // The spec's anyOf accepts it; only our stricter schema objects.
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.endsWith("(stricter than the spec)"))).toBe(true);
    expect(() => validateRequest("POST", ACTIONS, { type: "assign", droplet_id: "42" })).toThrow(/droplet_id must be integer/);
  });

  it("rejects a body sent to an operation that takes none", () => {
    expect(requestProblems("GET", "/v2/droplets", { page: 2 })).toEqual(["the operation takes no request body, but one was sent"]);
  });

  it("refuses operations the spec does not have", () => {
    expect(() => validateResponse("GET", "/v2/floating_ips/{nope}", 200, {})).toThrow(/no operation GET/);
  });

  it("maps concrete paths to the spec's templates", () => {
    expect(pathTemplateFor("GET", "/v2/droplets")).toBe("/v2/droplets");
    expect(pathTemplateFor("GET", "/v2/droplets/42")).toBe(DROPLET);
    expect(pathTemplateFor("POST", "/v2/reserved_ips/203.0.113.5/actions")).toBe("/v2/reserved_ips/{reserved_ip}/actions");
    expect(pathTemplateFor("GET", "/v2/reserved_ips/203.0.113.5/actions/7")).toBe("/v2/reserved_ips/{reserved_ip}/actions/{action_id}");
    expect(pathTemplateFor("GET", "/v2/account")).toBe("/v2/account");
    expect(pathTemplateFor("GET", "/nowhere")).toBeUndefined();
  });

  it("finds the spec through DO_OPENAPI_DIR when set", () => {
    const saved = process.env["DO_OPENAPI_DIR"];
    try {
      process.env["DO_OPENAPI_DIR"] = "/somewhere/else";
      expect(openApiDir().href).toBe("file:///somewhere/else/");
    } finally {
      if (saved === undefined) delete process.env["DO_OPENAPI_DIR"];
      else process.env["DO_OPENAPI_DIR"] = saved;
    }
  });
});
