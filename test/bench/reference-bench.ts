import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { DEPLOY_USER } from "../lab/base.js";
import type { Lab } from "../lab/lab.js";
import { type LabSiteRun, prepareLabSite } from "../lab/reference-site.js";
import { ansibleVersion, benchAnsibleEnv, ensurePython, onEveryHost } from "./ansible.js";
import { type Rusage, type Timed, median, timed, timedWithRusage } from "./measure.js";
import { type BenchOptions, ratioLine } from "./options.js";
import type { WorkloadFigures } from "./workload.js";

// The `reference-site` workload: the repository's reference site (site.ts, roles/, templates/,
// inventory/) on the reference shape's 8 droplets, found through the bench lab's own fake
// DigitalOcean API by tag as test/lab/reference-site.ts runs it, against its Ansible twin: the seed
// deployment's playbook (test/fixtures/playbooks/navigators-guide/site.yml) with the seed's three
// roles ported to Debian 12 (test/fixtures/roles-debian12), on the same 8 hosts. Each tool's first
// converge starts on fresh hosts: the lab is rebuilt (down, up) before each tool's turn, so that
// nothing one tool installed (packages, a Galera cluster's state, WordPress) makes the other's
// first converge a partial one; same names, addresses, tags and droplet ids every time.

const repo = new URL("../..", import.meta.url).pathname;
const PORTED = join(repo, "test/fixtures/roles-debian12");
const SEED_PLAYBOOK = join(repo, "test/fixtures/playbooks/navigators-guide/site.yml");
/** community.mysql for the twin's Galera role (ansible-core redirects its bare mysql_user there). */
const COLLECTIONS = join(repo, "test/fixtures/collections");
/** The seed's playbook names its roles without their namespace. */
const SEED_ROLES = ["ansible-galera-lb", "ansible-galera-cluster-node", "ansible-welp"] as const;
/** The floating IP's stand-in host (ha_db_fip, as DigitalOcean's inventory names it): read for its address, never logged in to. */
const FIP_HOST = "db-fip";

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

// Both tools' hosts get bounded apt HTTP waits, with retries: lab hosts asking the bench lab's
// apt-cacher-ng for one index at once can be given an answer that never ends, which apt would
// wait for for ever (test/lab/import/seed-twins.test.ts met it).
const APT_CONF = 'Acquire::http::Timeout "30";\nAcquire::Retries "5";\n';
const APT_SETUP = `printf '${APT_CONF}' > /etc/apt/apt.conf.d/90dcv-bench`;

/**
 * What both stacks install, downloaded once through the bench lab's apt proxy before anything is
 * timed (recommends included: Ansible's apt installs them, heartbeat's bring Pacemaker), so that
 * neither tool's first converge pays for the proxy's first fetch from the Debian mirror. A name
 * missing here costs that package's first fetch in the first run, nothing else.
 */
export const WARM_PACKAGES = [
  // the reference site
  "ca-certificates", "curl", "tzdata", "mariadb-server", "mariadb-client", "galera-4", "rsync", "haproxy", "keepalived",
  "nginx", "php8.2-fpm", "php8.2-cli", "php8.2-mysql", "php8.2-curl", "php8.2-gd", "php8.2-mbstring", "php8.2-xml", "php8.2-zip", "php8.2-intl", "unzip",
  // the Ansible twin
  "python3", "python3-apt", "dirmngr", "python3-mysqldb", "xinetd", "heartbeat", "zip", "git", "default-mysql-client",
  "php8.2-mcrypt", "php8.2-xmlrpc",
] as const;

/** Random values for the twin's vault variables (the seed keeps them in an ansible-vault file). */
function twinVault(): Record<string, string | number> {
  const pw = () => randomBytes(12).toString("hex");
  return {
    vault_sys_user: "wpadmin",
    vault_wp_db_name: "wordpress",
    vault_wp_db_user: "wordpress",
    vault_wp_db_pass: pw(),
    vault_wp_salt: ["AUTH_KEY", "SECURE_AUTH_KEY", "NONCE_KEY"].map((k) => `define('${k}', '${pw()}');`).join("\n"),
    vault_galera_root_password: pw(),
    vault_galera_sys_maint_password: pw(),
    vault_galera_clustercheck_password: pw(),
    vault_galera_ha_auth_key: pw(),
    vault_galera_ha_do_token: pw(),
    vault_haproxy_stats_user: "stats",
    vault_haproxy_stats_pass: pw(),
    vault_haproxy_stats_port: 8080,
  };
}

