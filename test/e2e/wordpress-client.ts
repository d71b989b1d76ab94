// A small WordPress client over HTTP (fetch), for tests that check a converged site from
// outside: create a post through one web node (XML-RPC wp.newPost, with the admin's login) and
// read it back through another (the REST API, as any visitor). Each node is addressed directly,
// with the site's host name in the Host header, as the load balancer forwards requests.

export interface WordPressNode {
  /** Where to connect, e.g. "http://10.77.0.15" (a web node; no trailing slash needed). */
  baseUrl: string;
  /** The Host header: the site URL's host (WordPress redirects requests for other names). */
  host?: string;
  /** Milliseconds per request. */
  timeoutMs?: number;
}

export interface Page {
  status: number;
  headers: Headers;
  body: string;
  /** The page's <title>, entities decoded, or "" when it has none. */
  title: string;
}

export interface Post {
  id: number;
  title: string;
  content: string;
  status: string;
  link: string;
}

export class WordPressClientError extends Error {
  override name = "WordPressClientError";
}

function decodeEntities(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

async function request(node: WordPressNode, path: string, init: RequestInit = {}): Promise<Response> {
  const url = `${node.baseUrl.replace(/\/+$/, "")}${path}`;
  const headers = new Headers(init.headers);
  if (node.host) headers.set("host", node.host);
  try {
    return await fetch(url, { ...init, headers, redirect: "manual", signal: AbortSignal.timeout(node.timeoutMs ?? 15_000) });
  } catch (err) {
    throw new WordPressClientError(`${init.method ?? "GET"} ${url}${node.host ? ` (Host: ${node.host})` : ""}: ${(err as Error).message}`);
  }
}

/** GET a page (no redirects followed: a 301 to another host is a finding, not a detour). */
export async function getPage(node: WordPressNode, path = "/"): Promise<Page> {
  const r = await request(node, path);
  const body = await r.text();
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1] ?? "";
  return { status: r.status, headers: r.headers, body, title: decodeEntities(title.trim()) };
}

/** One XML-RPC call with string/int/struct parameters; returns the response's first value as text. */
async function xmlRpc(node: WordPressNode, method: string, params: readonly XmlRpcValue[]): Promise<string> {
  const body = `<?xml version="1.0"?>\n<methodCall><methodName>${escapeXml(method)}</methodName><params>${params
    .map((p) => `<param>${xmlValue(p)}</param>`)
    .join("")}</params></methodCall>`;
  const r = await request(node, "/xmlrpc.php", { method: "POST", headers: { "content-type": "text/xml" }, body });
  const text = await r.text();
  if (r.status !== 200) throw new WordPressClientError(`${method}: HTTP ${r.status}: ${text.slice(0, 200)}`);
  if (text.includes("<fault>")) {
    const msg = /<name>faultString<\/name>\s*<value>\s*(?:<string>)?([^<]*)/.exec(text)?.[1] ?? text.slice(0, 200);
    throw new WordPressClientError(`${method}: ${decodeEntities(msg)}`);
  }
  const value = /<params>\s*<param>\s*<value>\s*(?:<(?:string|int|i4)>)?([^<]*)/.exec(text)?.[1];
  if (value === undefined) throw new WordPressClientError(`${method}: unexpected response: ${text.slice(0, 200)}`);
  return decodeEntities(value.trim());
}

type XmlRpcValue = string | number | { [key: string]: XmlRpcValue };

function xmlValue(v: XmlRpcValue): string {
  if (typeof v === "number") return `<value><int>${v}</int></value>`;
  if (typeof v === "string") return `<value><string>${escapeXml(v)}</string></value>`;
  const members = Object.entries(v).map(([k, x]) => `<member><name>${escapeXml(k)}</name>${xmlValue(x)}</member>`);
  return `<value><struct>${members.join("")}</struct></value>`;
}

export interface NewPost {
  title: string;
  content: string;
  /** Default "publish", so any visitor can read it. */
  status?: "publish" | "draft" | "private";
}

/** Creates a post with a user's login (XML-RPC wp.newPost); returns its id. */
export async function createPost(node: WordPressNode, login: { user: string; password: string }, post: NewPost): Promise<number> {
  const id = await xmlRpc(node, "wp.newPost", [
    1,
    login.user,
    login.password,
    { post_type: "post", post_status: post.status ?? "publish", post_title: post.title, post_content: post.content },
  ]);
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) throw new WordPressClientError(`wp.newPost returned ${JSON.stringify(id)}, not a post id`);
  return n;
}

/**
 * Reads a published post as a visitor (the REST API, reached by `?rest_route=` so it works
 * with plain permalinks); undefined when the node answers 404.
 */
export async function readPost(node: WordPressNode, id: number): Promise<Post | undefined> {
  const r = await request(node, `/?rest_route=${encodeURIComponent(`/wp/v2/posts/${id}`)}`);
  if (r.status === 404) return undefined;
  const text = await r.text();
  if (r.status !== 200) throw new WordPressClientError(`post ${id}: HTTP ${r.status}: ${text.slice(0, 200)}`);
  const j = JSON.parse(text) as { id: number; title?: { rendered?: string }; content?: { rendered?: string }; status?: string; link?: string };
  return {
    id: j.id,
    title: decodeEntities(j.title?.rendered ?? ""),
    content: j.content?.rendered ?? "",
    status: j.status ?? "",
    link: j.link ?? "",
  };
}

/** Reads a post's own page (`/?p=ID`) as a visitor: the HTML WordPress renders for it. */
export function postPage(node: WordPressNode, id: number): Promise<Page> {
  return getPage(node, `/?p=${id}`);
}
