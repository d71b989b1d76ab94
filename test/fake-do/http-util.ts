import type { IncomingMessage, ServerResponse } from "node:http";

// Plumbing shared by the API and metadata listeners: JSON values, DigitalOcean's error shape,
// reading bodies and writing responses.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/**
 * An error answer in DigitalOcean's shape `{id, message, request_id}`; handlers throw it and the
 * listener renders it, so no handler writes error bodies by hand.
 */
export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

export function notFound(message = "The resource you were accessing could not be found."): ApiError {
  return new ApiError(404, "not_found", message);
}

export function unprocessable(message: string): ApiError {
  return new ApiError(422, "unprocessable_entity", message);
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, "bad_request", message);
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, "request_entity_too_large", "Request body is too large.");
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Parses a request body; an empty body is `undefined`, malformed JSON is DigitalOcean's 400. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`unable to parse request body as JSON: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: JsonValue, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...headers,
    "content-type": "text/plain; charset=utf-8",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Node reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d; droplet seeds hold a.b.c.d. */
export function normalizeRemoteAddress(address: string | undefined): string {
  if (address === undefined) return "";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}

/** The origin a client used to reach us, so pagination links stay reachable from where it stands. */
export function requestOrigin(req: IncomingMessage, fallback: string): string {
  const host = req.headers.host;
  return host ? `http://${host}` : fallback;
}