/**
 * The twin's inventory: the groups the seed's playbook names, by the droplets' tags; what
 * DigitalOcean's inventory gave each host (`name`, `ipv4_address_private`); and what a lab host
 * lacks that the roles would read from a droplet's facts (see seed-twins.test.ts): the Galera
 * nodes' addresses (a droplet's eth1), the heartbeat pair (a droplet's default route).
 *
 * `founding`: the first converge. The seed's README founds the cluster with `galera_bootstrap=1`
 * on the first node; left on, every later run would render that node's cluster address as
 * `gcomm://` again and restart it as a new cluster, which Galera 4 refuses for a node that was
 * not the last to leave (safe_to_bootstrap), so an operator drops it once the cluster stands.
 */
export function twinInventory(lab: Lab, o: { vault: Record<string, string | number>; site: Pick<LabSiteRun, "artifacts" | "reservedIp">; founding: boolean }): string {
  const tagged = (tag: string) => lab.topology.hosts.filter((h) => h.tags.includes(tag));
  const [db, lbs, web] = [tagged("database"), tagged("database-loadbalancer"), tagged("wp-wp-app")];
  const [lb1, lb2] = lbs;
  if (db.length === 0 || !lb1 || !lb2 || web.length === 0) throw new Error("the reference-site lab needs database, two database-loadbalancer and wp-wp-app hosts");
  const gcomm = db.map((h) => h.privateIpv4).join(",");
  return stringify({
    all: {
      vars: {
        ansible_user: DEPLOY_USER,
        ansible_ssh_private_key_file: lab.keyFile,
        ...o.vault,
        wp_download_url: o.site.artifacts.wordpress.url,
        wp_plugin_list: [o.site.artifacts.plugin.url],
        primary_name: lb1.name,
        primary_address: lb1.publicIpv4,
        secondary_name: lb2.name,
        secondary_address: lb2.publicIpv4,
      },
      hosts: Object.fromEntries(lab.topology.hosts.map((h) => [h.name, { ansible_host: h.privateIpv4, name: h.name, ipv4_address_private: h.privateIpv4 }])),
      children: {
        galera_cluster_node: {
          hosts: Object.fromEntries(
            db.map((h, i) => [h.name, { galera_node_ip: h.privateIpv4, galera_gcomm_address: gcomm, ...(o.founding && i === 0 ? { galera_bootstrap: true } : {}) }]),
          ),
        },
        galera_loadbalancer: { hosts: Object.fromEntries(lbs.map((h) => [h.name, {}])) },
        wp_node: { hosts: Object.fromEntries(web.map((h) => [h.name, {}])) },
        ha_db_fip: { hosts: { [FIP_HOST]: { ansible_host: o.site.reservedIp, ip_address: o.site.reservedIp } } },
      },
    },
  });
}

