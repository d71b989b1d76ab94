import { z } from "zod";
import { type Change, defineModule } from "./contract.js";
import { SecretMasker } from "../secrets/masker.js";
import { redactUrl } from "./downloads.js";
import { type Credentials, type HttpResponse, httpRequestWithRedirects, offersBasic, splitUrlCredentials } from "./http-client.js";

// uri: an HTTP request from the control node (node:http), not from the host: the host's shell is
// never used. Safe methods (GET, HEAD, OPTIONS, TRACE) only read, so they run in the probe and
// in check mode too. Other methods run in apply, so check mode skips them (Ansible's uri does not
// support check mode). Either way the task reports changed=false, as Ansible's uri does: use
// `changedWhen` for a request that changes something. A status outside status_code, or no
// answer, is a failure judged on the result (status, and -1 for no answer), so `until` can
// retry it ("wait until the site answers 200") and `failedWhen` can overrule it.

const SAFE = new Set(["GET", "HEAD", "OPTIONS", "TRACE"]);

const HeaderName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "an HTTP header name");

const Args = z
  .strictObject({
    url: z
      .string()
      .regex(/^https?:\/\/\S+$/i, "an http:// or https:// URL")
      .describe("The URL, requested from the control node (not from the host); a user:password in it is never shown."),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, "an HTTP method")
      .transform((m) => m.toUpperCase())
      .default("GET")
      .describe("The HTTP method (upper or lower case)."),
    body: z
      .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])
      .optional()
      .describe("The request body: a string is sent as it is; an object or array needs body_format json or form-urlencoded."),
    body_format: z.enum(["raw", "json", "form-urlencoded"]).default("raw").describe("How body is encoded (and its Content-Type)."),
    headers: z.record(HeaderName, z.string()).optional().describe("HTTP request headers, by name."),
    status_code: z
      .union([z.number().int(), z.array(z.number().int()).min(1)])
      .default(200)
      .transform((s) => (Array.isArray(s) ? s : [s]))
      .describe("The status (or statuses) that count as success; another status, or no answer, fails the task."),
    return_content: z.boolean().default(false).describe("Put the body (as text) into the result's content; a JSON body is always parsed into json."),
    timeout: z.number().positive().default(30).describe("Seconds for the whole request."),
    follow_redirects: z.enum(["safe", "all", "none"]).default("safe").describe("safe: follow redirects of GET, HEAD, OPTIONS and TRACE only (Ansible's default); all; none."),
    url_username: z.string().optional().describe("The user for Basic authentication (Ansible's alias: user)."),
    url_password: z.string().optional().describe("Its password (Ansible's alias: password); masked in the result."),
    force_basic_auth: z.boolean().default(false).describe("Send the credentials with the first request; otherwise only after a 401 that asks for Basic."),
    validate_certs: z.boolean().default(true).describe("false: the server's TLS certificate is not checked (self-signed, expired, another name)."),
  })
  .refine((a) => a.url_password === undefined || a.url_username !== undefined, { message: "url_password needs url_username", path: ["url_password"] })
  .refine((a) => typeof a.body === "string" || a.body === undefined || a.body_format !== "raw", {
    message: "an object or array body needs body_format json or form-urlencoded",
    path: ["body"],
  });
type Args = z.output<typeof Args>;

export interface UriResult {
  url: string;
  /** The HTTP status; -1 when there was no answer, or no request (a non-safe method in check mode). */
  status: number;
  /** Response headers by lower-case name. */
  headers: Record<string, string>;
  redirected: boolean;
  /** Seconds the request took. */
  elapsed: number;
  msg: string;
  /** The body as text, with return_content. */
  content?: string;
  /** The body parsed, when the response is JSON. */
  json?: unknown;
  /** Why the request failed: a status outside status_code, or no answer. */
  failure?: string;
}

/** The request body and the Content-Type it implies. Pure. */
export function encodeBody(args: Pick<Args, "body" | "body_format">): { body?: string; contentType?: string } {
  const b = args.body;
  if (b === undefined) return {};
  if (args.body_format === "json") return { body: typeof b === "string" ? b : JSON.stringify(b), contentType: "application/json" };
  if (args.body_format === "form-urlencoded") {
    if (typeof b === "string") return { body: b, contentType: "application/x-www-form-urlencoded" };
    const pairs: [string, string][] = Array.isArray(b)
      ? b.map((p) => (Array.isArray(p) ? [String(p[0]), String(p[1])] : [String(p), ""]))
      : Object.entries(b).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]);
    return { body: new URLSearchParams(pairs).toString(), contentType: "application/x-www-form-urlencoded" };
  }
  return { body: typeof b === "string" ? b : JSON.stringify(b) };
}

