import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type IncomingMessage, type ServerResponse, type Server, createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { offersBasic, redirectedMethod, splitUrlCredentials } from "../../../src/modules/http-client.js";
import { type UriResult, uri } from "../../../src/modules/uri.js";
import type { RemoteShell } from "../../../src/remote/shell.js";

// uri's credentials and certificate checks against servers on loopback (uri runs on the control
// node: no host is involved, so the module is called directly).

const USER = "deploy";
const PASSWORD = "pa:ss w0rd-s3cret";
const GOOD = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

const ctx = {
  host: "h",
  check: false,
  wantDiff: false,
  sh: {} as RemoteShell,
  renderTemplate: () => "",
  readControlFile: () => Buffer.alloc(0),
} satisfies ModuleContext;

async function run(args: Record<string, unknown>): Promise<UriResult> {
  const a = uri.args.parse(args);
  const st = await uri.probe(ctx, a);
  const change = uri.diff(a, st, ctx);
  return change ? uri.apply(ctx, a, st, change) : uri.unchanged(a, st);
}

interface Seen {
  path: string;
  authorization?: string;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe("uri credentials (url_username, url_password, force_basic_auth)", () => {
  const seen: Seen[] = [];
  let server: Server;
  let other: Server;
  let base = "";
  let otherBase = "";
  const hits = (path: string) => seen.filter((s) => s.path === path);

  function handler(req: IncomingMessage, res: ServerResponse) {
    const path = req.url ?? "";
    seen.push({ path, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    const ok = req.headers.authorization === GOOD;
    if (path === "/challenge") {
      if (ok) return void res.writeHead(200, { "content-type": "application/json" }).end('{"who":"deploy"}');
      return void res.writeHead(401, { "www-authenticate": 'Basic realm="dcv"' }).end("who are you");
    }
    // A server that never asks: only force_basic_auth gets in.
    if (path === "/silent") return void res.writeHead(ok ? 200 : 401).end(ok ? "in" : "denied");
    if (path === "/digest") return void res.writeHead(401, { "www-authenticate": 'Digest realm="dcv", nonce="abc", qop="auth"' }).end("digest please");
    // Echoes what it was sent: the password must not come back out of uri.
    if (path === "/echo") {
      const decoded = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
      return void res.writeHead(ok ? 200 : 401, { "www-authenticate": "Basic" }).end(`you sent ${decoded}`);
    }
    if (path === "/away") return void res.writeHead(302, { location: `${otherBase}/landing` }).end();
    if (path === "/gzip") return void res.writeHead(200, { "content-encoding": "gzip", "content-type": "text/plain" }).end(gzipSync("unpacked"));
    res.writeHead(404).end();
  }

  beforeAll(async () => {
    server = createServer(handler);
    other = createServer(handler);
    base = `http://127.0.0.1:${await listen(server)}`;
    otherBase = `http://127.0.0.1:${await listen(other)}`;
  });
  afterAll(() => {
    server.close();
    other.close();
  });

  it("without force_basic_auth: first unauthenticated, then the credentials in answer to the Basic challenge", async () => {
    const r = await run({ url: `${base}/challenge`, url_username: USER, url_password: PASSWORD });
    expect(r.failure).toBeUndefined();
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ who: "deploy" });
    expect(hits("/challenge").map((s) => s.authorization)).toEqual([undefined, GOOD]);
  });

  it("with force_basic_auth: the credentials go with the first request", async () => {
    const r = await run({ url: `${base}/silent`, url_username: USER, url_password: PASSWORD, force_basic_auth: true, return_content: true });
    expect(r.status).toBe(200);
    expect(r.content).toBe("in");
    expect(hits("/silent").map((s) => s.authorization)).toEqual([GOOD]);
  });

  it("a server that does not ask gets no credentials without force_basic_auth (Ansible's behaviour)", async () => {
    const before = hits("/silent").length;
    const r = await run({ url: `${base}/silent`, url_username: USER, url_password: PASSWORD });
    expect(r.status).toBe(401);
    expect(r.failure).toBe(`GET ${base}/silent: status code was 401 and not 200: denied`);
    expect(hits("/silent").slice(before)).toEqual([{ path: "/silent" }]);
  });

  it("user:password in the URL count as url_username/url_password, and the URL is reported without them", async () => {
    const url = `http://${USER}:${encodeURIComponent(PASSWORD)}@${base.slice("http://".length)}/challenge`;
    const r = await run({ url });
    expect(r.status).toBe(200);
    expect(r.url).toBe(`http://***@${base.slice("http://".length)}/challenge`);
    expect(hits("/challenge").at(-1)?.authorization).toBe(GOOD);
  });

  it("the password is masked wherever the result would show it; a wrong one fails without showing it", async () => {
    const r = await run({ url: `${base}/echo`, url_username: USER, url_password: PASSWORD, return_content: true });
    expect(r.content).toBe(`you sent ${USER}:********`);
    const bad = await run({ url: `${base}/echo`, url_username: USER, url_password: `${PASSWORD}-wrong`, return_content: true });
    expect(bad.status).toBe(401);
    expect(JSON.stringify(bad)).not.toContain(PASSWORD);
    expect(bad.failure).toBe(`GET ${base}/echo: status code was 401 and not 200: you sent ${USER}:********`);
  });

  it("a Digest-only challenge fails saying so", async () => {
    const r = await run({ url: `${base}/digest`, url_username: USER, url_password: PASSWORD });
    expect(r.failure).toBe(`GET ${base}/digest: status code was 401 and not 200: digest please (the server asks for Digest authentication, which uri does not do)`);
  });

  it("a redirect to another origin drops the credentials", async () => {
    const r = await run({ url: `${base}/away`, url_username: USER, url_password: PASSWORD, force_basic_auth: true, status_code: 404 });
    expect(r.redirected).toBe(true);
    expect(r.url).toBe(`${otherBase}/landing`);
    expect(hits("/away").at(-1)?.authorization).toBe(GOOD);
    expect(hits("/landing").at(-1)).toEqual({ path: "/landing" });
  });

  it("gzip answers are decoded", async () => {
    expect((await run({ url: `${base}/gzip`, return_content: true })).content).toBe("unpacked");
  });

  it("the schema: Ansible's names; a password alone is refused", () => {
    expect(uri.args.safeParse({ url: base, url_password: "x" }).error?.issues[0]?.message).toBe("url_password needs url_username");
    expect(uri.args.safeParse({ url: base, user: "x" }).success).toBe(false);
    expect(uri.args.parse({ url: base })).toMatchObject({ force_basic_auth: false, validate_certs: true });
  });
});

describe("uri validate_certs", () => {
  let dir = "";
  let server: Server;
  let base = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dcv-uri-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")], { stdio: "ignore" });
    server = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) }, (_req, res) => void res.writeHead(200).end("secure"));
    base = `https://127.0.0.1:${await listen(server)}`;
  });
  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("checks certificates by default: a self-signed one fails the request", async () => {
    const r = await run({ url: `${base}/` });
    expect(r.status).toBe(-1);
    expect(r.failure).toBe(`GET ${base}/: request failed: self-signed certificate`);
  });

  it("validate_certs: false accepts it", async () => {
    const r = await run({ url: `${base}/`, validate_certs: false, return_content: true });
    expect(r.failure).toBeUndefined();
    expect(r.content).toBe("secure");
  });
});