/** ansible-playbook's recap summed over hosts, and the tasks it reported changed (by name, once each). */
export function ansibleOutcome(stdout: string): { changed: number; failed: number; unreachable: number; changedTasks: string[] } {
  const sum = { changed: 0, failed: 0, unreachable: 0 };
  const recap = stdout.slice(stdout.lastIndexOf("PLAY RECAP"));
  for (const line of recap.split("\n")) {
    if (!/\bok=\d+/.test(line)) continue;
    for (const k of ["changed", "failed", "unreachable"] as const) sum[k] += Number(new RegExp(`\\b${k}=(\\d+)`).exec(line)?.[1] ?? 0);
  }
  const changedTasks = new Set<string>();
  let task = "";
  for (const line of stdout.split("\n")) {
    const header = /^(?:TASK|RUNNING HANDLER) \[(.*)\] \**$/.exec(line);
    if (header) task = header[1] ?? "";
    else if (/^changed: \[/.test(line) && task) changedTasks.add(task);
  }
  return { ...sum, changedTasks: [...changedTasks] };
}

interface Report {
  recap: Record<string, { changed: number; failed: number; unreachable: number }>;
  tasks: { host: string; task: string; changed: boolean }[];
}

interface DoConvergeRun extends Timed {
  rusage: Rusage;
  report: Report;
}

const total = (r: Report, k: "changed" | "failed" | "unreachable") => Object.values(r.recap).reduce((n, s) => n + s[k], 0);

/** The site as an operator keeps it, in a scratch copy inside the repository (so `import "do-converge"` is this package), with generated secrets. */
async function siteCopy(): Promise<{ dir: string; passwordFile: string }> {
  const dir = mkdtempSync(join(repo, ".scratch-dcv-bench-site-"));
  for (const part of ["site.ts", "roles", "templates", "inventory"]) cpSync(join(repo, part), join(dir, part), { recursive: true });
  rmSync(join(dir, "inventory/group_vars/all/secrets.yml"), { force: true });
  const passwordFile = join(dir, "secrets-password");
  writeFileSync(passwordFile, `${randomBytes(24).toString("base64")}\n`, { mode: 0o600 });
  const r = await timed(process.execPath, [join(repo, "bin/do-converge.js"), "secrets", "generate", "site.ts", "--password-file", passwordFile], process.env, dir);
  if (r.code !== 0) throw new Error(`do-converge secrets generate failed:\n${r.output.slice(-3000)}`);
  return { dir, passwordFile };
}

/** Runs the workload. `undo` holds what must be undone if the run is stopped (the site's scratch copy). */
export async function referenceBench(lab: Lab, o: BenchOptions, work: string, label: string, undo: Set<() => Promise<void>>): Promise<WorkloadFigures> {
  const ansibleRelease = await ansibleVersion();
  const built = await timed("npm", ["run", "-s", "build"], process.env, repo);
  if (built.code !== 0) throw new Error(`npm run build failed:\n${built.output.slice(-3000)}`);
  const site = await siteCopy();
  const removeSite = async () => rmSync(site.dir, { recursive: true, force: true });
  undo.add(removeSite);
  try {
    return await rounds(lab, o, work, label, ansibleRelease, site);
  } finally {
    await removeSite();
    undo.delete(removeSite);
  }
}

/** Fresh hosts: the lab down and up again (its API, Reserved IP and file server with it), the bench's apt settings on every host. */
async function freshLab(lab: Lab): Promise<LabSiteRun> {
  log(`rebuilding the ${lab.topology.hosts.length} reference-site hosts`);
  await lab.down(log);
  await lab.up(log);
  await onEveryHost(lab, APT_SETUP, "apt settings");
  return prepareLabSite(lab, log);
}

async function rounds(lab: Lab, o: BenchOptions, work: string, label: string, ansibleRelease: string, site: { dir: string; passwordFile: string }): Promise<WorkloadFigures> {
  const n = lab.topology.hosts.length;
  // The seed's playbook finds its roles by their names without the namespace.
  const rolesDir = join(work, "roles");
  mkdirSync(rolesDir, { recursive: true });
  for (const r of SEED_ROLES) symlinkSync(join(PORTED, `digitalocean.${r}`), join(rolesDir, r));
  const vault = twinVault();

  log("booting the reference-site hosts and filling the bench lab's apt cache (untimed)");
  await lab.up(log);
  await onEveryHost(lab, APT_SETUP, "apt settings");
  const warm = lab.topology.hosts[0];
  if (warm) {
    await onEveryHost(lab, `apt-get -q update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get -q install -y --download-only ${WARM_PACKAGES.join(" ")} >/dev/null`, "filling the apt cache", [warm]);
  }

  const dcFirst: DoConvergeRun[] = [];
  const dcNoop: DoConvergeRun[] = [];
  const anFirst: number[] = [];
  const anNoop: number[] = [];
  const anNoopChanged: number[] = [];
  const anNoopTasks = new Set<string>();
  const dcNoopChanged = new Set<string>();

  for (let r = 0; r < o.rounds; r++) {
    const order = r % 2 === 0 ? (["dc", "an"] as const) : (["an", "dc"] as const);
    for (const tool of order) {
      const run = await freshLab(lab);
      const turn = join(work, `round${r + 1}-${tool}`);
      mkdirSync(join(turn, "cp"), { recursive: true });
      if (tool === "dc") {
        const converge = async (n: number): Promise<DoConvergeRun> => {
          const json = join(turn, `report-${n}.json`);
          const argv = [join(repo, "bin/do-converge.js"), "site.ts", ...run.args, "--password-file", site.passwordFile, "--json", json];
          const t = await timedWithRusage(process.execPath, argv, { ...process.env, ...run.env, NO_COLOR: "1" }, site.dir, join(turn, "time.txt"));
          if (t.code !== 0 || !existsSync(json)) throw new Error(`do-converge (reference site, run ${n}) failed (exit ${t.code}):\n${t.output.slice(-4000)}`);
          return { ...t, report: JSON.parse(readFileSync(json, "utf8")) as Report };
        };
        const first = await converge(1);
        if (total(first.report, "changed") === 0) throw new Error("do-converge's first converge of fresh hosts changed nothing");
        const noop = await converge(2);
        for (const t of noop.report.tasks.filter((x) => x.changed)) dcNoopChanged.add(`${t.host}: ${t.task}`);
        dcFirst.push(first);
        dcNoop.push(noop);
        log(`round ${r + 1} do-converge: first ${first.seconds.toFixed(2)} s, no-op ${noop.seconds.toFixed(2)} s (changed=${total(noop.report, "changed")})`);
      } else {
        await ensurePython(lab, ["unzip"]);
        const env = benchAnsibleEnv(turn, { forks: n, knownHostsFile: lab.knownHostsFile, controlPathDir: join(turn, "cp"), rolesPath: rolesDir }, { ANSIBLE_COLLECTIONS_PATH: COLLECTIONS });
        const playbook = async (founding: boolean): Promise<Timed & ReturnType<typeof ansibleOutcome>> => {
          const inventory = join(turn, founding ? "inventory-first.yml" : "inventory.yml");
          writeFileSync(inventory, twinInventory(lab, { vault, site: run, founding }));
          const t = await timed("ansible-playbook", ["-i", inventory, SEED_PLAYBOOK, "--limit", `all:!${FIP_HOST}`], env, turn);
          const outcome = ansibleOutcome(t.output);
          if (t.code !== 0) throw new Error(`ansible-playbook (the twin, ${founding ? "first" : "second"} run) failed (exit ${t.code}):\n${t.output.slice(-4000)}`);
          return { ...t, ...outcome };
        };
        const first = await playbook(true);
        if (first.changed === 0) throw new Error("ansible-playbook's first converge of fresh hosts changed nothing");
        const noop = await playbook(false);
        anFirst.push(first.seconds);
        anNoop.push(noop.seconds);
        anNoopChanged.push(noop.changed);
        for (const t of noop.changedTasks) anNoopTasks.add(t);
        log(`round ${r + 1} ansible twin: first ${first.seconds.toFixed(2)} s, second ${noop.seconds.toFixed(2)} s (changed=${noop.changed})`);
      }
    }
  }

  const s = (x: number) => `${x.toFixed(2)} s`;
  const dc = { first: median(dcFirst.map((x) => x.seconds)), noop: median(dcNoop.map((x) => x.seconds)) };
  const an = { first: median(anFirst), noop: median(anNoop) };
  const cpu = (runs: readonly DoConvergeRun[], kind: string) => {
    const u = median(runs.map((x) => x.rusage.userSeconds));
    const y = median(runs.map((x) => x.rusage.systemSeconds));
    const c = median(runs.map((x) => x.rusage.userSeconds + x.rusage.systemSeconds));
    return `do-converge control node, ${kind}: ${s(c)} CPU (user ${s(u)} + sys ${s(y)}), peak RSS ${median(runs.map((x) => x.rusage.peakRssMb)).toFixed(0)} MB`;
  };
  const dcChanged = dcNoop.map((x) => total(x.report, "changed"));
  return {
    lines: [
      `workload reference-site: site.ts on ${n} lab droplets (3 database, 2 database-loadbalancer, 3 wp-wp-app; found through the bench lab's fake DigitalOcean API) against its Ansible twin (the seed's site.yml, its roles ported to Debian 12, forks ${n}), ${o.rounds} round${o.rounds === 1 ? "" : "s"}, medians; ${ansibleRelease}`,
      "each tool's first converge on fresh hosts (the lab rebuilt before each tool's turn); its no-op is its second run right after",
      `first converge: do-converge ${s(dc.first)}, ansible-playbook ${s(an.first)}`,
      `no-op converge: do-converge ${s(dc.noop)} (changed=${dcChanged.join(", ")}), ansible-playbook ${s(an.noop)} (changed=${anNoopChanged.join(", ")})`,
      ...(dcNoopChanged.size > 0 ? [`WARNING: do-converge's second run changed: ${[...dcNoopChanged].join("; ")}`] : []),
      `the twin's second run changed (the seed's roles do on every run or after founding the cluster): ${[...anNoopTasks].join("; ") || "nothing"}`,
      cpu(dcFirst, "first converge"),
      cpu(dcNoop, "no-op"),
    ],
    ratios: [ratioLine(label, "first", an.first / dc.first), ratioLine(label, "noop", an.noop / dc.noop)],
  };
}
