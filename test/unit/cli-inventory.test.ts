import { type RunResult, run as exec } from "../lab/exec.js";
import { mkdtemp, rm, writeFile, mkdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inventoryCommand } from "../../src/cli/inventory-command.js";
import { ConfigError } from "../../src/runner/errors.js";
import { startFakeDigitalOcean, type DropletSeed, type FakeDigitalOcean } from "../fake-do/index.js";
import { TOKEN } from "../fake-do/test-helpers.js";
import { ENTRY } from "../cli-entry.js";

// `do-converge inventory` against the fake DigitalOcean API: in process for the views, and as a
// real process for what an operator sees when the API refuses the token or is down.

const repo = new URL("../..", import.meta.url).pathname;

const DROPLETS: DropletSeed[] = [
  { name: "db1", tags: ["database"], size: "s-2vcpu-4gb", privateIpv4: "10.77.0.11", publicIpv4: "10.78.0.11" },
  { name: "db2", tags: ["database"], size: "s-2vcpu-4gb", privateIpv4: "10.77.0.12", publicIpv4: "10.78.0.12" },
  { name: "lb1", tags: ["database-loadbalancer"], privateIpv4: "10.77.0.21", publicIpv4: "10.78.0.21" },
  { name: "web1", tags: ["wp-wp-app"], privateIpv4: "10.77.0.31", publicIpv4: "10.78.0.31" },
  { name: "web2", tags: ["wp-wp-app"], privateIpv4: "10.77.0.32", publicIpv4: "10.78.0.32" },
  { name: "spare1", tags: ["spare"], privateIpv4: "10.77.0.41" },
];

let fake: FakeDigitalOcean;
let dir: string;
const files: Record<string, string> = {
  "inventory/digitalocean.yml": [
    "plugin: digitalocean",
    "tags: [database, database-loadbalancer, wp-wp-app, retired]",
    "host_address: private",
    "keyed_groups: [region]",
  ].join("\n"),
  "inventory/group_vars/all.yml": "ansible_user: deploy\nntp_server: ntp.internal\n",
  "inventory/group_vars/database.yml": "galera_cluster_name: wp\n",
  "inventory/host_vars/db1.yml": "galera_primary: true\n",
  // A second source: a static host outside DigitalOcean, and vars for a DigitalOcean group.
  "inventory/static.yml": "all:\n  children:\n    monitoring:\n      hosts:\n        grafana: { ansible_host: 10.9.0.5 }\n    wp_wp_app:\n      vars: { php_version: '8.2' }\n",
};

