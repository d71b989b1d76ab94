import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { DROPLET_ID_HEADER, startFakeDigitalOcean, type DropletSeed, type FakeDigitalOcean } from "./index.js";
import type { MetadataCallerOptions } from "./metadata.js";
import { TOKEN, api } from "./test-helpers.js";

// The metadata service answers each droplet about itself. Tests call from 127.0.0.1, so the
// default (real) path is exercised by seeding a droplet whose private address is 127.0.0.1.

const LOCAL = 601;
const OTHER = 602;
const RESERVED = "203.0.113.60";

const LOCAL_SEED: DropletSeed = {
  id: LOCAL,
  name: "web1",
  tags: ["web", "env:prod"],
  region: "nyc3",
  privateIpv4: "127.0.0.1",
  publicIpv4: "198.51.100.20",
};
const OTHER_SEED: DropletSeed = { id: OTHER, name: "db1", tags: ["database"], region: "nyc3", privateIpv4: "10.3.0.2" };

let fake: FakeDigitalOcean | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(droplets: DropletSeed[], caller: MetadataCallerOptions = {}) {
  fake = await startFakeDigitalOcean({
    token: TOKEN,
    actionDelayMs: 0,
    droplets,
    reservedIps: [{ ip: RESERVED, region: "nyc3" }],
    metadata: { host: "127.0.0.1", port: 0, ...caller },
  });
  const base = fake.metadataUrl ?? "";
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers, redirect: "manual" });
    return { status: res.status, text: await res.text(), headers: res.headers };
  };
  return { fake, get };
}

const V1Json = z.object({
  droplet_id: z.number(),
  hostname: z.string(),
  region: z.string(),
  tags: z.array(z.string()),
  public_keys: z.array(z.string()),
  interfaces: z.object({
    private: z.array(z.object({ ipv4: z.object({ ip_address: z.string(), netmask: z.string() }), type: z.literal("private") })),
    public: z.array(z.object({ ipv4: z.object({ ip_address: z.string(), gateway: z.string() }), type: z.literal("public") })),
  }),
  reserved_ip: z.object({ ipv4: z.object({ active: z.boolean(), ip_address: z.string().optional() }) }),
  floating_ip: z.object({ ipv4: z.object({ active: z.boolean() }) }),
  dns: z.object({ nameservers: z.array(z.string()) }),
});

