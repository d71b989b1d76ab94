import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { initCommand, type InitCommandOptions } from "../../../src/cli/init-command.js";
import type { InitIo } from "../../../src/init/ask.js";
import { InitError } from "../../../src/init/errors.js";
import { parseRegions } from "../../../src/init/regions.js";
import { inventoryList, inventorySource, loadInventory } from "../../../src/inventory/index.js";
import { isEncrypted } from "../../../src/secrets/envelope.js";
import { SecretsKeyring } from "../../../src/secrets/keyring.js";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "../../fake-do/index.js";
import { expectRequestsMatchSpec } from "../digitalocean/spec-requests.js";
import { FLEET, PASSWORD, SITE, TOKEN, filesUnder, modeOf, secretFile, tempDir } from "./helpers.js";

let fake: FakeDigitalOcean | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** No terminal: every answer comes from flags or defaults; what init says is kept for asserting. */
function scripted(): InitIo & { said: string[] } {
  const said: string[] = [];
  const refuse = (_q: string, flag: string): Promise<string> => Promise.reject(new Error(`asked on a terminal; expected ${flag}`));
  return { interactive: false, line: refuse, secret: refuse, say: (t) => said.push(t), said };
}

async function setup(token = TOKEN) {
  fake = await startFakeDigitalOcean({ token, droplets: FLEET });
  const root = tempDir();
  const site = join(root, "site");
  const secrets = join(root, "secrets");
  const opts: InitCommandOptions = {
    apiUrl: fake.url,
    tokenFile: secretFile(join(secrets, "token-in"), `${TOKEN}\n`),
    passwordFile: secretFile(join(secrets, "password"), `${PASSWORD}\n`),
    tokenPath: join(secrets, "do-token"),
    yes: true,
  };
  return { fake, root, site, secrets, opts };
}

async function rejection(p: Promise<unknown>): Promise<InitError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof InitError) return err;
    throw err;
  }
  throw new Error("expected init to fail");
}

