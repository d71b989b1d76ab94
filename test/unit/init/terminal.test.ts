import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { PASSWORD_FILE_ENV, SecretsKeyring } from "../../../src/secrets/keyring.js";
import { TOKEN_ENV_VARS, TOKEN_FILE_ENV_VAR } from "../../../src/digitalocean/token.js";
import { startFakeDigitalOcean, type FakeDigitalOcean } from "../../fake-do/index.js";
import { FLEET, PASSWORD, SITE, TOKEN, modeOf, tempDir } from "./helpers.js";
import { runInPty } from "./pty.js";

// The real CLI (bin/do-converge.js, built by `npm run build`) under a pseudo-terminal, answered
// as an operator would: each answer is typed only once its question is on the screen.

const BIN = new URL("../../../bin/do-converge.js", import.meta.url).pathname;

let fake: FakeDigitalOcean | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The test's own environment without anything that would answer a question for the operator. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, TERM: "dumb" };
  for (const name of [...TOKEN_ENV_VARS, TOKEN_FILE_ENV_VAR, PASSWORD_FILE_ENV]) delete env[name];
  return env;
}

describe("do-converge init on a terminal", { timeout: 120_000 }, () => {
  it("asks for the token and the password without echo, shows the account and the regions, and writes the files", async () => {
    fake = await startFakeDigitalOcean({ token: TOKEN, droplets: FLEET });
    const home = tempDir("dcv-init-home-");
    const site = join(home, "infra");
    mkdirSync(site);
    writeFileSync(join(site, "site.ts"), SITE);

    const pty = runInPty(`node "${BIN}" init`, { cwd: site, env: cleanEnv({ HOME: home, DIGITALOCEAN_API_URL: fake.url }) });
    await pty.waitFor("DigitalOcean API token (not shown): ");
    pty.type(TOKEN);
    await pty.waitFor("Token accepted: account lab@do-converge.test (active)");
    // The menu lists available regions only: nyc2 (retired) is not offered.
    await pty.waitFor("Regions:");
    await pty.waitFor("Regions the inventory keeps (numbers or slugs; all: every region) [all]: ");
    // A retired region is explained and the question asked again.
    pty.type("nyc2");
    await pty.waitFor("nyc2: region New York 2 takes no new droplets (available: false)");
    await pty.waitFor("Regions the inventory keeps (numbers or slugs; all: every region) [all]: ");
    pty.type("nyc3");
    await pty.waitFor("Droplet tags to read, each a group (*: every droplet) [database,database-loadbalancer,wp-wp-app]: ");
    pty.type("");
    await pty.waitFor("SSH to each droplet's private (VPC) or public address [private]: ");
    pty.type("");
    await pty.waitFor("Password for the encrypted secrets file (not shown): ");
    pty.type(PASSWORD);
    await pty.waitFor("The same password again: ");
    pty.type("not the same");
    await pty.waitFor("the two passwords differ; again");
    await pty.waitFor("Password for the encrypted secrets file (not shown): ");
    pty.type(PASSWORD);
    await pty.waitFor("The same password again: ");
    pty.type(PASSWORD);
    await pty.waitFor("inventory check: 4 hosts (database: 2, database_loadbalancer: 1, wp_wp_app: 1)");
    expect(await pty.exited).toBe(0);

    const screen = pty.transcript();
    // Visible answers are echoed; the token and the passwords are not, anywhere.
    expect(screen).toContain("[all]: nyc3");
    expect(screen).not.toContain(TOKEN);
    expect(screen).not.toContain(PASSWORD);
    expect(screen).not.toContain("not the same");
    const menu = screen.slice(screen.indexOf("Regions:"), screen.indexOf("Regions the inventory keeps"));
    expect(menu).toContain("nyc3  New York 3");
    expect(menu).not.toContain("nyc2");
    expect(screen).toContain("inventory/digitalocean.yml: written (plugin: digitalocean; tags database, database-loadbalancer, wp-wp-app; regions nyc3; host_address private)");
    expect(screen).toContain("~/.config/do-converge/token: written, mode 0600");
    expect(screen).toContain("inventory/group_vars/all/secrets.yml: written encrypted, mode 0600: do_api_token, db_password, salts.auth_key");
    expect(screen).toContain("next: npx do-converge site.ts --check --diff");

    // The token went to ~/.config (DIGITALOCEAN_API_URL came from the environment: not written).
    const config = parse(readFileSync(join(site, "inventory/digitalocean.yml"), "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({ plugin: "digitalocean", regions: ["nyc3"], token_file: "~/.config/do-converge/token", host_address: "private" });
    expect(config["api_url"]).toBeUndefined();
    const tokenPath = join(home, ".config/do-converge/token");
    expect(readFileSync(tokenPath, "utf8")).toBe(`${TOKEN}\n`);
    expect(modeOf(tokenPath)).toBe(0o600);
    const secretsPath = join(site, "inventory/group_vars/all/secrets.yml");
    expect(modeOf(secretsPath)).toBe(0o600);
    const keyring = new SecretsKeyring({ prompt: () => Promise.resolve(PASSWORD) });
    const secrets = parse(await keyring.decrypt(readFileSync(secretsPath, "utf8"), secretsPath)) as Record<string, unknown>;
    expect(secrets["do_api_token"]).toBe(TOKEN);
    expect(secrets["db_password"]).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(screen).not.toContain(String(secrets["db_password"]));
  });

  it("a refused token ends the session with a clear error and writes nothing", async () => {
    fake = await startFakeDigitalOcean({ token: TOKEN, droplets: FLEET });
    const home = tempDir("dcv-init-home-");
    const pty = runInPty(`node "${BIN}" init infra`, { cwd: home, env: cleanEnv({ HOME: home, DIGITALOCEAN_API_URL: fake.url }) });
    await pty.waitFor("DigitalOcean API token (not shown): ");
    pty.type("dop_v1_revoked-token");
    await pty.waitFor("ERROR: checking the token: DigitalOcean API 401 unauthorized");
    expect(await pty.exited).toBe(1);
    expect(pty.transcript()).toContain("the token from the terminal was refused");
    expect(pty.transcript()).not.toContain("dop_v1_revoked-token");
    expect(existsSync(join(home, "infra"))).toBe(false);
    expect(existsSync(join(home, ".config"))).toBe(false);
  });
});
