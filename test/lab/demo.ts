// `npm run demo`: the reference site on the lab, as a newcomer's first command. Boots the lab
// (8 Debian hosts found through the lab's fake DigitalOcean API by tag), makes the site's secrets
// if there are none yet, converges site.ts with the real CLI, and says where the site is.
import { join } from "node:path";
import { Lab } from "./lab.js";
import { prepareLabSite, runCli } from "./reference-site.js";

const repo = new URL("../..", import.meta.url).pathname;
const say = (line: string) => process.stdout.write(`demo: ${line}\n`);

// The phases' times are printed so that the figures in docs/guides/reference-site.md can be checked on any machine.
const started = performance.now();
const seconds = (from: number) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

async function demo(): Promise<number> {
  const lab = Lab.fromFile();
  await lab.up(say);
  say(`lab up after ${seconds(started)}`);
  const run = await prepareLabSite(lab, say);

  const secrets = await runCli(["secrets", "generate", "site.ts"], { cwd: repo });
  if (secrets.code !== 0) {
    process.stderr.write(secrets.stderr);
    return secrets.code ?? 1;
  }
  process.stdout.write(secrets.stdout);

  say(`do-converge site.ts ${run.args.join(" ")}   (DIGITALOCEAN_API_URL=${run.env["DIGITALOCEAN_API_URL"]})`);
  const convergeStarted = performance.now();
  const converge = await runCli(["site.ts", ...run.args, ...process.argv.slice(2)], { cwd: repo, env: run.env, echo: (d) => process.stdout.write(d) });
  say(`converge took ${seconds(convergeStarted)}; the demo ${seconds(started)} in all`);
  if (converge.code !== 0) return converge.code ?? 1;

  const secretsFile = join(repo, "inventory/group_vars/all/secrets.yml");
  say(`WordPress: ${run.siteUrl}/ (every web node serves it; the database behind the Reserved IP ${run.reservedIp})`);
  say(`admin:     ${run.siteUrl}/wp-admin/ as the user in wordpress_admin_user; its password is wordpress_admin_password in ${secretsFile}`);
  say("again:     npm run demo -- --check --diff   (a converged site reports changed=0)");
  return 0;
}

demo().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
