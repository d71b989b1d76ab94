import { type IncomingHttpHeaders, type IncomingMessage, request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";

// One HTTP request from the control node, as Ansible's urls.py makes it: redirects followed (or
// not) by the caller's rule, credentials sent up front (force_basic_auth) or only in answer to a
// 401 that asks for Basic authentication, TLS certificates checked unless told otherwise.
// node:http rather than fetch: fetch has no per-request switch for certificate checks.

/** At most this many redirects, as fetch allows. */
export const MAX_REDIRECTS = 20;

export interface Credentials {
  username: string;
  password: string;
  /** Send them with the first request, not only after a 401 that asks for them. */
  force: boolean;
}

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
  validateCerts: boolean;
  /** Whether redirects are followed. */
  follow: boolean;
  credentials?: Credentials | undefined;
}

export interface HttpResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  /** By lower-case name; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
  redirected: boolean;
}

/** No answer: refused, unresolvable, a TLS failure, too many redirects, or the time ran out. */
export class HttpRequestError extends Error {
  override name = "HttpRequestError";
}

export const basicAuth = (c: Pick<Credentials, "username" | "password">) => `Basic ${Buffer.from(`${c.username}:${c.password}`, "utf8").toString("base64")}`;

/** Whether a WWW-Authenticate header offers the Basic scheme (among others, maybe). Pure. */
export function offersBasic(challenge: string | undefined): boolean {
  return challenge !== undefined && /(^|,)\s*basic(\s|$|,)/i.test(challenge);
}

/** user:password in a URL: taken out of it, as Ansible does when no url_username is given. Pure. */
export function splitUrlCredentials(url: string): { url: string; username?: string; password?: string } {
  const u = new URL(url);
  if (u.username === "" && u.password === "") return { url };
  const username = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = "";
  u.password = "";
  return { url: u.toString(), username, password };
}

/** The method and body after a redirect with this status, as the fetch standard has them. Pure. */
export function redirectedMethod(status: number, method: string): { method: string; keepBody: boolean } {
  if ((status === 303 && method !== "HEAD") || ((status === 301 || status === 302) && method === "POST")) return { method: "GET", keepBody: false };
  return { method, keepBody: true };
}

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

function decode(body: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? "").trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return gunzipSync(body);
    case "deflate":
      return inflateSync(body);
    case "br":
      return brotliDecompressSync(body);
    default:
      return body;
  }
}

interface Exchange {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function exchange(url: URL, method: string, headers: Record<string, string>, body: string | undefined, req: HttpRequest, signal: AbortSignal): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const options = { method, headers: { ...headers, ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}) }, signal };
    const onResponse = (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res.headers), body: decode(Buffer.concat(chunks), res.headers["content-encoding"]) });
        } catch (err) {
          reject(new HttpRequestError(`cannot decode the ${String(res.headers["content-encoding"])} response: ${(err as Error).message}`));
        }
      });
    };
    const r = url.protocol === "https:" ? httpsRequest(url, { ...options, rejectUnauthorized: req.validateCerts }, onResponse) : httpRequest(url, options, onResponse);
    r.on("error", reject);
    r.end(body);
  });
}

const sameOrigin = (a: URL, b: URL) => a.protocol === b.protocol && a.host === b.host;

/**
 * Sends the request, follows redirects when allowed, and answers one Basic challenge with the
 * credentials. Credentials and an Authorization header go to the first URL's origin only: a
 * redirect elsewhere drops them, as fetch and Ansible do.
 */
export async function httpRequestWithRedirects(req: HttpRequest): Promise<HttpResponse> {
  const signal = AbortSignal.timeout(req.timeoutMs);
  const origin = new URL(req.url);
  let url = origin;
  let method = req.method;
  let body = req.body;
  // Lower-case names: the checks below must see an Authorization header however it was spelt.
  let headers: Record<string, string> = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  if (req.credentials?.force) headers.authorization = basicAuth(req.credentials);
  try {
    for (let redirects = 0; ; redirects++) {
      let res = await exchange(url, method, headers, body, req, signal);
      const creds = req.credentials;
      if (res.status === 401 && creds && !headers.authorization && sameOrigin(url, origin) && offersBasic(res.headers["www-authenticate"])) {
        headers = { ...headers, authorization: basicAuth(creds) };
        res = await exchange(url, method, headers, body, req, signal);
      }
      const location = res.headers.location;
      if (!req.follow || ![301, 302, 303, 307, 308].includes(res.status) || location === undefined) {
        return { url: url.toString(), status: res.status, headers: res.headers, body: res.body, redirected: redirects > 0 };
      }
      if (redirects >= MAX_REDIRECTS) throw new HttpRequestError(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      if (next.protocol !== "http:" && next.protocol !== "https:") throw new HttpRequestError(`redirected to a ${next.protocol} URL`);
      const m = redirectedMethod(res.status, method);
      if (!m.keepBody) {
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== "content-type" && k !== "content-length"));
      }
      if (!sameOrigin(next, origin)) headers = Object.fromEntries(Object.entries(headers).filter(([k]) => k !== "authorization"));
      method = m.method;
      url = next;
    }
  } catch (err) {
    if (signal.aborted) throw new HttpRequestError(`no answer within ${req.timeoutMs / 1000} s`);
    throw err instanceof HttpRequestError ? err : new HttpRequestError((err as Error).message);
  }
}
