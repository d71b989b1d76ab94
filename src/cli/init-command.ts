import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { resolveApiUrl } from "../digitalocean/api-url.js";
import { DigitalOceanConfigError } from "../digitalocean/errors.js";
import { checkAccount } from "../init/account.js";
import { ask, type InitIo } from "../init/ask.js";
import { InitError } from "../init/errors.js";
import { type PlannedFile, refuseExisting, sameContent, writePlanned } from "../init/files.js";
import { inventoryYaml } from "../init/inventory-file.js";
import { initKeyring } from "../init/password.js";
import { ALL_REGIONS, availableRegions, parseRegions, regionMenu } from "../init/regions.js";
import { secretsFile } from "../init/secrets-file.js";
import { EVERY_DROPLET, parseHostAddress, parseTags, REFERENCE_TAGS } from "../init/tags.js";
import { DEFAULT_TOKEN_PATH, expandHome, isInside, obtainToken, tokenFileSetting } from "../init/token.js";
import { loadInventoryFile } from "../inventory/source-factory.js";
import type { Site } from "../site/dsl.js";
import { loadSite } from "./load-site.js";
import { promptLine, promptSecret } from "./prompt.js";

export interface InitCommandOptions {
  tokenFile?: string;
  apiUrl?: string;
  /** --region, repeatable; each may hold a comma-separated list. */
  region?: string[];
  tags?: string;
  hostAddress?: string;
  tokenPath?: string;
  doApiTokenFile?: string;
  passwordFile?: string;
  site?: string;
  yes?: boolean;
  force?: boolean;
}

/** The terminal, or nobody: prompts go to stderr, so stdout stays the summary. */
export function terminalIo(yes: boolean): InitIo {
  const interactive = !yes && process.stdin.isTTY === true;
  const instead = (flag: string) => `give ${flag} (or --yes for the defaults)`;
  return {
    interactive,
    line: (question, flag) => promptLine(question, instead(flag)),
    secret: (question, flag) => promptSecret(question, instead(flag)),
    say: (text) => process.stderr.write(`${text}\n`),
  };
}

/**
 * `do-converge init [dir]`: checks the API token against /v2/account, asks (or takes from flags)
 * the regions, tags and address the inventory uses, and writes inventory/digitalocean.yml, the
 * token file (0600) and the encrypted inventory/group_vars/all/secrets.yml. Nothing is written
 * until every answer is in and the token has been accepted. Returns the summary for stdout.
 */
