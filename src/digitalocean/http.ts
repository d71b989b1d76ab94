import { type RetryPolicy, errorBackoffMs, rateLimitWaitMs } from "./backoff.js";
import {
  DigitalOceanApiError,
  DigitalOceanRateLimitError,
  DigitalOceanResponseError,
  DigitalOceanUnreachableError,
  type RequestInfo,
} from "./errors.js";
import { ApiErrorBodySchema } from "./schemas.js";
import type { ApiToken } from "./token.js";

/** What one GET needs besides its URL; the client builds it once. */
export interface HttpDeps {
  readonly token: ApiToken;
  readonly timeoutMs: number;
  readonly policy: RetryPolicy;
  readonly userAgent: string;
  readonly fetch: typeof fetch;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  /** Told before each wait, so a CLI can say why it is quiet. */
  readonly onRetry?: (info: { request: RequestInfo; waitMs: number; reason: string }) => void;
}

type Attempt = { kind: "answer"; status: number; headers: Headers; text: string } | { kind: "failed"; reason: string; cause: unknown };

/**
 * GETs a URL and returns its JSON body, retrying 429s as the API asks and 5xx/network errors
 * with backoff. Every failure is a typed error naming the request; none leaks a stack trace
 * or the token.
 */
export async function getJson(url: string, deps: HttpDeps): Promise<unknown> {
  const request: RequestInfo = { method: "GET", url };
  let errorRetries = 0;
  let rateLimitRetries = 0;
  for (;;) {
    const attempt = await once(url, deps);
    if (attempt.kind === "answer" && attempt.status >= 200 && attempt.status < 300) return parseBody(request, attempt.text);

    let wait: number;
    let reason: string;
    if (attempt.kind === "answer" && attempt.status === 429) {
      const asked = rateLimitWaitMs(attempt.headers, deps.now());
      rateLimitRetries += 1;
      if (asked !== undefined && asked > deps.policy.maxRateLimitWaitMs) {
        throw rateLimitError(request, attempt, `DigitalOcean asks to wait ${Math.ceil(asked / 1000)} s, longer than the ${Math.round(deps.policy.maxRateLimitWaitMs / 1000)} s we wait: the hourly request quota is spent`);
      }
      if (rateLimitRetries > deps.policy.rateLimitRetries) {
        throw rateLimitError(request, attempt, `still rate limited after ${deps.policy.rateLimitRetries} waits`);
      }
      wait = asked ?? errorBackoffMs(rateLimitRetries, deps.policy);
      reason = "429 rate limited";
    } else if (attempt.kind === "failed" || attempt.status >= 500) {
      errorRetries += 1;
      if (errorRetries > deps.policy.retries) {
        if (attempt.kind === "failed") throw new DigitalOceanUnreachableError(request, errorRetries, attempt.reason, { cause: attempt.cause });
        throw apiError(request, attempt, `gave up after ${errorRetries} attempts`);
      }
      wait = errorBackoffMs(errorRetries, deps.policy);
      reason = attempt.kind === "failed" ? attempt.reason : `HTTP ${attempt.status}`;
    } else {
      throw apiError(request, attempt, hintFor(attempt, deps.token, url));
    }
    deps.onRetry?.({ request, waitMs: wait, reason });
    await deps.sleep(wait);
  }
}

async function once(url: string, deps: HttpDeps): Promise<Attempt> {
  try {
    // The timeout covers the body too: a server that sends headers and then stalls is as down as one that never answers.
    const res = await deps.fetch(url, {
      method: "GET",
      headers: { authorization: `Bearer ${deps.token.value}`, accept: "application/json", "user-agent": deps.userAgent },
      signal: AbortSignal.timeout(deps.timeoutMs),
      // Not followed: the bearer token must reach only the configured API; a redirect is
      // reported (with its Location) so the operator can fix api_url instead.
      redirect: "manual",
    });
    return { kind: "answer", status: res.status, headers: res.headers, text: await res.text() };
  } catch (err) {
    return { kind: "failed", reason: networkReason(err, deps.timeoutMs), cause: err };
  }
}

/** fetch's own message is "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND) is in its cause. */
function networkReason(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError")) return `no answer within ${timeoutMs / 1000} s`;
  const cause = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) {
    const code = "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
    return code !== undefined && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}

function parseBody(request: RequestInfo, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DigitalOceanResponseError(request, `the body is not JSON: ${JSON.stringify(text.slice(0, 120))}`);
  }
}

/** DigitalOcean's `{id, message, request_id}`, or something readable from a proxy's HTML page. */
function errorFields(attempt: { status: number; headers: Headers; text: string }): { id: string; message: string; requestId: string | undefined } {
  let json: unknown;
  try {
    json = JSON.parse(attempt.text);
  } catch {
    json = undefined;
  }
  const body = ApiErrorBodySchema.safeParse(json);
  const headerId = attempt.headers.get("x-request-id") ?? undefined;
  if (body.success) return { id: body.data.id, message: body.data.message, requestId: body.data.request_id ?? headerId };
  const text = attempt.text.replace(/\s+/g, " ").trim().slice(0, 160);
  return { id: `http_${attempt.status}`, message: text === "" ? "(empty body)" : text, requestId: headerId };
}

function apiError(request: RequestInfo, attempt: { status: number; headers: Headers; text: string }, hint?: string): DigitalOceanApiError {
  const f = errorFields(attempt);
  return new DigitalOceanApiError(request, attempt.status, f.id, f.message, f.requestId, hint);
}

function rateLimitError(request: RequestInfo, attempt: { status: number; headers: Headers; text: string }, hint: string): DigitalOceanRateLimitError {
  const f = errorFields(attempt);
  return new DigitalOceanRateLimitError(request, attempt.status, f.id, f.message, f.requestId, hint);
}

/** The custom-token scopes each endpoint we read needs, for the 403 advice. */
function scopesFor(url: string): string {
  const path = new URL(url).pathname;
  if (path.endsWith("/v2/account")) return "account:read";
  if (path.endsWith("/v2/regions")) return "regions:read";
  return "droplet:read, tag:read";
}

function hintFor(attempt: { status: number; headers: Headers }, token: ApiToken, url: string): string | undefined {
  const status = attempt.status;
  if (status >= 300 && status < 400) return `redirected to ${attempt.headers.get("location") ?? "(no location)"}, which is not followed: set api_url (or DIGITALOCEAN_API_URL) to the final address`;
  if (status === 401) return `the token from ${token.source} was refused: check that it is current and not revoked`;
  if (status === 403) return `the token from ${token.source} lacks a scope this needs (${scopesFor(url)})`;
  return undefined;
}
