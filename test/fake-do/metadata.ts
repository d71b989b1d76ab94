import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { normalizeRemoteAddress, sendJson, sendText } from "./http-util.js";
import { metadataJson, metadataTree, type MetadataNode } from "./metadata-content.js";
import type { RecordedRequest } from "./recorded-request.js";
import type { World } from "./world.js";

// The droplet metadata service. It has no authentication: like DigitalOcean's, it answers the
// caller about itself, and it knows the caller by the source address of the request. In the lab
// that is the container's own private or public address (the lab routes 169.254.169.254 to
// this listener); tests on 127.0.0.1 either seed a droplet at 127.0.0.1 or opt into naming the
// droplet in a header.

export const DROPLET_ID_HEADER = "x-fake-droplet-id";

export interface MetadataCallerOptions {
  /** Replaces the address match: maps a caller to a droplet id (undefined: unknown caller → 404). */
  identifyCaller?: (remoteAddress: string, req: IncomingMessage) => number | undefined;
  /** Honour an X-Fake-Droplet-Id request header; off by default so the address path stays the real one. */
  trustDropletIdHeader?: boolean;
}

export interface MetadataDeps extends MetadataCallerOptions {
  world: World;
  record: (entry: RecordedRequest) => void;
}

function callerDropletId(deps: MetadataDeps, req: IncomingMessage, remote: string): number | undefined {
  const header = req.headers[DROPLET_ID_HEADER];
  if (deps.trustDropletIdHeader && typeof header === "string" && /^\d+$/.test(header)) return Number(header);
  if (deps.identifyCaller) return deps.identifyCaller(remote, req);
  for (const d of deps.world.droplets.values()) {
    if (d.privateIpv4 === remote || d.publicIpv4 === remote) return d.id;
  }
  return undefined;
}

type Answer = { status: 200; text: string } | { status: 301; location: string } | { status: 404 };

type MetadataIndex = { readonly [name: string]: MetadataNode };

function isIndex(node: MetadataNode): node is MetadataIndex {
  return typeof node === "object" && !Array.isArray(node);
}

/** Walks the tree: values answer as text, indexes need a trailing slash (else 301, as DigitalOcean does). */
function walk(root: MetadataNode, segments: string[], path: string): Answer {
  const trailingSlash = segments.at(-1) === "";
  let node: MetadataNode = root;
  for (const seg of segments.filter((s) => s !== "")) {
    const next: MetadataNode | undefined = isIndex(node) ? node[seg] : undefined;
    if (next === undefined) return { status: 404 };
    node = next;
  }
  if (isIndex(node)) {
    if (!trailingSlash) return { status: 301, location: `${path}/` };
    const names = Object.entries(node).map(([name, child]) => (typeof child === "string" ? name : `${name}/`));
    return { status: 200, text: names.join("\n") };
  }
  if (typeof node === "string") return trailingSlash ? { status: 404 } : { status: 200, text: node };
  return { status: 200, text: node.join("\n") };
}

export function createMetadataHandler(deps: MetadataDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const remote = normalizeRemoteAddress(req.socket.remoteAddress);
    const url = new URL(`http://metadata.invalid${req.url ?? "/"}`);
    const id = callerDropletId(deps, req, remote);
    const droplet = id === undefined ? undefined : deps.world.droplets.get(id);
    let status: number;
    if (req.method !== "GET" && req.method !== "HEAD") {
      status = 405;
      sendText(res, status, "405 Method Not Allowed");
    } else if (!droplet) {
      status = 404;
      sendText(res, status, "404 Not Found");
    } else if (url.pathname === "/metadata/v1.json") {
      status = 200;
      sendJson(res, status, metadataJson(droplet, deps.world), {});
    } else if (url.pathname === "/metadata/v1") {
      status = 301;
      sendText(res, status, "301 Moved Permanently", { location: "/metadata/v1/" });
    } else if (url.pathname.startsWith("/metadata/v1/")) {
      const answer = walk(metadataTree(droplet, deps.world), url.pathname.slice("/metadata/v1/".length).split("/"), url.pathname);
      status = answer.status;
      if (answer.status === 200) sendText(res, 200, answer.text);
      else if (answer.status === 301) sendText(res, 301, "301 Moved Permanently", { location: answer.location });
      else sendText(res, 404, "404 Not Found");
    } else {
      status = 404;
      sendText(res, status, "404 Not Found");
    }
    deps.record({
      service: "metadata",
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status,
      template: undefined,
      remoteAddress: remote,
      requestId: randomUUID(),
    });
    req.resume();
  };
}