export async function initCommand(dirArg: string, opts: InitCommandOptions, io: InitIo, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const dir = resolve(dirArg);
  const shown = (path: string) => {
    if (isInside(path, process.cwd())) return relative(process.cwd(), path) || ".";
    return homedir() !== "/" && isInside(path, homedir()) ? `~/${relative(homedir(), path)}` : path;
  };
  const inventoryFile = join(dir, "inventory", "digitalocean.yml");
  const secretsPath = join(dir, "inventory", "group_vars", "all", "secrets.yml");
  const tokenPath = expandHome(opts.tokenPath ?? DEFAULT_TOKEN_PATH, process.cwd());
  const force = opts.force === true;
  refuseExisting(
    [inventoryFile, secretsPath].map((path) => ({ path, shown: shown(path) })),
    force,
  );

  // The site first: a site that does not load is found before anyone types a token.
  const siteFile = resolve(opts.site ?? join(dir, "site.ts"));
  const site: Site | undefined = opts.site !== undefined || existsSync(siteFile) ? await loadSite(siteFile) : undefined;

  const token = await obtainToken(opts.tokenFile, env, io);
  const apiUrl = apiUrlOf(opts.apiUrl, env);
  const { account, regions } = await checkAccount(apiUrl, token, io.say);
  const status = account.status === "active" ? "active" : `${account.status}${account.status_message ? `: ${account.status_message}` : ""}`;
  io.say(`Token accepted: account ${account.email} (${status})`);
  if (account.status === "locked") throw new InitError(`account ${account.email} is locked: ${account.status_message ?? ""}; nothing was written`);

  const available = availableRegions(regions);
  if (available.length === 0) throw new InitError(`${apiUrl} lists no available region; nothing was written`);
  if (io.interactive && opts.region === undefined) io.say(["Regions:", ...regionMenu(available)].join("\n"));
  const chosenRegions = await ask(io, {
    question: `Regions the inventory keeps (numbers or slugs; ${ALL_REGIONS}: every region)`,
    flag: "--region",
    given: opts.region?.join(","),
    fallback: ALL_REGIONS,
    parse: (raw) => parseRegions(raw, regions),
  });
  const tags = await ask(io, {
    question: `Droplet tags to read, each a group (${EVERY_DROPLET}: every droplet)`,
    flag: "--tags",
    given: opts.tags,
    // The reference site's groups when there is a site; else no filter.
    fallback: site === undefined ? EVERY_DROPLET : REFERENCE_TAGS.join(","),
    parse: parseTags,
  });
  const hostAddress = await ask(io, {
    question: "SSH to each droplet's private (VPC) or public address",
    flag: "--host-address",
    given: opts.hostAddress,
    fallback: "private",
    parse: parseHostAddress,
  });

  const tokenContent = `${token.value}\n`;
  const keepToken = existsSync(tokenPath) && sameContent(tokenPath, tokenContent);
  if (!keepToken) refuseExisting([{ path: tokenPath, shown: shown(tokenPath) }], force);
  const doApiToken = opts.doApiTokenFile === undefined ? token : await obtainToken(opts.doApiTokenFile, {}, io);
  const keyring = await initKeyring(opts.passwordFile, env, io);

  // Every file is made before the first is written: a wrong password file or a bad answer leaves nothing behind.
  const yaml = inventoryYaml(
    { tags, regions: chosenRegions, hostAddress, apiUrl: opts.apiUrl === undefined ? undefined : apiUrl, tokenFile: tokenFileSetting(tokenPath, dirname(inventoryFile), dir) },
    inventoryFile,
  );
  const secrets = await secretsFile(secretsPath, doApiToken.value, site, keyring);
  const files: PlannedFile[] = [
    ...(keepToken ? [] : [{ path: tokenPath, shown: shown(tokenPath), content: tokenContent, mode: 0o600 }]),
    { path: secretsPath, shown: shown(secretsPath), content: secrets.sealed, mode: 0o600 },
    { path: inventoryFile, shown: shown(inventoryFile), content: yaml, mode: 0o644 },
  ];
  writePlanned(files);

  const out = [
    `${shown(inventoryFile)}: written (plugin: digitalocean; ${tags === undefined ? "every droplet" : `tags ${tags.join(", ")}`}; ${chosenRegions === undefined ? "every region" : `regions ${chosenRegions.join(", ")}`}; host_address ${hostAddress})`,
    `${shown(tokenPath)}: ${keepToken ? "kept (it already holds this token)" : "written, mode 0600"}${isInside(tokenPath, dir) ? "; keep it out of version control" : ""}`,
    `${shown(secretsPath)}: written encrypted, mode 0600: ${secrets.names.join(", ")}`,
    ...(secrets.unset.length > 0 ? [`${shown(secretsPath)}: set by hand (do-converge secrets edit): ${secrets.unset.join(", ")}`] : []),
    ...(await inventoryCheck(inventoryFile, env, io)),
  ];
  if (site !== undefined) out.push(`next: npx do-converge ${shown(siteFile)} --check --diff`);
  return `${out.join("\n")}\n`;
}

function apiUrlOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  try {
    return resolveApiUrl(flag, env);
  } catch (err) {
    if (err instanceof DigitalOceanConfigError) throw new InitError(err.message.replace(/^api_url:/, "--api-url:"), "--api-url", { cause: err });
    throw err;
  }
}

/**
 * Reads the new inventory the way a converge will (token_file, tags, regions): the operator sees
 * the hosts it finds now. A failure here is reported, not fatal: the files are already right.
 */
async function inventoryCheck(file: string, env: NodeJS.ProcessEnv, io: InitIo): Promise<string[]> {
  try {
    const fragment = await loadInventoryFile(file, { env, refresh: true, onNotice: io.say });
    const groups = fragment.groups.filter((g) => g.hosts.length > 0 && !/^(region|size)_/.test(g.name));
    const lines = [
      `inventory check: ${fragment.hosts.length} host${fragment.hosts.length === 1 ? "" : "s"}${groups.length === 0 ? "" : ` (${groups.map((g) => `${g.name}: ${g.hosts.length}`).join(", ")})`}`,
    ];
    for (const w of fragment.warnings) lines.push(`inventory check: warning: ${w.message}`);
    return lines;
  } catch (err) {
    return [`inventory check failed: ${err instanceof Error ? err.message : String(err)}`];
  }
}
