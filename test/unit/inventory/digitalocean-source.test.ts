import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DynamicInventoryError, InventoryShapeError, loadInventoryFile, type DynamicSourceOptions } from "../../../src/inventory/index.js";
import { startFakeDigitalOcean, type DropletSeed, type FakeDigitalOcean } from "../../fake-do/index.js";
import { TOKEN, fleet } from "../../fake-do/test-helpers.js";
import { expectRequestsMatchSpec } from "../digitalocean/spec-requests.js";
import { tempTree } from "./helpers.js";

let fake: FakeDigitalOcean | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

// The lab's shape: three database nodes, two load balancers, two web nodes, a spare; db3 is off.
const LAB: DropletSeed[] = [
  { name: "db1", tags: ["database"], size: "s-2vcpu-4gb", privateIpv4: "10.77.0.11", publicIpv4: "10.78.0.11" },
  { name: "db2", tags: ["database"], size: "s-2vcpu-4gb", privateIpv4: "10.77.0.12", publicIpv4: "10.78.0.12" },
  { name: "db3", tags: ["database"], size: "s-2vcpu-4gb", privateIpv4: "10.77.0.13", publicIpv4: "10.78.0.13", status: "off" },
  { name: "lb1", tags: ["database-loadbalancer"], privateIpv4: "10.77.0.21", publicIpv4: "10.78.0.21" },
  { name: "web1", tags: ["wp-wp-app", "env:prod"], region: "ams3", privateIpv4: "10.77.0.31", publicIpv4: "10.78.0.31" },
  { name: "web2", tags: ["wp-wp-app", "env:prod"], region: "ams3", privateIpv4: "10.77.0.32", publicIpv4: "10.78.0.32", image: { distribution: "Ubuntu", slug: "ubuntu-24-04-x64", name: "24.04 x64" } },
  { name: "spare1", tags: ["spare", "wp-wp-app"], privateIpv4: "10.77.0.41" },
];

