import { z } from "zod";
import type { FakeDigitalOcean } from "./server.js";
import type { DropletSeed } from "./seeds.js";

// Shared by the fake's tests: one HTTP call that returns status, headers and parsed body, the
// few response shapes tests read fields from, and a generator for large droplet fleets.

export const TOKEN = "fake-do-test-token";

export interface CallResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface CallOptions {
  /** Bearer token; default TOKEN, null sends no Authorization header. */
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
  const token = options.token === undefined ? TOKEN : options.token;
  const headers: Record<string, string> = { ...options.headers };
  if (token !== null) headers["authorization"] = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path.startsWith("http") ? path : `${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  const isJson = (res.headers.get("content-type") ?? "").startsWith("application/json");
  return { status: res.status, headers: res.headers, body: isJson && text !== "" ? (JSON.parse(text) as unknown) : text };
}

export function api(fake: FakeDigitalOcean) {
  return (method: string, path: string, options?: CallOptions) => call(fake.url, method, path, options);
}

const Pages = z.object({
  first: z.string().optional(),
  prev: z.string().optional(),
  next: z.string().optional(),
  last: z.string().optional(),
});

export const DropletsPage = z.object({
  droplets: z.array(z.object({ id: z.number(), name: z.string(), tags: z.array(z.string()) })),
  links: z.object({ pages: Pages.optional() }),
  meta: z.object({ total: z.number() }),
});

export const ErrorBody = z.object({ id: z.string(), message: z.string(), request_id: z.string().optional() });

export const ActionBody = z.object({
  action: z.object({ id: z.number(), status: z.string(), type: z.string(), completed_at: z.string().nullable() }),
});

export const ReservedIpBody = z.object({
  reserved_ip: z.object({ ip: z.string(), locked: z.boolean(), droplet: z.object({ id: z.number() }).nullable() }),
});

/** `count` droplets with unique names and addresses; `tagsFor` picks each one's tags. */
export function fleet(count: number, tagsFor: (i: number) => string[] = () => []): DropletSeed[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `node-${String(i).padStart(4, "0")}`,
    tags: tagsFor(i),
    privateIpv4: `10.20.${Math.floor(i / 200)}.${(i % 200) + 10}`,
    publicIpv4: `192.0.${Math.floor(i / 200)}.${(i % 200) + 10}`,
  }));
}

/** A promise with its resolve handle: holds a reserved-IP move until the test releases it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
