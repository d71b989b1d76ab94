import { type AddressInfo, type Server, connect, createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { Lab } from "../../lab/lab.js";
import { relayInventory, relayKnownHosts } from "../../bench/delay.js";
import { DelayRelay, toClientAt, toHostAt, upstreamOpenAt } from "../../bench/relay.js";
import { benchTopology } from "../../bench/topologies.js";
import { parse } from "yaml";

// `--delay-via relay`: when bytes may pass (a path with the given round trip), and that they pass
// unchanged, in order, with each side's end. No timings are asserted: the schedule is computed.

describe("the relay's schedule for a round trip of 100 ms", () => {
  it("reaches the host after the TCP handshake's one and a half round trips", () => {
    expect(upstreamOpenAt(1000, 100)).toBe(1150);
  });

  it("client bytes leave no earlier than the handshake allows, then take half a round trip", () => {
    expect(toHostAt(1000, 1000, 100)).toBe(1150);
    expect(toHostAt(1080, 1000, 100)).toBe(1150);
    expect(toHostAt(1300, 1000, 100)).toBe(1350);
  });

  it("host bytes take half a round trip", () => {
    expect(toClientAt(1200, 100)).toBe(1250);
  });
});

describe("the relay", () => {
  let server: Server | undefined;
  let relay: DelayRelay | undefined;
  afterEach(async () => {
    await relay?.close();
    server?.close();
  });

  it("passes bytes both ways unchanged and in order, and each side's end", async () => {
    // A host that greets, then answers each chunk reversed, and ends when the client ends.
    server = createServer({ allowHalfOpen: true }, (s) => {
      s.write("SSH-2.0-fake\r\n");
      let got = Buffer.alloc(0);
      s.on("data", (d: Buffer) => (got = Buffer.concat([got, d])));
      s.on("end", () => s.end(Buffer.from([...got].reverse())));
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    relay = await DelayRelay.start([{ name: "h1", host: "127.0.0.1", port }], 5);
    const e = relay.endpoint("h1");
    const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => i % 251));
    const received = await new Promise<Buffer>((resolve, reject) => {
      const c = connect({ host: e.host, port: e.port, allowHalfOpen: true });
      let all = Buffer.alloc(0);
      c.on("data", (d: Buffer) => (all = Buffer.concat([all, d])));
      c.on("end", () => resolve(all));
      c.on("error", reject);
      for (let i = 0; i < payload.length; i += 7000) c.write(payload.subarray(i, i + 7000));
      c.end();
    });
    expect(received.subarray(0, 14).toString()).toBe("SSH-2.0-fake\r\n");
    expect(received.subarray(14).equals(Buffer.from([...payload].reverse()))).toBe(true);
  });

  it("a host that refuses the connection closes the client's", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    relay = await DelayRelay.start([{ name: "h1", host: "127.0.0.1", port }], 1);
    const e = relay.endpoint("h1");
    await new Promise<void>((resolve) => {
      const c = connect(e);
      c.on("error", () => undefined);
      c.on("close", () => resolve());
    });
    expect(() => relay?.endpoint("h2")).toThrow("no relay for h2");
  });
});

describe("the tools' view of a relayed lab", () => {
  const lab = new Lab(benchTopology(2));
  const endpoints = new Map([
    ["bench01", { host: "127.0.0.1", port: 40001 }],
    ["bench02", { host: "127.0.0.1", port: 40002 }],
  ]);

  it("known_hosts: each host's keys under the name its endpoint is looked up by", () => {
    const lab = "bench01,10.79.0.10,10.80.0.10 ssh-ed25519 AAAA1\nbench01,10.79.0.10,10.80.0.10 ssh-rsa BBBB1\nbench02,10.79.0.11,10.80.0.11 ssh-ed25519 AAAA2\nother,10.1.1.1 ssh-ed25519 CCCC\n";
    expect(relayKnownHosts(lab, endpoints)).toBe("[127.0.0.1]:40001 ssh-ed25519 AAAA1\n[127.0.0.1]:40001 ssh-rsa BBBB1\n[127.0.0.1]:40002 ssh-ed25519 AAAA2\n");
  });

  it("inventory: every host at its endpoint, the rest as the lab's", () => {
    const inv = parse(relayInventory(lab, endpoints)) as { all: { hosts: Record<string, unknown>; vars: Record<string, unknown> } };
    expect(inv.all.hosts).toEqual({ bench01: { ansible_host: "127.0.0.1", ansible_port: 40001 }, bench02: { ansible_host: "127.0.0.1", ansible_port: 40002 } });
    expect(inv.all.vars).toEqual({ ansible_user: "deploy", ansible_ssh_private_key_file: lab.keyFile });
    expect(() => relayInventory(lab, new Map())).toThrow("no relay endpoint for bench01");
  });
});