describe("metadata service", () => {
  it("knows the caller by its source address (a droplet seeded at 127.0.0.1)", async () => {
    const { get } = await start([LOCAL_SEED, OTHER_SEED]);
    expect(await get("/metadata/v1/id")).toMatchObject({ status: 200, text: String(LOCAL) });
    expect((await get("/metadata/v1/hostname")).text).toBe("web1");
    expect((await get("/metadata/v1/region")).text).toBe("nyc3");
    expect((await get("/metadata/v1/interfaces/private/0/ipv4/address")).text).toBe("127.0.0.1");
    expect((await get("/metadata/v1/interfaces/public/0/ipv4/address")).text).toBe("198.51.100.20");
    expect((await get("/metadata/v1/tags")).text).toBe("web\nenv:prod");
    expect((await get("/metadata/v1/reserved_ip/ipv4/active")).text).toBe("false");
  });

  it("needs no token and answers text/plain", async () => {
    const { get } = await start([LOCAL_SEED]);
    const res = await get("/metadata/v1/id");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("answers 404 to a caller that is no droplet", async () => {
    const { get } = await start([OTHER_SEED]);
    expect((await get("/metadata/v1/id")).status).toBe(404);
    expect((await get("/metadata/v1.json")).status).toBe(404);
  });

  it("ignores X-Fake-Droplet-Id unless the option trusts it", async () => {
    const { get } = await start([LOCAL_SEED, OTHER_SEED]);
    expect((await get("/metadata/v1/id", { [DROPLET_ID_HEADER]: String(OTHER) })).text).toBe(String(LOCAL));
  });

  it("lets a trusted X-Fake-Droplet-Id header name the caller", async () => {
    const { get } = await start([LOCAL_SEED, OTHER_SEED], { trustDropletIdHeader: true });
    expect((await get("/metadata/v1/id", { [DROPLET_ID_HEADER]: String(OTHER) })).text).toBe(String(OTHER));
    expect((await get("/metadata/v1/hostname", { [DROPLET_ID_HEADER]: String(OTHER) })).text).toBe("db1");
    // A droplet without a public interface has none in its metadata.
    expect((await get("/metadata/v1/interfaces/public/0/ipv4/address", { [DROPLET_ID_HEADER]: String(OTHER) })).status).toBe(404);
  });

  it("lets identifyCaller replace the address match", async () => {
    const seen: string[] = [];
    const { get } = await start([LOCAL_SEED, OTHER_SEED], {
      identifyCaller: (remote) => {
        seen.push(remote);
        return OTHER;
      },
    });
    expect((await get("/metadata/v1/id")).text).toBe(String(OTHER));
    expect(seen).toEqual(["127.0.0.1"]);
  });

  it("reports the reserved IP once an assign action completes", async () => {
    const { fake, get } = await start([LOCAL_SEED, OTHER_SEED]);
    const res = await api(fake)("POST", `/v2/reserved_ips/${RESERVED}/actions`, { body: { type: "assign", droplet_id: LOCAL } });
    expect(res.status).toBe(201);
    await fake.idle();
    expect((await get("/metadata/v1/reserved_ip/ipv4/active")).text).toBe("true");
    expect((await get("/metadata/v1/reserved_ip/ipv4/ip_address")).text).toBe(RESERVED);
    expect((await get("/metadata/v1/floating_ip/ipv4/active")).text).toBe("true");
    const json = V1Json.parse(JSON.parse((await get("/metadata/v1.json")).text));
    expect(json.reserved_ip.ipv4).toEqual({ active: true, ip_address: RESERVED });
  });

  it("serves the whole document as /metadata/v1.json", async () => {
    const { get } = await start([LOCAL_SEED]);
    const res = await get("/metadata/v1.json");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const json = V1Json.parse(JSON.parse(res.text));
    expect(json).toMatchObject({ droplet_id: LOCAL, hostname: "web1", region: "nyc3", tags: ["web", "env:prod"] });
    expect(json.interfaces.private[0]?.ipv4.ip_address).toBe("127.0.0.1");
    expect(json.interfaces.public[0]?.ipv4).toMatchObject({ ip_address: "198.51.100.20", gateway: "198.51.100.1" });
    expect(json.reserved_ip.ipv4.active).toBe(false);
  });

  it("lists indexes with trailing slashes and redirects an index asked for without one", async () => {
    const { get } = await start([LOCAL_SEED]);
    const index = (await get("/metadata/v1/")).text.split("\n");
    expect(index).toEqual(expect.arrayContaining(["id", "hostname", "region", "interfaces/", "reserved_ip/", "tags/"]));
    expect((await get("/metadata/v1/interfaces/private/0/ipv4/")).text.split("\n")).toEqual(["address", "netmask", "gateway"]);
    const moved = await get("/metadata/v1/interfaces");
    expect(moved.status).toBe(301);
    expect(moved.headers.get("location")).toBe("/metadata/v1/interfaces/");
    expect((await get("/metadata/v1")).status).toBe(301);
    expect((await get("/metadata/v1/no-such-key")).status).toBe(404);
  });

  it("logs metadata requests beside API requests", async () => {
    const { fake, get } = await start([LOCAL_SEED]);
    await get("/metadata/v1/id");
    expect(fake.requests.at(-1)).toMatchObject({ service: "metadata", path: "/metadata/v1/id", status: 200, remoteAddress: "127.0.0.1" });
  });
});
