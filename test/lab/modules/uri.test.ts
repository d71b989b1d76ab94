import { type IncomingMessage, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, explain, total } from "../engine/harness.js";
import { closeSite, playSite, statuses } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-uri";
const TOKEN = "Bearer uri-s3cret";

interface Seen {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
  body: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let s = "";
  for await (const chunk of req) s += String(chunk);
  return s;
}

// uri runs on the control node: the server listens on loopback, which web2 could not even reach.
describe.skipIf(skip !== undefined)("uri from the control node, in a site run against a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let server: Server;
  let base = "";
  const seen: Seen[] = [];
  const calls = (method: string, path: string) => seen.filter((s) => s.method === method && s.path === path);

  const siteFile = (tasks: string) => playSite("uri", { BASE: base, DIR }, tasks);

  const MAIN = () =>
    siteFile(`
    const st = await h.uri({ url: BASE + "/api/status", headers: { Authorization: ${JSON.stringify(TOKEN)} } }, { name: "get status" });
    const version = (st.json as { version?: string } | undefined)?.version ?? "unknown";
    await h.file({ path: DIR, state: "directory" });
    await h.copy({ dest: DIR + "/version", content: version + "\\n" });
    const page = await h.uri({ url: BASE + "/page", return_content: true }, { name: "get page" });
    if (!h.check && page.content !== "<h1>hi</h1>") await h.fail("content: " + String(page.content));
    await h.uri({ url: BASE + "/api/nothing", status_code: [200, 404] }, { name: "tolerated 404" });
    const made = await h.uri({ url: BASE + "/api/items", method: "POST", body: { name: "web", replicas: 2 }, body_format: "json", status_code: 201 }, { name: "post item" });
    if (!h.check && made.status !== 201) await h.fail("status " + made.status);
    await h.uri({ url: BASE + "/api/form", method: "PUT", body: { a: "1 2", b: "x&y" }, body_format: "form-urlencoded" }, { name: "put form", changedWhen: true });
`);

  beforeAll(async () => {
    await lab.up();
    server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const path = req.url ?? "";
        seen.push({
          method: req.method ?? "",
          path,
          body,
          ...(req.headers["content-type"] ? { contentType: req.headers["content-type"] } : {}),
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        });
        const json = (status: number, v: unknown) => res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-served-by": "dcv-test" }).end(JSON.stringify(v));
        if (path === "/api/status") return req.headers.authorization === TOKEN ? json(200, { ok: true, version: "2.4.1" }) : json(401, { error: "who are you" });
        if (path === "/page") return void res.writeHead(200, { "content-type": "text/html" }).end("<h1>hi</h1>");
        if (path === "/api/items" && req.method === "POST") return json(201, { id: 7, received: JSON.parse(body) as unknown });
        if (path === "/api/form") return json(200, { ok: true });
        if (path === "/api/broken") return json(500, { error: "boom: the database is on fire" });
        // Answers 503 twice, then 200: a service coming up.
        if (path === "/api/warming") return calls("GET", path).length <= 2 ? json(503, { warming: true }) : json(200, { ready: true });
        json(404, { error: "no such thing" });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await sh(`rm -rf ${DIR}`);
    site = new TestSite(lab, { "site.ts": MAIN() }, [HOST]);
  });
  afterAll(async () => {
    server?.close();
    await closeSite(root, site, () => sh(`rm -rf ${DIR}`));
  });

  it("requests from the control node; uri reports ok (changed only by changedWhen); results feed later tasks", async () => {
    const first = await site.converge(["-v"]);
    expect(first.code, explain(first)).toBe(0);
    expect(statuses(first)).toEqual([
      "get status: ok",
      `file ${DIR}: changed`,
      `copy ${DIR}/version: changed`,
      "get page: ok",
      "tolerated 404: ok",
      "post item: ok",
      "put form: changed",
    ]);
    expect(await sh(`cat ${DIR}/version`)).toBe("2.4.1\n");
    expect(calls("GET", "/api/status")[0]?.authorization).toBe(TOKEN);
    const post = calls("POST", "/api/items");
    expect(post).toHaveLength(1);
    expect(post[0]?.contentType).toBe("application/json");
    expect(JSON.parse(post[0]?.body ?? "")).toEqual({ name: "web", replicas: 2 });
    const put = calls("PUT", "/api/form");
    expect(put[0]?.contentType).toBe("application/x-www-form-urlencoded");
    expect(put[0]?.body).toBe("a=1+2&b=x%26y");
    // -v prints results: the parsed JSON and lower-cased headers.
    expect(first.stdout).toContain('"x-served-by": "dcv-test"');
    expect(first.stdout).toContain('"received": {');

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    // Only the task whose changedWhen says so.
    expect(total(second, "changed"), explain(second)).toBe(1);
  });

  it("--check runs the safe requests, skips the others, and reports drift of what their results decide", async () => {
    await sh(`echo 0.0.1 > ${DIR}/version`);
    const posts = calls("POST", "/api/items").length;
    const gets = calls("GET", "/api/status").length;
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(statuses(check)).toEqual([
      "get status: ok",
      `file ${DIR}: ok`,
      `copy ${DIR}/version: changed`,
      "get page: ok",
      "tolerated 404: ok",
      "post item: skipped",
      "put form: skipped",
    ]);
    expect(check.stdout).toContain("-0.0.1\n+2.4.1\n");
    expect(calls("GET", "/api/status").length).toBe(gets + 1);
    expect(calls("POST", "/api/items").length).toBe(posts);
    expect(await sh(`cat ${DIR}/version`)).toBe("0.0.1\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(await sh(`cat ${DIR}/version`)).toBe("2.4.1\n");
  });

  it("an unexpected status fails the task with the status and the start of the body", async () => {
    site.write(
      "bad.ts",
      siteFile(`
    await h.uri({ url: BASE + "/api/broken" }, { name: "broken", ignoreErrors: true });
    await h.uri({ url: BASE + "/api/status" }, { name: "no token" });
`),
    );
    const r = await site.converge([], { site: "bad.ts" });
    expect(r.code, explain(r)).toBe(2);
    const tasks = r.report?.tasks ?? [];
    expect(tasks[0]?.status).toBe("ignored");
    expect(tasks[0]?.msg).toBe(`GET ${base}/api/broken: status code was 500 and not 200: {"error":"boom: the database is on fire"}`);
    expect(tasks[1]?.status).toBe("failed");
    expect(tasks[1]?.msg).toBe(`GET ${base}/api/status: status code was 401 and not 200: {"error":"who are you"}`);
  });

  it("until retries a status that is not accepted yet; failedWhen overrules one", async () => {
    site.write(
      "retry.ts",
      siteFile(`
    const r = await h.uri({ url: BASE + "/api/warming" }, { name: "wait until ready", retries: 5, delay: 0, until: (x) => x.status === 200 });
    if ((r.json as { ready?: boolean }).ready !== true) await h.fail("not ready: " + JSON.stringify(r));
    const b = await h.uri({ url: BASE + "/api/broken" }, { name: "500 is fine here", failedWhen: (x) => x.status !== 500 });
    if (b.status !== 500 || b.failed) await h.fail("broken: " + JSON.stringify(b));
`),
    );
    const r = await site.converge([], { site: "retry.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(statuses(r)).toEqual(["wait until ready: ok", "500 is fine here: ok"]);
    expect(calls("GET", "/api/warming")).toHaveLength(3);
  });

  it("a refused connection fails with the reason", async () => {
    // A port that was free a moment ago (fetch refuses "bad ports" such as 9 outright).
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    site.write("down.ts", siteFile(`    await h.uri({ url: "http://127.0.0.1:${port}/nothing", timeout: 5 }, { name: "down" });`));
    const r = await site.converge([], { site: "down.ts" });
    expect(r.code, explain(r)).toBe(2);
    expect(r.report?.tasks[0]?.msg).toBe(`GET http://127.0.0.1:${port}/nothing: request failed: connect ECONNREFUSED 127.0.0.1:${port}`);
  });
});
