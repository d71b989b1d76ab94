import { type AddressInfo, type Server, Socket, createServer } from "node:net";
import { performance } from "node:perf_hooks";

// `--delay-ms N --delay-via relay`: the round-trip delay for a kernel without netem. Each lab host
// gets a TCP relay on 127.0.0.1 that the tools' inventory points at instead of the host's port 22;
// the relay holds what passes through it as a path with an N ms round trip would: a connection
// reaches the host after the TCP handshake (SYN, SYN-ACK, ACK: 1.5 round trips), and every byte
// takes half a round trip each way. It delays SSH between the control node and the hosts, nothing
// else (the hosts' apt traffic to the gateway is not delayed, which netem would delay); TCP's own
// slow start over a long path is not imitated, so large transfers come out a little fast.

export interface RelayTarget {
  name: string;
  host: string;
  port: number;
}

/** When the relay opens its connection to the host: after the handshake's 1.5 round trips. */
export function upstreamOpenAt(acceptedAt: number, rttMs: number): number {
  return acceptedAt + 1.5 * rttMs;
}

/**
 * When bytes the client sent at `sentAt` reach the host: on a real path the client sends nothing
 * before its SYN-ACK (one round trip), and the bytes then take half a round trip.
 */
export function toHostAt(sentAt: number, acceptedAt: number, rttMs: number): number {
  return Math.max(sentAt, acceptedAt + rttMs) + rttMs / 2;
}

/** When bytes the host sent at `sentAt` reach the client. */
export function toClientAt(sentAt: number, rttMs: number): number {
  return sentAt + rttMs / 2;
}

/** Bytes held in one direction before its sender is paused (and resumed below LOW_WATER). */
const HIGH_WATER = 8 * 2 ** 20;
const LOW_WATER = 2 ** 20;

/**
 * One direction of a relayed connection: chunks (and the sender's end) delivered in order, each
 * at its due time. Due times never decrease in one direction, so one timer for the head will do.
 */
class DelayLine {
  private readonly queue: { due: number; data: Buffer | "end" }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private held = 0;
  private ready = false;

  constructor(
    private readonly from: Socket,
    private readonly to: Socket,
  ) {}

  push(due: number, data: Buffer | "end"): void {
    this.queue.push({ due, data });
    if (data !== "end") {
      this.held += data.length;
      if (this.held > HIGH_WATER) this.from.pause();
    }
    this.schedule();
  }

  /** The receiving side is connected: deliver what is due. */
  open(): void {
    this.ready = true;
    this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private schedule(): void {
    if (!this.ready || this.timer !== undefined) return;
    const head = this.queue[0];
    if (head === undefined) return;
    this.timer = setTimeout(() => this.deliver(), Math.max(0, head.due - performance.now()));
  }

  private deliver(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.queue.length > 0 && (this.queue[0]?.due ?? Infinity) <= now) {
      const { data } = this.queue.shift() as { due: number; data: Buffer | "end" };
      if (this.to.destroyed) continue;
      if (data === "end") {
        this.to.end();
        continue;
      }
      this.to.write(data);
      this.held -= data.length;
      if (this.held < LOW_WATER && this.from.isPaused()) this.from.resume();
    }
    this.schedule();
  }
}

/** The relays of a bench run, one listening port on 127.0.0.1 per host. */
export class DelayRelay {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly servers: Map<string, Server>,
    readonly rttMs: number,
  ) {}

  static async start(targets: readonly RelayTarget[], rttMs: number): Promise<DelayRelay> {
    const relay = new DelayRelay(new Map(), rttMs);
    try {
      for (const t of targets) relay.servers.set(t.name, await relay.listen(t));
    } catch (err) {
      await relay.close();
      throw err;
    }
    return relay;
  }

  /** Where a tool connects to reach `name` through its relay. */
  endpoint(name: string): { host: string; port: number } {
    const server = this.servers.get(name);
    if (!server) throw new Error(`no relay for ${name}`);
    return { host: "127.0.0.1", port: (server.address() as AddressInfo).port };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([...this.servers.values()].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private listen(t: RelayTarget): Promise<Server> {
    // Half-open sockets: each side's end travels with its delay, after the bytes before it.
    const server = createServer({ allowHalfOpen: true }, (client) => this.relay(client, t));
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve(server));
    });
  }

  private relay(client: Socket, t: RelayTarget): void {
    const acceptedAt = performance.now();
    const rtt = this.rttMs;
    const host = new Socket({ allowHalfOpen: true });
    const toHost = new DelayLine(client, host);
    const toClient = new DelayLine(host, client);
    this.sockets.add(client);
    this.sockets.add(host);
    let opening: NodeJS.Timeout | undefined;
    // A reset on either side ends the connection on both; a side that closed in order waits for
    // what is still on its way to the other (its end is in the queue behind it).
    const teardown = () => {
      clearTimeout(opening);
      toHost.stop();
      toClient.stop();
      client.destroy();
      host.destroy();
      this.sockets.delete(client);
      this.sockets.delete(host);
    };
    client.on("data", (d: Buffer) => toHost.push(toHostAt(performance.now(), acceptedAt, rtt), d));
    client.on("end", () => toHost.push(toHostAt(performance.now(), acceptedAt, rtt), "end"));
    host.on("data", (d: Buffer) => toClient.push(toClientAt(performance.now(), rtt), d));
    host.on("end", () => toClient.push(toClientAt(performance.now(), rtt), "end"));
    for (const s of [client, host]) {
      s.on("error", teardown);
      s.on("close", () => {
        if (client.destroyed && host.destroyed) teardown();
      });
    }
    toClient.open();
    opening = setTimeout(() => host.connect({ host: t.host, port: t.port }, () => toHost.open()), Math.max(0, upstreamOpenAt(acceptedAt, rtt) - performance.now()));
  }
}
