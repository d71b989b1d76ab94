import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { Socket } from "node:net";
import { type FakeDigitalOcean, startFakeDigitalOcean } from "../../fake-do/index.js";

export const DO_TOKEN = "dop_v1_adversarial0000000000000000000000000000000000000000000000000000";

/**
 * The real fake DigitalOcean API (test/fake-do) on loopback: a droplet that works, and one
 * without a public address (refused with `host_address: public`).
 */
export function startDigitalOcean(): Promise<FakeDigitalOcean> {
  return startFakeDigitalOcean({
    token: DO_TOKEN,
    droplets: [
      { name: "web1", tags: ["web"], privateIpv4: "10.99.0.11", publicIpv4: "192.0.2.11" },
      { name: "dark", tags: ["dark"], privateIpv4: "10.99.0.31", publicIpv4: null },
    ],
  });
}

/** A droplet as the API lists it (what the fake cannot serve: it refuses such seeds). */
function droplet(id: number, name: string, tags: string[]): object {
  return {
    id,
    name,
    status: "active",
    tags,
    size_slug: "s-1vcpu-1gb",
    region: { slug: "nyc3" },
    image: { slug: "debian-12-x64", distribution: "Debian" },
    networks: { v4: [{ ip_address: `10.99.1.${id % 250}`, type: "private" }, { ip_address: `192.0.2.${id % 250}`, type: "public" }] },
    vpc_uuid: "5a4981aa-9653-4bd1-bef5-d6bff52042e4",
  };
}

const page = (droplets: object[]) => JSON.stringify({ droplets, links: {}, meta: { total: droplets.length } });

/**
 * Scripted bad answers, chosen by the first path segment of the request (an inventory's api_url
 * or a download's URL names it): `/bad-json/v2/droplets` answers broken JSON, and so on.
 */
const ANSWERS: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  "bad-json": (_q, res) => json(res, 200, '{"droplets": [ {"id": 1, "name": '),
  "unauthorized": (_q, res) => json(res, 401, '{"id":"unauthorized","message":"Unable to authenticate you."}'),
  "server-error": (_q, res) => json(res, 500, '{"id":"server_error","message":"Server was unable to give you a response."}'),
  "wrong-schema": (_q, res) => json(res, 200, '{"droplets": "none", "links": {}, "meta": {"total": 1}}'),
  "droplet-schema": (_q, res) =>
    json(res, 200, '{"droplets": [{"id": "x", "name": 7, "networks": null, "tags": "web"}], "links": {}, "meta": {"total": 1}}'),
  "twins": (_q, res) => json(res, 200, page([droplet(21, "twin", ["twins"]), droplet(22, "twin", ["twins"])])),
  "hostile-name": (_q, res) => json(res, 200, page([droplet(41, "web1;touch MARK", ["web"]), droplet(42, "../../etc", ["web"])])),
  "html": (_q, res) => {
    res.writeHead(200, { "content-type": "text/html" });
    res.end("<html><body>502 Bad Gateway</body></html>");
  },
  "endless-pages": (req, res) => {
    // Every page links to the same next page again.
    const url = `http://${req.headers.host}${req.url}`;
    json(res, 200, JSON.stringify({ droplets: [], links: { pages: { next: url } }, meta: { total: 1_000_000 } }));
  },
  "huge": (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(`{"droplets": [${'"x",'.repeat(5_000_000)}"x"], "links": {}, "meta": {"total": 1}}`);
  },
  // Never answers: the client's timeout must end the request.
  "silent": () => undefined,
  // Any file, for get_url and uri: what matters is the name the URL gives it.
  "files": (_q, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end("downloaded\n");
  },
};

function json(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
}

export interface RawServer {
  url: string;
  close(): Promise<void>;
}

export function startRawServer(): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const first = (req.url ?? "/").split("/")[1] ?? "";
    const answer = ANSWERS[first];
    if (answer) answer(req, res);
    else json(res, 404, '{"id":"not_found","message":"The resource you were accessing could not be found."}');
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