const isJson = (contentType: string) => /^[^;]*\/([^;]*\+)?json\s*(;|$)/i.test(contentType);

/** The start of a body on one line, for failure messages. */
export function excerpt(text: string, max = 200): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > max ? `${one.slice(0, max)}...` : one;
}

/** The credentials to use: url_username/url_password, else user:password in the URL (as Ansible). */
function credentials(args: Args): { url: string; credentials?: Credentials } {
  const fromUrl = splitUrlCredentials(args.url);
  const force = args.force_basic_auth;
  if (args.url_username !== undefined && args.url_username !== "") return { url: fromUrl.url, credentials: { username: args.url_username, password: args.url_password ?? "", force } };
  if (fromUrl.username) return { url: fromUrl.url, credentials: { username: fromUrl.username, password: fromUrl.password ?? "", force } };
  return { url: fromUrl.url };
}

async function request(args: Args): Promise<UriResult> {
  const { body, contentType } = encodeBody(args);
  const headers: Record<string, string> = { ...args.headers };
  if (contentType && !Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["content-type"] = contentType;
  const follow = args.follow_redirects === "all" || (args.follow_redirects === "safe" && SAFE.has(args.method));
  const auth = credentials(args);
  const started = Date.now();
  const url = redactUrl(args.url);
  let res: HttpResponse;
  try {
    res = await httpRequestWithRedirects({
      url: auth.url,
      method: args.method,
      headers,
      body,
      timeoutMs: args.timeout * 1000,
      validateCerts: args.validate_certs,
      follow,
      credentials: auth.credentials,
    });
  } catch (err) {
    const msg = `${args.method} ${url}: request failed: ${(err as Error).message}`;
    return { url, status: -1, headers: {}, redirected: false, elapsed: Math.round((Date.now() - started) / 1000), msg, failure: msg };
  }
  const text = args.method === "HEAD" ? "" : res.body.toString("utf8");
  const result: UriResult = {
    url: res.url !== auth.url ? redactUrl(res.url) : url,
    status: res.status,
    headers: res.headers,
    redirected: res.redirected,
    elapsed: Math.round((Date.now() - started) / 1000),
    msg: `OK (${Buffer.byteLength(text)} bytes)`,
    ...(args.return_content ? { content: text } : {}),
  };
  if (text && isJson(res.headers["content-type"] ?? "")) {
    try {
      result.json = JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all: the text is in content when asked for.
    }
  }
  if (!args.status_code.includes(res.status)) {
    const tail = excerpt(text);
    // Ansible would answer a Digest challenge too; say why the credentials were not sent.
    const digestOnly = res.status === 401 && auth.credentials && !auth.credentials.force && /^\s*digest\b/i.test(res.headers["www-authenticate"] ?? "") && !offersBasic(res.headers["www-authenticate"]);
    result.msg = `${args.method} ${url}: status code was ${res.status} and not ${args.status_code.join(" or ")}${tail ? `: ${tail}` : ""}${digestOnly ? " (the server asks for Digest authentication, which uri does not do)" : ""}`;
    result.failure = result.msg;
  }
  return masked(result, auth.credentials?.password);
}

/** The result with the password masked wherever it shows (an echoing server), as Ansible's no_log does. */
function masked(result: UriResult, password: string | undefined): UriResult {
  if (!password) return result;
  const m = new SecretMasker();
  m.add(password);
  return m.maskDeep(result) as UriResult;
}

const notSent = (args: Args): UriResult => ({ url: redactUrl(args.url), status: -1, headers: {}, redirected: false, elapsed: 0, msg: `${args.method} not sent in check mode` });

export const uri = defineModule({
  name: "uri",
  doc: {
    summary:
      "An HTTP request from the control node (not from the host). A status outside status_code, or no answer, fails the task (so until can wait for a site to answer). Like Ansible's uri it never reports a change: use changedWhen for a request that changes something.",
    example: 'await h.uri({ url: "https://www.example.org/health", status_code: 200 }, { until: (r) => r.status === 200, retries: 10, delay: 3 });',
    check: "GET, HEAD, OPTIONS and TRACE only read: they are sent in check mode too. Any other method is not sent in check mode: the task is reported skipped.",
  },
  // The request is the probe.
  probeScope: "live",
  args: Args,
  probe: async (_ctx, args): Promise<{ response?: UriResult }> => (SAFE.has(args.method) ? { response: await request(args) } : {}),
  diff: (args): Change | undefined => (SAFE.has(args.method) ? undefined : { summary: `${args.method} ${redactUrl(args.url)}`, unpredictable: true }),
  apply: (_ctx, args) => request(args),
  unchanged: (args, st) => st.response ?? notSent(args),
  changed: () => false,
  failure: (r) => r.failure,
});