describe("do-converge init, scripted with flags", () => {
  it("writes an inventory the loader reads, a 0600 token file and encrypted secrets, and never shows the token", async () => {
    const { fake, site, secrets, opts } = await setup();
    mkdirSync(site, { recursive: true });
    writeFileSync(join(site, "site.ts"), SITE);
    const io = scripted();
    const summary = await initCommand(site, { ...opts, region: ["nyc3"] }, io, {});

    const yml = join(site, "inventory/digitalocean.yml");
    const secretsYml = join(site, "inventory/group_vars/all/secrets.yml");
    const tokenPath = join(secrets, "do-token");
    expect(filesUnder(site)).toEqual(["inventory/digitalocean.yml", "inventory/group_vars/all/secrets.yml", "site.ts"]);
    expect(parse(readFileSync(yml, "utf8"))).toEqual({
      plugin: "digitalocean",
      tags: ["database", "database-loadbalancer", "wp-wp-app"],
      regions: ["nyc3"],
      host_address: "private",
      keyed_groups: ["region", "size"],
      token_file: tokenPath,
      api_url: fake.url,
    });
    expect(modeOf(tokenPath)).toBe(0o600);
    expect(readFileSync(tokenPath, "utf8")).toBe(`${TOKEN}\n`);
    expect(modeOf(secretsYml)).toBe(0o600);
    const sealed = readFileSync(secretsYml, "utf8");
    expect(isEncrypted(sealed)).toBe(true);
    expect(sealed).not.toContain(TOKEN);
    expect(readFileSync(yml, "utf8")).not.toContain(TOKEN);

    // The inventory loads as a converge loads it: token from token_file (no token in env), the
    // encrypted group_vars decrypted with the password, web9 (ams3) left out by regions.
    const keyring = new SecretsKeyring({ prompt: () => Promise.resolve(PASSWORD) });
    const inv = await loadInventory({ sources: [inventorySource(yml, { env: {} })], decrypt: { file: (t, f) => keyring.decrypt(t, f) } });
    const list = inventoryList(inv) as { _meta: { hostvars: Record<string, Record<string, unknown>> } } & Record<string, { hosts?: string[] }>;
    expect(Object.keys(list._meta.hostvars).sort()).toEqual(["db1", "db2", "lb1", "web1"]);
    expect(list["database"]?.hosts).toEqual(["db1", "db2"]);
    const lb1 = list._meta.hostvars["lb1"] ?? {};
    expect(lb1["ansible_host"]).toBe("10.77.0.21");
    expect(lb1["do_api_token"]).toBe(TOKEN);
    expect(lb1["db_password"]).toMatch(/^[A-Za-z0-9]{32}$/);
    expect((lb1["salts"] as { auth_key: string }).auth_key).toHaveLength(64);

    const output = [summary, ...io.said].join("\n");
    expect(output).not.toContain(TOKEN);
    expect(output).not.toContain(PASSWORD);
    expect(output).not.toContain(String(lb1["db_password"]));
    expect(io.said).toContain("Token accepted: account lab@do-converge.test (active)");
    expect(summary).toContain("secrets.yml: written encrypted, mode 0600: do_api_token, db_password, salts.auth_key\n");
    expect(summary).toContain("inventory check: 4 hosts (database: 2, database_loadbalancer: 1, wp_wp_app: 1)\n");
    expectRequestsMatchSpec(fake.requests);
    expect(fake.requests.slice(0, 2).map((r) => r.template)).toEqual(["/v2/account", "/v2/regions"]);
  }, 60_000); // loading the site compiles it (tsx)

  it("without a site: every droplet by default, only do_api_token in the secrets; a token file already holding the token is kept", async () => {
    const { site, secrets, opts } = await setup();
    const tokenPath = secretFile(join(secrets, "do-token"), `${TOKEN}\n`);
    const summary = await initCommand(site, { ...opts, hostAddress: "public" }, scripted(), {});
    const config = parse(readFileSync(join(site, "inventory/digitalocean.yml"), "utf8")) as Record<string, unknown>;
    expect(config["tags"]).toBeUndefined();
    expect(config["regions"]).toBeUndefined();
    expect(config["host_address"]).toBe("public");
    expect(summary).toContain(`${tokenPath}: kept (it already holds this token)`);
    expect(summary).toContain("written encrypted, mode 0600: do_api_token\n");
    expect(summary).toContain("inventory check: 5 hosts");
    const keyring = new SecretsKeyring({ passwordFile: opts.passwordFile });
    const plain = await keyring.decrypt(readFileSync(join(site, "inventory/group_vars/all/secrets.yml"), "utf8"), "secrets.yml");
    expect(parse(plain)).toEqual({ do_api_token: TOKEN });
  });

  it("refuses a token the API rejects (401), says where it came from, and writes nothing", async () => {
    const { root, site, secrets, opts } = await setup("the-only-token-the-fake-accepts");
    const err = await rejection(initCommand(site, opts, scripted(), {}));
    expect(err.message).toMatch(/^checking the token: DigitalOcean API 401 unauthorized: Unable to authenticate you\. \(GET http:\/\/127\.0\.0\.1:\d+\/v2\/account, request_id [0-9a-f-]+\); the token from token file .*token-in was refused: check that it is current and not revoked; nothing was written$/);
    expect(err.message).not.toContain(TOKEN);
    expect(existsSync(site)).toBe(false);
    expect(filesUnder(root)).toEqual(["secrets/password", "secrets/token-in"]);
    expect(existsSync(join(secrets, "do-token"))).toBe(false);
  });

  it("refuses to overwrite existing files unless --force, naming each, before asking anything", async () => {
    const { fake, site, opts } = await setup();
    secretFile(join(site, "inventory/digitalocean.yml"), "plugin: digitalocean\n", 0o644);
    secretFile(join(site, "inventory/group_vars/all/secrets.yml"), "old: value\n");
    const err = await rejection(initCommand(site, opts, scripted(), {}));
    expect(err.message).toBe(
      `refusing to overwrite ${join(site, "inventory/digitalocean.yml")}, ${join(site, "inventory/group_vars/all/secrets.yml")}: they exist (give --force to replace them); nothing was written`,
    );
    expect(err.flag).toBe("--force");
    expect(fake.requests).toEqual([]);
    expect(readFileSync(join(site, "inventory/digitalocean.yml"), "utf8")).toBe("plugin: digitalocean\n");

    await initCommand(site, { ...opts, force: true }, scripted(), {});
    expect(readFileSync(join(site, "inventory/digitalocean.yml"), "utf8")).toContain("token_file:");
    expect(isEncrypted(readFileSync(join(site, "inventory/group_vars/all/secrets.yml"), "utf8"))).toBe(true);
  });

  it("refuses a token file that holds another token, unless --force", async () => {
    const { site, secrets, opts } = await setup();
    secretFile(join(secrets, "do-token"), "another-accounts-token\n");
    const err = await rejection(initCommand(site, opts, scripted(), {}));
    expect(err.message).toBe(`refusing to overwrite ${join(secrets, "do-token")}: it exists (give --force to replace it); nothing was written`);
    expect(existsSync(site)).toBe(false);
  });

  it("names the flag for every answer a script must give", async () => {
    const { site, opts } = await setup();
    const { tokenFile: _t, ...noToken } = opts;
    expect((await rejection(initCommand(site, noToken, scripted(), {}))).message).toBe(
      "no DigitalOcean API token: give --token-file FILE (mode 0600) or set DIGITALOCEAN_TOKEN",
    );
    const { passwordFile: _p, ...noPassword } = opts;
    const err = await rejection(initCommand(site, noPassword, scripted(), {}));
    expect(err.message).toBe("the secrets file is encrypted with a password: give --password-file FILE or set DO_CONVERGE_PASSWORD_FILE");
    expect(existsSync(site)).toBe(false);
    expect((await rejection(initCommand(site, { ...opts, region: ["nyc2"] }, scripted(), {}))).message).toBe(
      "--region: nyc2: region New York 2 takes no new droplets (available: false)",
    );
    expect((await rejection(initCommand(site, { ...opts, tags: "web,bad/tag" }, scripted(), {}))).message).toBe(
      "--tags: bad/tag: a DigitalOcean tag name: letters, digits, '_', '-' and ':'",
    );
  });

  it("takes the token from DIGITALOCEAN_TOKEN and the password file from DO_CONVERGE_PASSWORD_FILE", async () => {
    const { site, opts } = await setup();
    const { tokenFile: _t, passwordFile, ...rest } = opts;
    const summary = await initCommand(site, rest, scripted(), { DIGITALOCEAN_TOKEN: TOKEN, DO_CONVERGE_PASSWORD_FILE: passwordFile });
    expect(summary).toContain("written encrypted");
  });

  it("refuses a token file others may read, as the inventory does", async () => {
    const { site, secrets, opts } = await setup();
    const loose = secretFile(join(secrets, "loose"), `${TOKEN}\n`, 0o644);
    const err = await rejection(initCommand(site, { ...opts, tokenFile: loose }, scripted(), {}));
    expect(err.message).toBe(`token file ${loose} (--token-file) is accessible by group or others (mode 0644); refusing to use it: run chmod 600 ${loose}`);
    expect(err.flag).toBe("--token-file");
  });
});

describe("region choice", () => {
  const regions = [
    { slug: "nyc3", name: "New York 3", available: true },
    { slug: "nyc2", name: "New York 2", available: false },
    { slug: "ams3", name: "Amsterdam 3", available: true },
  ];
  it("takes menu numbers (available regions in slug order) and slugs, mixed, once each; all is no filter", () => {
    expect(parseRegions("1, nyc3 2 NYC3", regions)).toEqual(["ams3", "nyc3"]);
    expect(parseRegions("all", regions)).toBeUndefined();
  });
  it("explains what is wrong with an answer", () => {
    expect(() => parseRegions("3", regions)).toThrow("3: no such number in the list (1-2)");
    expect(() => parseRegions("mars1", regions)).toThrow("mars1: not a region of this API (known: ams3, nyc3)");
    expect(() => parseRegions(" , ", regions)).toThrow("name at least one region, or all");
  });
});
