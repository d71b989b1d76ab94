import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiHandler } from "./api.js";
import { createMetadataHandler, type MetadataCallerOptions } from "./metadata.js";
import { RateLimiter, type RateLimitStorm } from "./rate-limit.js";
import type { RecordedRequest } from "./recorded-request.js";
import { ReservedIpActionRunner, type OnReservedIpMove } from "./reserved-ip-actions.js";
import type { AccountSeed, DropletRecord, DropletSeed, ReservedIpSeed } from "./seeds.js";
import { World, type ActionRecord } from "./world.js";

// Starts the fake: an API listener and, when asked, a metadata listener, both over one World.

export interface FakeDigitalOceanOptions {
  /** API listener address; default 127.0.0.1 and an ephemeral port. */
  host?: string;
  port?: number;
  /** The one bearer token the API accepts. */
  token: string;
  droplets: readonly DropletSeed[];
  reservedIps?: readonly ReservedIpSeed[];
  account?: AccountSeed;
  /** First id given to droplet seeds without one. */
  firstDropletId?: number;
  /** How long a reserved-IP action stays in-progress before its move starts; default 300 ms. */
  actionDelayMs?: number;
  /** The hourly quota behind ratelimit-remaining; default 5000, DigitalOcean's. */
  rateLimitPerHour?: number;
  /** Also serve the droplet metadata service on this address (no auth, answers per caller). */
  metadata?: { host: string; port: number } & MetadataCallerOptions;
  /** Awaited when an action's delay is over; a throw makes the action `errored` and keeps the IP where it was. */
  onReservedIpMove?: OnReservedIpMove;
  /** Called after each answered request (the CLI's --verbose log). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface ReservedIpState {
  ip: string;
  region: string;
  dropletId: number | null;
  locked: boolean;
}

export interface FakeDigitalOcean {
  /** Base URL of the API, e.g. http://127.0.0.1:41234 (no trailing slash, no /v2). */
  readonly url: string;
  /** Base URL of the metadata service, when started; paths are /metadata/v1/... */
  readonly metadataUrl: string | undefined;
  /** Every request both listeners answered, oldest first. */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  /** The next `requests` authenticated API requests get 429 with retry-after; null ends a storm. */
  setRateLimitStorm(storm: RateLimitStorm | null): void;
  reservedIp(ip: string): ReservedIpState | undefined;
  droplet(id: number): DropletRecord | undefined;
  action(id: number): ActionRecord | undefined;
  /** Resolves when no reserved-IP action is in progress. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // A wildcard listener is reachable on loopback; IPv6 literals need brackets in URLs.
  const shown = address.address === "0.0.0.0" ? "127.0.0.1" : address.address === "::" ? "::1" : address.address;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${address.port}`;
}

async function shut(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // fetch keeps connections alive; without this close() would wait for them to time out.
  server.closeAllConnections();
  await closed;
}

function serve(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): Server {
  return createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`fake DigitalOcean internal error: ${String(err)}`);
    });
  });
}

export async function startFakeDigitalOcean(options: FakeDigitalOceanOptions): Promise<FakeDigitalOcean> {
  if (options.token === "") throw new Error("startFakeDigitalOcean: token must not be empty");
  const world = new World({
    droplets: options.droplets,
    reservedIps: options.reservedIps,
    account: options.account,
    firstDropletId: options.firstDropletId,
  });
  const actions = new ReservedIpActionRunner(world, options.actionDelayMs ?? 300, options.onReservedIpMove);
  const limiter = new RateLimiter(options.rateLimitPerHour ?? 5000);
  const requests: RecordedRequest[] = [];
  const record = (entry: RecordedRequest): void => {
    requests.push(entry);
    options.onRequest?.(entry);
  };

  let url = "";
  const api = serve(createApiHandler({ world, actions, limiter, token: options.token, fallbackOrigin: () => url, record }));
  url = await listen(api, options.host ?? "127.0.0.1", options.port ?? 0);

  let metadataServer: Server | undefined;
  let metadataUrl: string | undefined;
  if (options.metadata) {
    const { host, port, ...caller } = options.metadata;
    metadataServer = serve(createMetadataHandler({ world, record, ...caller }));
    try {
      metadataUrl = await listen(metadataServer, host, port);
    } catch (err) {
      await shut(api);
      throw err;
    }
  }

  return {
    url,
    metadataUrl,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    setRateLimitStorm: (storm) => limiter.setStorm(storm),
    reservedIp: (ip) => {
      const r = world.reservedIps.get(ip);
      return r && { ip: r.ip, region: r.region, dropletId: r.dropletId, locked: r.pendingActionId !== null };
    },
    // Copies: the world changes only through the API, as DigitalOcean's does.
    droplet: (id) => {
      const d = world.droplets.get(id);
      return d && { ...d, tags: [...d.tags], image: { ...d.image } };
    },
    action: (id) => {
      const a = world.actions.get(id);
      return a && { ...a };
    },
    idle: () => actions.idle(),
    close: async () => {
      // Listeners first, so no request can start an action after the runner has been closed.
      await Promise.all([shut(api), metadataServer ? shut(metadataServer) : Promise.resolve()]);
      await actions.close();
    },
  };
}
