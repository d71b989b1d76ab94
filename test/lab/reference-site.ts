import { spawn } from "node:child_process";
import { join } from "node:path";
import { stringify } from "yaml";
import { writeFileAtomic } from "../../src/control-node/write-file.js";
import { DEPLOY_USER } from "./base.js";
import { LabError } from "./errors.js";
import type { Lab } from "./lab.js";
import { type SiteArtifacts, ensureSiteArtifacts } from "./site-artifacts.js";
import { METADATA_IPV4 } from "./topology.js";

// The reference site (site.ts, roles/, templates/, inventory/) run against the lab as if the lab
// were a DigitalOcean project: hosts come from the lab's fake API by tag, exactly as
// inventory/digitalocean.yml finds droplets. What only the lab knows (how to log in, the API's
// URL and token, the Reserved IP, where the WordPress tarball is served) goes into one vars file
// given with -e, so the site's own files stay what an operator would commit.

const repo = new URL("../..", import.meta.url).pathname;
/** The CLI as operators run it: the built package's bin. */
export const BIN = join(repo, "bin/do-converge.js");

/** The lab's Reserved IP (topology.yml's first) and the web node whose address is the site URL. */
export function labSiteFacts(lab: Lab): { reservedIp: string; siteUrl: string } {
  const reservedIp = lab.topology.reservedIps[0]?.ip;
  if (reservedIp === undefined) throw new LabError("the lab topology has no reserved IP for the database load balancers");
  const web = lab.topology.hosts.find((h) => h.tags.includes("wp-wp-app"));
  if (web === undefined) throw new LabError("the lab topology has no wp-wp-app host");
  return { reservedIp, siteUrl: `http://${web.publicIpv4}` };
}

export interface LabSiteRun {
  /** Environment for the CLI: the fake API in place of DigitalOcean's. */
  env: Record<string, string>;
  /** CLI arguments after the site file. */
  args: string[];
  varsFile: string;
  artifacts: SiteArtifacts;
  siteUrl: string;
  reservedIp: string;
}

/** Writes the lab's vars file (0600: it holds the API token) and returns how to run the site. */
export async function prepareLabSite(lab: Lab, log: (line: string) => void = () => undefined): Promise<LabSiteRun> {
  const artifacts = await ensureSiteArtifacts(lab, log);
  const { reservedIp, siteUrl } = labSiteFacts(lab);
  const varsFile = join(lab.paths.stateDir, "reference-site", "lab-vars.yml");
  const vars = {
    ansible_user: DEPLOY_USER,
    ansible_ssh_private_key_file: lab.keyFile,
    reserved_ip: reservedIp,
    do_api_url: lab.api.url,
    do_api_token: lab.api.token,
    // A second lab's metadata service is on its gateway, not at DigitalOcean's address (topology.ts).
    ...(lab.topology.metadata.host === METADATA_IPV4 ? {} : { do_metadata_url: lab.topology.metadata.url }),
    // The lab's index update takes seconds; one stalled by apt-cacher-ng's refresh race (seen
    // rarely with 8 hosts at once) is cut short and retried instead of costing the default 300 s.
    common_apt_update_timeout: 60,
    wordpress_url: siteUrl,
    wordpress_site_title: "do-converge lab",
    wordpress_admin_email: "admin@example.com",
    wordpress_tarball_url: artifacts.wordpress.url,
    wordpress_tarball_checksum: `sha256:${artifacts.wordpress.sha256}`,
    wordpress_plugins: [{ name: artifacts.plugin.name, url: artifacts.plugin.url, checksum: `sha256:${artifacts.plugin.sha256}` }],
  };
  writeFileAtomic(varsFile, `# The lab's side of the reference site (written by the lab; holds the fake API's token).\n${stringify(vars)}`, 0o600);
  return {
    env: { DIGITALOCEAN_API_URL: lab.api.url, DIGITALOCEAN_TOKEN: lab.api.token },
    args: ["--known-hosts", lab.knownHostsFile, "-e", `@${varsFile}`],
    varsFile,
    artifacts,
    siteUrl,
    reservedIp,
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the do-converge CLI; output is passed through to `echo` as it comes when given. */
export function runCli(args: readonly string[], opts: { cwd: string; env?: Record<string, string>; echo?: (chunk: string) => void; signal?: AbortSignal }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // Aborted, the run gets SIGTERM: do-converge's own handler ends its sessions on the hosts.
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: { ...process.env, NO_COLOR: "1", ...opts.env }, ...(opts.signal ? { signal: opts.signal } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      opts.echo?.(d);
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      opts.echo?.(d);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