describe("http-client's pure parts", () => {
  it("offersBasic reads WWW-Authenticate", () => {
    expect(offersBasic('Basic realm="x"')).toBe(true);
    expect(offersBasic('Digest realm="x", Basic realm="x"')).toBe(true);
    expect(offersBasic('Digest realm="x"')).toBe(false);
    expect(offersBasic('Bearer realm="basic"')).toBe(false);
    expect(offersBasic(undefined)).toBe(false);
  });

  it("splitUrlCredentials takes user:password out of a URL", () => {
    expect(splitUrlCredentials("https://u:p%40ss@h.example/x?y=1")).toEqual({ url: "https://h.example/x?y=1", username: "u", password: "p@ss" });
    expect(splitUrlCredentials("https://h.example/x")).toEqual({ url: "https://h.example/x" });
  });

  it("redirectedMethod follows the fetch standard", () => {
    expect(redirectedMethod(303, "PUT")).toEqual({ method: "GET", keepBody: false });
    expect(redirectedMethod(302, "POST")).toEqual({ method: "GET", keepBody: false });
    expect(redirectedMethod(307, "POST")).toEqual({ method: "POST", keepBody: true });
    expect(redirectedMethod(303, "HEAD")).toEqual({ method: "HEAD", keepBody: true });
  });
});