beforeAll(async () => {
  fake = await startFakeDigitalOcean({ token: TOKEN, droplets: DROPLETS });
  dir = await mkdtemp(join(tmpdir(), "dcv-inventory-cli-"));
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => fake.clearRequests());

const env = () => ({ DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: fake.url });
const inv = (name: string) => join(dir, "inventory", name);
const run = (o: Parameters<typeof inventoryCommand>[1]) => inventoryCommand(undefined, o, { env: env(), cacheDir: join(dir, "cache") });

describe("do-converge inventory", () => {
  it("--list returns every droplet with its groups and variables, as ansible-inventory's JSON", async () => {
    const { output, warnings } = await run({ inventory: [inv("digitalocean.yml")], list: true });
    const list = JSON.parse(output) as Record<string, unknown> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    expect(Object.keys(list._meta.hostvars)).toEqual(["db1", "db2", "lb1", "web1", "web2"]);
    expect(list["all"]).toEqual({ children: ["ungrouped", "database", "region_nyc3", "database_loadbalancer", "wp_wp_app"] });
    expect(list["database"]).toEqual({ hosts: ["db1", "db2"] });
    expect(list["wp_wp_app"]).toEqual({ hosts: ["web1", "web2"] });
    expect(list["region_nyc3"]).toEqual({ hosts: ["db1", "db2", "lb1", "web1", "web2"] });
    expect(list._meta.hostvars["db1"]).toMatchObject({
      ansible_host: "10.77.0.11",
      ansible_user: "deploy",
      galera_cluster_name: "wp",
      galera_primary: true,
      do_name: "db1",
      do_tags: ["database"],
      do_private_ipv4: "10.77.0.11",
    });
    expect(warnings).toEqual([`${inv("digitalocean.yml")}:2:52: tag 'retired' has no droplets`]);
  });

  it("--graph draws the groups of several sources merged", async () => {
    const { output } = await run({ inventory: [inv("digitalocean.yml"), inv("static.yml")], graph: true });
    expect(output).toBe(
      [
        // static.yml names all's children itself, so its groups come first.
        "@all:",
        "  |--@ungrouped:",
        "  |--@monitoring:",
        "  |  |--grafana",
        "  |--@wp_wp_app:",
        "  |  |--web1",
        "  |  |--web2",
        "  |--@database:",
        "  |  |--db1",
        "  |  |--db2",
        "  |--@region_nyc3:",
        "  |  |--db1",
        "  |  |--db2",
        "  |  |--lb1",
        "  |  |--web1",
        "  |  |--web2",
        "  |--@database_loadbalancer:",
        "  |  |--lb1",
        "",
      ].join("\n"),
    );
    expect((await run({ inventory: [inv("digitalocean.yml")], graph: "database" })).output).toBe("@database:\n  |--db1\n  |--db2\n");
  });

  it("--host shows each variable with its layer and the file or droplet it came from", async () => {
    const { output } = await run({ inventory: [inv("digitalocean.yml"), inv("static.yml")], host: "web1", extraVars: ["ntp_server=10.0.0.1"] });
    const lines = output.trimEnd().split("\n");
    expect(lines[0]).toBe("# web1: 15 variables, each with the precedence layer and the place that set it");
    const id = JSON.parse(lines.find((l) => l.startsWith("do_id:"))?.split(/\s+/)[1] ?? "0") as number;
    const by = (name: string) => lines.find((l) => l.startsWith(`${name}:`))?.replace(/ {2,}/, "  ");
    expect(by("ansible_host")).toBe(`ansible_host: "10.77.0.31"  # inventory host: ${inv("digitalocean.yml")}: droplet ${id}`);
    expect(by("ansible_user")).toBe(`ansible_user: "deploy"  # group_vars/all: ${inv("group_vars/all.yml")}:1`);
    expect(by("php_version")).toBe(`php_version: "8.2"  # inventory groups: ${inv("static.yml")}:7`);
    expect(by("ntp_server")).toBe(`ntp_server: "10.0.0.1"  # extra vars: --extra-vars`);
    expect(by("do_tags")).toBe(`do_tags: ["wp-wp-app"]  # inventory host: ${inv("digitalocean.yml")}: droplet ${id}`);
  });

  it("--host and --list leave out inventory_file / inventory_dir, as ansible-inventory does, which a value still reads: the DigitalOcean plugin configuration", async () => {
    const { output } = await run({ inventory: [inv("digitalocean.yml"), inv("static.yml")], host: "web1", extraVars: ["where={{ inventory_file | basename }} in={{ inventory_dir == '" + join(dir, "inventory") + "' }}"] });
    expect(output).not.toMatch(/^inventory_(file|dir):/m);
    expect(output).toMatch(/^where: "digitalocean.yml" +# extra vars: --extra-vars  = "\{\{ inventory_file \| basename \}\}"$/m);
    expect(output).toMatch(/^in: true +# extra vars/m);
    const list = JSON.parse((await run({ inventory: [inv("digitalocean.yml")], list: true })).output) as { _meta: { hostvars: Record<string, Record<string, unknown>> } };
    for (const vars of Object.values(list._meta.hostvars)) expect(Object.keys(vars).filter((k) => k.startsWith("inventory_"))).toEqual([]);
  });

  it("asks for exactly one view, and a known group", async () => {
    await expect(run({ inventory: [inv("static.yml")] })).rejects.toThrow(ConfigError);
    await expect(run({ inventory: [inv("static.yml")], list: true, host: "grafana" })).rejects.toThrow("choose exactly one of --list, --graph [GROUP], --host NAME");
    await expect(run({ inventory: [inv("static.yml")], graph: "nope" })).rejects.toThrow("inventory --graph: no group named 'nope'");
    await expect(run({ inventory: [inv("static.yml")], host: "nope" })).rejects.toThrow("no host named 'nope' in the inventory");
  });
});

function cli(args: string[], extraEnv: Record<string, string>): Promise<RunResult> {
  return exec(process.execPath, [...ENTRY.node, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: join(dir, "xdg"), ...extraEnv },
    allowFailure: true,
  });
}

/** A port nobody listens on (and not one of fetch's blocked ports, such as 9). */
async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === "object" && address !== null ? address.port : 0;
}

describe("do-converge inventory as a process", { timeout: 30_000 }, () => {
  it("prints the --list JSON on stdout and warnings on stderr", async () => {
    const r = await cli(["inventory", "--list", "-i", inv("digitalocean.yml")], env());
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys((JSON.parse(r.stdout) as { _meta: { hostvars: object } })._meta.hostvars)).toHaveLength(5);
    expect(r.stderr).toBe(`[WARNING]: ${inv("digitalocean.yml")}:2:52: tag 'retired' has no droplets\n`);
  });

  it("says a refused token in one line on stderr, exit 1, no stack trace", async () => {
    const r = await cli(["inventory", "--list", "-i", inv("digitalocean.yml")], { ...env(), DIGITALOCEAN_TOKEN: "revoked" });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr.split("\n")).toHaveLength(2);
    expect(r.stderr).toMatch(/^ERROR: \S+digitalocean\.yml: DigitalOcean API 401 unauthorized: Unable to authenticate you\. \(GET .*request_id [0-9a-f-]+\); the token from DIGITALOCEAN_TOKEN was refused/);
  });

  it("fails a converge before any host is touched when the API is down, after retries", async () => {
    await writeFile(join(dir, "down.yml"), "plugin: digitalocean\ntags: [database]\nretries: 1\ntimeout: 2\n");
    await writeFile(
      join(dir, "site.ts"),
      `import { site, play, role } from ${JSON.stringify(join(repo, "src/index.ts"))};\n` +
        `const r = role({ name: "r", async tasks(h) { await h.command({ argv: ["true"] }); } });\n` +
        `export default site({ plays: [play({ name: "p", hosts: "database", roles: [r] })] });\n`,
    );
    const port = await closedPort();
    const r = await cli(["site.ts", "--no-typecheck", "-i", "down.yml"], { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(new RegExp(`down\\.yml: DigitalOcean API: connect ECONNREFUSED 127\\.0\\.0\\.1:${port}; retrying in \\d\\.\\d s$`));
    expect(lines[1]).toBe(
      `ERROR: ${join(dir, "down.yml")}: DigitalOcean API unreachable: GET http://127.0.0.1:${port}/v2/droplets?per_page=200&tag_name=database failed 2 times (last: connect ECONNREFUSED 127.0.0.1:${port})`,
    );
    expect(lines).toHaveLength(2);
  });

  it("converges the hosts a DigitalOcean inventory finds (local connection), warnings in the report", async () => {
    await mkdir(join(dir, "local/group_vars"), { recursive: true });
    await writeFile(join(dir, "local/do.yml"), "plugin: digitalocean\ntags: [database, retired]\nhost_address: private\n");
    await writeFile(join(dir, "local/group_vars/all.yml"), "ansible_connection: local\n");
    const out = join(dir, "local/out");
    await writeFile(
      join(dir, "local/site.ts"),
      `import { site, play, role } from ${JSON.stringify(join(repo, "src/index.ts"))};\n` +
        `const r = role({ name: "r", async tasks(h) { await h.copy({ dest: ${JSON.stringify(out)} + "/" + h.name, content: String(h.vars.do_private_ipv4) + "\\n" }); } });\n` +
        `export default site({ inventory: ["do.yml"], plays: [play({ name: "p", hosts: "database", roles: [r] })] });\n`,
    );
    await mkdir(out, { recursive: true });
    const r = await cli([join(dir, "local/site.ts"), "--no-typecheck"], env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`[WARNING]: ${join(dir, "local/do.yml")}:2:18: tag 'retired' has no droplets`);
    expect(await readFile(join(out, "db1"), "utf8")).toBe("10.77.0.11\n");
    expect(await readFile(join(out, "db2"), "utf8")).toBe("10.77.0.12\n");
  });

  it("shares the cache between runs, and --refresh-inventory asks the API again", async () => {
    await writeFile(join(dir, "cached.yml"), "plugin: digitalocean\ntags: [spare]\nhost_address: private\ncache_ttl: 600\n");
    const args = ["inventory", "--graph", "-i", join(dir, "cached.yml")];
    expect((await cli(args, env())).stdout).toBe("@all:\n  |--@ungrouped:\n  |--@spare:\n  |  |--spare1\n");
    expect((await cli(args, env())).code).toBe(0);
    expect(fake.requests).toHaveLength(1);
    expect((await cli([...args, "--refresh-inventory"], env())).code).toBe(0);
    expect(fake.requests).toHaveLength(2);
    const cacheDir = join(dir, "xdg/do-converge/inventory");
    const { readdir } = await import("node:fs/promises");
    const [file] = await readdir(cacheDir);
    expect(await readFile(join(cacheDir, file ?? ""), "utf8")).toContain('"name":"spare1"');
  });
});

describe("inventory/digitalocean.yml, the reference site's inventory", () => {
  it("lists every lab droplet of the reference tags with the right groups and variables", async () => {
    const { DEFAULT_TOPOLOGY_FILE, loadTopology } = await import("../lab/topology.js");
    const { dropletsFromTopology } = await import("../fake-do/index.js");
    const topology = loadTopology(DEFAULT_TOPOLOGY_FILE);
    const lab = await startFakeDigitalOcean({ token: TOKEN, droplets: dropletsFromTopology(topology) });
    try {
      const { output, warnings } = await inventoryCommand(undefined, { inventory: [join(repo, "inventory/digitalocean.yml")], list: true }, { env: { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: lab.url } });
      expect(warnings).toEqual([]);
      const list = JSON.parse(output) as Record<string, { hosts?: string[] }> & { _meta: { hostvars: Record<string, Record<string, unknown>> } };
      const reference = topology.hosts.filter((h) => !h.tags.includes("spare"));
      expect(Object.keys(list._meta.hostvars)).toEqual(reference.map((h) => h.name));
      for (const tag of ["database", "database-loadbalancer", "wp-wp-app"]) {
        expect(list[tag.replace(/-/g, "_")]?.hosts).toEqual(reference.filter((h) => h.tags.includes(tag)).map((h) => h.name));
      }
      for (const h of reference) {
        expect(list[`region_${h.region}`]?.hosts).toContain(h.name);
        expect(list[`size_${h.size.replace(/-/g, "_")}`]?.hosts).toContain(h.name);
        // The droplet's own variables, and the site's group_vars/ beside the inventory.
        expect(list._meta.hostvars[h.name]).toMatchObject({
          ansible_user: "root",
          ansible_host: h.privateIpv4,
          do_id: h.dropletId,
          do_name: h.name,
          do_status: "active",
          do_region: h.region,
          do_size: h.size,
          do_tags: h.tags,
          do_private_ipv4: h.privateIpv4,
          do_public_ipv4: h.publicIpv4,
          do_vpc_uuid: topology.vpcUuid,
          do_image: "debian-12-x64",
          do_distribution: "Debian",
        });
      }
      expect(list._meta.hostvars["lb1"]).toMatchObject({ haproxy_maxconn: 2048 });
      expect(list._meta.hostvars["db1"]).toMatchObject({ galera_cluster_name: "wordpress" });
    } finally {
      await lab.close();
    }
  });
});
