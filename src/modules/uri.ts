import { z } from "zod";
import { type Change, defineModule } from "./contract.js";
import { redactUrl } from "./downloads.js";

// uri: an HTTP request from the control node (fetch), not from the host: the host's shell is
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
    url: z.string().regex(/^https?:\/\/\S+$/i, "an http:// or https:// URL"),
    method: z
      .string()
      .regex(/^[A-Za-z]+$/, "an HTTP method")
      .transform((m) => m.toUpperCase())
      .default("GET"),
    /** A string is sent as is; an object or array needs body_format json or form-urlencoded. */
    body: z.union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
    body_format: z.enum(["raw", "json", "form-urlencoded"]).default("raw"),
    headers: z.record(HeaderName, z.string()).optional(),
    /** The status (or statuses) that count as success. */
    status_code: z
      .union([z.number().int(), z.array(z.number().int()).min(1)])
      .default(200)
      .transform((s) => (Array.isArray(s) ? s : [s])),
    /** Put the body (as text) into the result's `content`; JSON bodies are always parsed into `json`. */
    return_content: z.boolean().default(false),
    /** Seconds for the whole request. */
    timeout: z.number().positive().default(30),
    /** safe: follow redirects of safe methods only (Ansible's default); all; none. */
    follow_redirects: z.enum(["safe", "all", "none"]).default("safe"),
  })
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

async function request(args: Args): Promise<UriResult> {
  const { body, contentType } = encodeBody(args);
  const headers = new Headers(args.headers ?? {});
  if (contentType && !headers.has("content-type")) headers.set("content-type", contentType);
  const follow = args.follow_redirects === "all" || (args.follow_redirects === "safe" && SAFE.has(args.method));
  const started = Date.now();
  const url = redactUrl(args.url);
  let res: Response;
  try {
    res = await fetch(args.url, {
      method: args.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      redirect: follow ? "follow" : "manual",
      signal: AbortSignal.timeout(args.timeout * 1000),
    });
  } catch (err) {
    const e = err as Error & { cause?: { message?: string; code?: string } };
    const why = e.name === "TimeoutError" ? `no answer within ${args.timeout} s` : (e.cause?.message ?? e.cause?.code ?? e.message);
    const msg = `${args.method} ${url}: request failed: ${why}`;
    return { url, status: -1, headers: {}, redirected: false, elapsed: Math.round((Date.now() - started) / 1000), msg, failure: msg };
  }
  const text = args.method === "HEAD" ? "" : await res.text();
  const result: UriResult = {
    url: res.url && res.url !== args.url ? redactUrl(res.url) : url,
    status: res.status,
    headers: Object.fromEntries([...res.headers].map(([k, v]) => [k.toLowerCase(), v])),
    redirected: res.redirected,
    elapsed: Math.round((Date.now() - started) / 1000),
    msg: `OK (${Buffer.byteLength(text)} bytes)`,
    ...(args.return_content ? { content: text } : {}),
  };
  if (text && isJson(res.headers.get("content-type") ?? "")) {
    try {
      result.json = JSON.parse(text) as unknown;
    } catch {
      // Not JSON after all: the text is in content when asked for.
    }
  }
  if (!args.status_code.includes(res.status)) {
    const tail = excerpt(text);
    result.msg = `${args.method} ${url}: status code was ${res.status} and not ${args.status_code.join(" or ")}${tail ? `: ${tail}` : ""}`;
    result.failure = result.msg;
  }
  return result;
}

const notSent = (args: Args): UriResult => ({ url: redactUrl(args.url), status: -1, headers: {}, redirected: false, elapsed: 0, msg: `${args.method} not sent in check mode` });

export const uri = defineModule({
  name: "uri",
  args: Args,
  probe: async (_ctx, args): Promise<{ response?: UriResult }> => (SAFE.has(args.method) ? { response: await request(args) } : {}),
  diff: (args): Change | undefined => (SAFE.has(args.method) ? undefined : { summary: `${args.method} ${redactUrl(args.url)}`, unpredictable: true }),
  apply: (_ctx, args) => request(args),
  unchanged: (args, st) => st.response ?? notSent(args),
  changed: () => false,
  failure: (r) => r.failure,
});
