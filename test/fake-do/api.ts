import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, normalizeRemoteAddress, notFound, parseJsonBody, readBody, requestOrigin, sendJson } from "./http-util.js";
import type { RateLimiter } from "./rate-limit.js";
import type { RecordedRequest } from "./recorded-request.js";
import type { ReservedIpActionRunner } from "./reserved-ip-actions.js";
import { matchRoute } from "./routes.js";
import type { World } from "./world.js";

// One API request, in DigitalOcean's order: authenticate, count against the rate limit, route,
// answer. Every answer, errors included, carries the rate-limit headers and x-request-id, and
// every error body is `{id, message, request_id}`.

export interface ApiDeps {
  world: World;
  actions: ReservedIpActionRunner;
  limiter: RateLimiter;
  token: string;
  /** Origin for links when a request has no Host header (HTTP/1.0). */
  fallbackOrigin: () => string;
  record: (entry: RecordedRequest) => void;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return m?.[1];
}

export function createApiHandler(deps: ApiDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const requestId = randomUUID();
    const method = req.method ?? "GET";
    const origin = requestOrigin(req, deps.fallbackOrigin());
    // Concatenated, not resolved: a request line of //host/path must not change the origin.
    const url = new URL(`${origin}${req.url ?? "/"}`);
    const match = matchRoute(method, url.pathname);
    let rateHeaders = deps.limiter.peek();
    let rawBody = "";
    let body: unknown;
    let status = 500;
    try {
      rawBody = await readBody(req);
      if (bearerToken(req) !== deps.token) {
        throw new ApiError(401, "unauthorized", "Unable to authenticate you.");
      }
      const admission = deps.limiter.admit();
      rateHeaders = admission.headers;
      if (!admission.admitted) throw new ApiError(429, "too_many_requests", "API Rate limit exceeded.");
      if (!match) throw notFound(`No route for ${method} ${url.pathname}.`);
      body = parseJsonBody(rawBody);
      const result = match.route.handle({ world: deps.world, actions: deps.actions, url, origin, params: match.params, body });
      status = result.status;
      sendJson(res, status, result.body, { ...rateHeaders, "x-request-id": requestId });
    } catch (err) {
      const apiError =
        err instanceof ApiError ? err : new ApiError(500, "server_error", `Unexpected server-side error: ${String(err)}`);
      status = apiError.status;
      const errorBody = { id: apiError.id, message: apiError.message, request_id: requestId };
      sendJson(res, status, errorBody, { ...rateHeaders, ...apiError.headers, "x-request-id": requestId });
    } finally {
      deps.record({
        service: "api",
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: body ?? (rawBody === "" ? undefined : rawBody),
        status,
        template: match?.route.template,
        remoteAddress: normalizeRemoteAddress(req.socket.remoteAddress),
        requestId,
      });
    }
  };
}