async function setup(config: string, droplets: readonly DropletSeed[] = LAB) {
  fake = await startFakeDigitalOcean({ token: TOKEN, droplets });
  const dir = await tempTree({ "inventory/digitalocean.yml": config, "cache/": "" });
  const path = join(dir, "inventory/digitalocean.yml");
  const sleeps: number[] = [];
  const options: DynamicSourceOptions = {
    env: { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: fake.url },
    cacheDir: join(dir, "cache"),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  return { fake, dir, path, options, sleeps };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error("expected a rejection");
}

const groupsOf = (f: { groups: { name: string; hosts: string[] }[] }) => Object.fromEntries(f.groups.map((g) => [g.name, g.hosts]));

describe("plugin: digitalocean", () => {
  it("turns droplets of the tags into hosts, tags into groups, and adds keyed groups and do_* vars", async () => {
    const { fake, path, options } = await setup(
      [
        "plugin: digitalocean",
        "tags: [database, wp-wp-app]",
        "host_address: private",
        "keyed_groups: [region, size, { key: distribution, prefix: os }, { key: vpc, prefix: '' }]",
      ].join("\n"),
    );
    const f = await loadInventoryFile(path, options);
    expect(f.hosts.map((h) => h.name)).toEqual(["db1", "db2", "web1", "web2", "spare1"]);
    expect(groupsOf(f)).toEqual({
      database: ["db1", "db2"],
      region_nyc3: ["db1", "db2", "spare1"],
      size_s_2vcpu_4gb: ["db1", "db2"],
      os_debian: ["db1", "db2", "web1", "spare1"],
      "_5a4981aa_9653_4bd1_bef5_d6bff52042e4": ["db1", "db2", "web1", "web2", "spare1"],
      wp_wp_app: ["web1", "web2", "spare1"],
      env_prod: ["web1", "web2"],
      region_ams3: ["web1", "web2"],
      size_s_1vcpu_1gb: ["web1", "web2", "spare1"],
      os_ubuntu: ["web2"],
      spare: ["spare1"],
    });
    const web2 = f.hosts.find((h) => h.name === "web2");
    const id = await fetchId(fake, "web2");
    expect(Object.fromEntries(Object.entries(web2?.vars ?? {}).map(([k, v]) => [k, v.value]))).toEqual({
      ansible_host: "10.77.0.32",
      do_id: id,
      do_name: "web2",
      do_status: "active",
      do_region: "ams3",
      do_size: "s-1vcpu-1gb",
      do_tags: ["wp-wp-app", "env:prod"],
      do_private_ipv4: "10.77.0.32",
      do_public_ipv4: "10.78.0.32",
      do_vpc_uuid: "5a4981aa-9653-4bd1-bef5-d6bff52042e4",
      do_image: "ubuntu-24-04-x64",
      do_distribution: "Ubuntu",
    });
    expect(web2?.vars["do_region"]?.provenance).toEqual({ file: `${path}: droplet ${id}` });
    expect(f.varsDir).toBe(join(path, ".."));
    expect(f.warnings).toEqual([]);
    // One stream per tag, each filtered by the API.
    expect(fake.requests.filter((r) => r.query["tag_name"] !== undefined).map((r) => r.query["tag_name"])).toEqual(["database", "wp-wp-app"]);
    expectRequestsMatchSpec(fake.requests);
  });

  it("uses public addresses by default, and names the droplet that has none", async () => {
    const { path, options } = await setup("plugin: digitalocean\ntags: [database, spare]\n");
    const err = await failure(loadInventoryFile(path, options));
    expect(err.message).toBe(
      `${path}: host_address: droplet spare1 (id 4100000007) has no public IPv4 address; give it one, use host_address: private, or leave it out of the tags this inventory reads`,
    );
    const { path: p2, options: o2 } = await setup("plugin: digitalocean\ntags: [database]\n");
    const f = await loadInventoryFile(p2, o2);
    expect(f.hosts.map((h) => [h.name, h.vars["ansible_host"]?.value])).toEqual([
      ["db1", "10.78.0.11"],
      ["db2", "10.78.0.12"],
    ]);
  });

  it("reads every droplet of the account without tags, and only active ones unless told", async () => {
    const { fake, path, options } = await setup("plugin: digitalocean\nhost_address: private\n");
    expect((await loadInventoryFile(path, options)).hosts.map((h) => h.name)).toEqual(["db1", "db2", "lb1", "web1", "web2", "spare1"]);
    expect(fake.requests.map((r) => r.query)).toEqual([{ per_page: "200" }]);
    const { path: p2, options: o2 } = await setup("plugin: digitalocean\nhost_address: private\nstatuses: [active, 'off']\n");
    expect((await loadInventoryFile(p2, o2)).hosts.map((h) => h.name)).toContain("db3");
  });

  it("keeps only the droplets of the listed regions, and says so when a tag has none there", async () => {
    const { path, options } = await setup("plugin: digitalocean\nhost_address: private\ntags: [database, wp-wp-app]\nregions: [ams3]\n");
    const f = await loadInventoryFile(path, options);
    expect(f.hosts.map((h) => h.name)).toEqual(["web1", "web2"]);
    expect(f.warnings.map((w) => w.message)).toEqual(["tag 'database' has 3 droplets, none with status active in region ams3"]);
    const { path: bad, options: o2 } = await setup("plugin: digitalocean\nregions: [NYC-3]\n");
    expect((await failure(loadInventoryFile(bad, o2))).message).toContain("a DigitalOcean region slug such as nyc3 or ams3");
  });

  it("warns about a tag with no droplets, or none active, at the tag's line", async () => {
    const seeds: DropletSeed[] = [...LAB, { name: "old1", tags: ["retired"], privateIpv4: "10.77.0.99", status: "off" }];
    const { path, options } = await setup("plugin: digitalocean\ntags:\n  - database\n  - no-such-tag\n  - retired\n", seeds);
    const f = await loadInventoryFile(path, options);
    expect(f.warnings).toEqual([
      { message: "tag 'no-such-tag' has no droplets", location: { file: path, line: 4, column: 5 } },
      { message: "tag 'retired' has 1 droplet, none with status active", location: { file: path, line: 5, column: 5 } },
    ]);
  });

  it("reads more than 200 droplets page by page, and rides out a 429 storm", async () => {
    const { fake, path, options, sleeps } = await setup("plugin: digitalocean\ntags: [web]\n", fleet(450, (i) => (i % 2 === 0 ? ["web"] : [])));
    fake.setRateLimitStorm({ requests: 3, retryAfterSeconds: 2 });
    const f = await loadInventoryFile(path, options);
    expect(f.hosts).toHaveLength(225);
    expect(sleeps).toEqual([2000, 2000, 2000]);
    expect(fake.requests.map((r) => [r.status, r.query["page"] ?? "1"])).toEqual([
      [429, "1"],
      [429, "1"],
      [429, "1"],
      [200, "1"],
      [200, "2"],
    ]);
  });

  it("caches the API's answers for cache_ttl seconds in a 0600 file without the token; --refresh-inventory asks again", async () => {
    const { fake, dir, path, options } = await setup("plugin: digitalocean\ntags: [database]\ncache_ttl: 300\n");
    let now = 1_000_000_000_000;
    const at = { ...options, now: () => now };
    await loadInventoryFile(path, at);
    expect(fake.requests).toHaveLength(1);
    const [file] = await readdir(join(dir, "cache"));
    const cached = join(dir, "cache", file ?? "");
    expect((await stat(cached)).mode & 0o777).toBe(0o600);
    expect(await readFile(cached, "utf8")).not.toContain(TOKEN);

    now += 299_000;
    expect((await loadInventoryFile(path, at)).hosts.map((h) => h.name)).toEqual(["db1", "db2"]);
    expect(fake.requests).toHaveLength(1);
    await loadInventoryFile(path, { ...at, refresh: true });
    expect(fake.requests).toHaveLength(2);
    now += 301_000;
    await loadInventoryFile(path, at);
    expect(fake.requests).toHaveLength(3);
    // Another token is another account: never served from this one's cache.
    await loadInventoryFile(path, { ...at, env: { ...at.env, DIGITALOCEAN_TOKEN: "other" } }).catch(() => undefined);
    expect(fake.requests).toHaveLength(4);
  });

  it("says a refused token in one line that starts with the inventory file", async () => {
    const { path, options } = await setup("plugin: digitalocean\ntags: [database]\n");
    const err = await failure(loadInventoryFile(path, { ...options, env: { ...options.env, DIGITALOCEAN_TOKEN: "expired" } }));
    expect(err).toBeInstanceOf(DynamicInventoryError);
    expect(err.message).toMatch(
      new RegExp(`^${path}: DigitalOcean API 401 unauthorized: Unable to authenticate you\\. \\(GET http://127\\.0\\.0\\.1:\\d+/v2/droplets\\?per_page=200&tag_name=database, request_id [0-9a-f-]+\\); the token from DIGITALOCEAN_TOKEN was refused: check that it is current and not revoked$`),
    );
  });

  it("retries an API that is down, then fails before anything else happens", async () => {
    const { fake, path, options, sleeps } = await setup("plugin: digitalocean\ntags: [database, spare]\nretries: 2\n");
    await fake.close();
    const err = await failure(loadInventoryFile(path, options));
    expect(err).toBeInstanceOf(DynamicInventoryError);
    expect(err.message).toContain("DigitalOcean API unreachable: GET");
    expect(err.message).toContain("tag_name=database failed 3 times (last: connect ECONNREFUSED");
    // The first stream's failure ends the load: no second round of retries for `spare`.
    expect(sleeps).toHaveLength(2);
  });

  it("rejects bad settings at their line, and a token written into the file", async () => {
    const cases: Array<[string, string]> = [
      ["plugin: digitalocean\ntoken: dop_v1_abc\n", ":2:1: token: the API token does not belong in the inventory file"],
      ["plugin: digitalocean\nhost_address: vpc\n", ':2:15: host_address: Invalid option: expected one of "private"|"public"'],
      ["plugin: digitalocean\ntags: [ok, 'not ok']\n", ":2:12: tags.1: a DigitalOcean tag name"],
      ["plugin: digitalocean\nkeyed_groups: [zone]\n", ":2:16: keyed_groups.0: Invalid input"],
      ["plugin: digitalocean\napi_url: ftp://x\n", ':2:1: api_url: must be an http or https URL, found "ftp://x"'],
      ["plugin: digitalocean\ncache_ttl: -1\n", ":2:12: cache_ttl: Too small"],
    ];
    for (const [config, expected] of cases) {
      const { path, options } = await setup(config);
      const err = await failure(loadInventoryFile(path, options));
      expect(err, config).toBeInstanceOf(InventoryShapeError);
      expect(err.message, config).toContain(`${path}${expected}`);
      await fake?.close();
      fake = undefined;
    }
  });

  it("reads the token from token_file, refusing one others can read", async () => {
    const { path, dir, options } = await setup("plugin: digitalocean\ntags: [spare]\nhost_address: private\ntoken_file: ../secret/do-token\n");
    const { mkdir, writeFile, chmod } = await import("node:fs/promises");
    await mkdir(join(dir, "secret"));
    await writeFile(join(dir, "secret/do-token"), `${TOKEN}\n`, { mode: 0o600 });
    const env = { DIGITALOCEAN_API_URL: options.env?.["DIGITALOCEAN_API_URL"] };
    // The run is told the token it read, to mask it in its output.
    const told: string[] = [];
    expect((await loadInventoryFile(path, { ...options, env, onSecret: (v) => told.push(v) })).hosts.map((h) => h.name)).toEqual(["spare1"]);
    expect(told).toEqual([TOKEN]);
    await chmod(join(dir, "secret/do-token"), 0o644);
    const err = await failure(loadInventoryFile(path, { ...options, env }));
    expect(err.message).toContain("is accessible by group or others (mode 0644); refusing to use it");
  });
});

async function fetchId(f: FakeDigitalOcean, name: string): Promise<number> {
  const res = await fetch(`${f.url}/v2/droplets?name=${name}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { droplets: { id: number }[] };
  return body.droplets[0]?.id ?? 0;
}
