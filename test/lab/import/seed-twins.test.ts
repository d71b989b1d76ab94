import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { type LabGuard, guardLab } from "../guard.js";
import { Lab } from "../lab.js";
import { SEED_DIFFERENCES } from "./seed-twins-differences.js";
import { TwinShells, ansiblePlaybook, doConverge, endTwins, expectNoOp, expectTwinsAlike, writeAnsibleCfg } from "./twins-harness.js";
import { PLUGINS, buildWordpressArchives } from "./wordpress-archives.js";

// The twins proof (see twins.test.ts) for the seed's own three roles, the Navigator's Guide
// WordPress stack: for each role, ansible-playbook runs the role as it is on host "-a", and
// do-converge runs the role as `do-converge import role` converted it on host "-b", with the same
// variables; everything either run moved must end alike on both hosts but for a listed difference
// with its reason (seed-twins-differences.ts), and do-converge's second run changes nothing.
//
// The roles are their Debian 12 port (test/fixtures/roles-debian12, PORTED.md there lists every
// change and why): the originals install MariaDB 10.1, HAProxy 1.8 and PHP 7.0 from third-party
// repositories for Debian 9, and the lab reaches nothing but Debian 12's mirror. What the web role
// downloads from wordpress.org is built from Debian 12's WordPress packages and served from this
// machine on the lab's bridge (wordpress-archives.ts).

const skip = labSkipReason();
const repo = new URL("../../..", import.meta.url).pathname;
const TOPOLOGY = new URL("../fixtures/seed-twins-topology.yml", import.meta.url).pathname;
const PORTED_DIR = join(repo, "test/fixtures/roles-debian12");
/** community.mysql for the Ansible side: ansible-core redirects the role's bare mysql_user/mysql_db there. */
const COLLECTIONS_DIR = join(repo, "test/fixtures/collections");

type Side = "a" | "b";

// What ansible-core needs on its host, given to both hosts of a pair alike: python3, python3-apt
// for Ansible's apt module (which would otherwise install it itself on the "-a" host only), and
// unzip, which Ansible's unarchive needs for the web role's plugin zips (the DigitalOcean images
// the role was written for had it; Debian's minimal image has not). And a bound on apt's HTTP
// waits, with retries: two hosts asking the lab's apt-cacher-ng for the same index in the same
// second can get an answer that never ends ("Failure to move file ... File exists" in its log),
// and apt would wait for it for ever, in this set-up or in either tool's run.
const APT_CONF = 'Acquire::http::Timeout "30";\nAcquire::Retries "5";\n';
const SETUP = [
  "set -e",
  `printf '${APT_CONF}' > /etc/apt/apt.conf.d/90seed-twins`,
  "DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null",
  "DEBIAN_FRONTEND=noninteractive apt-get -q install -y python3 python3-apt unzip >/dev/null",
].join("\n");

// The vault_* values the site's vault gives the roles, and the rest of its inventory's values.
const VAULT = {
  vault_sys_user: "wpadmin",
  vault_wp_db_name: "wordpress",
  vault_wp_db_user: "wordpress",
  vault_wp_db_pass: "wp-db-pass-seed-twins",
  vault_wp_salt: ["define('AUTH_KEY', 'seed-twins-auth-key');", "define('SECURE_AUTH_KEY', 'seed-twins-secure-auth-key');", "define('NONCE_KEY', 'seed-twins-nonce-key');"].join("\n"),
  vault_galera_root_password: "root-pass-seed-twins",
  vault_galera_sys_maint_password: "sys-maint-pass-seed-twins",
  vault_galera_clustercheck_password: "clustercheck-pass-seed-twins",
  vault_galera_ha_auth_key: "ha-auth-key-seed-twins",
  vault_galera_ha_do_token: "do-token-seed-twins",
  vault_haproxy_stats_user: "stats",
  vault_haproxy_stats_pass: "stats-pass-seed-twins",
  vault_haproxy_stats_port: 8080,
};

interface SeedCase {
  /** The ported role's directory under test/fixtures/roles-debian12. */
  dir: string;
  /** The imported role's export, as the importer names it. */
  name: string;
  /** The pair of hosts: "-a" for ansible-playbook, "-b" for do-converge. */
  hosts: Record<Side, string>;
  /** Trees beyond the snapshot's usual roots that the role writes. */
  extraRoots: string[];
  mustMove: string[];
  /**
   * Hosts whose facts the role reads (hostvars), gathered by a play before the role's, as the
   * site's playbook gathers every host's facts first. Each side's own: a file that names it is
   * compared with a placeholder for it (snapshot.ts, NamedHost), as for the host itself.
   */
  factsOf?: Record<Side, string>;
  /** Trees of the daemons' own running state left out of the comparison, each with why (snapshot.ts). */
  volatileTrees?: Readonly<Record<string, string>>;
  /** Tasks the role changes on every run, by its design, under either tool: name → why. */
  everyRun?: Readonly<Record<string, string>>;
}

// With galera_bootstrap, the Galera role's template writes `wsrep_cluster_address = gcomm://` and
// its later task rewrites that line to the cluster's addresses: each run undoes the other's line.
const GCOMM_SEESAW = "galera_bootstrap: the template writes gcomm:// and 'adjusting gcomm address on galera_bootstrap node' rewrites the line on every run";

// A shell task without changed_when or creates: Ansible reports it changed on every run, and so does do-converge.
const SHELL_EVERY_RUN = "a shell task without changed_when or creates: changed on every run under either tool";
// The web role removes wp-config-sample.php, which the WordPress tarball holds: each run finds a
// member missing, unpacks the tarball again (Ansible's unarchive compares its members too) and
// removes the file again; unpacking sets the tarball's directory modes back (0755), so the
// setgid and group-write tasks after it set them again.
const WP_REUNPACK = "the role removes wp-config-sample.php from the WordPress tarball it unpacks: each run unpacks it again (a member is missing) and removes it again";
const WP_MODES = "unpacking WordPress again sets its directories back to the tarball's 0755: the setgid and group-write tasks set them again";

const CASES: SeedCase[] = [
  {
    dir: "digitalocean.ansible-welp",
    name: "ansibleWelp",
    hosts: { a: "seedweb-a", b: "seedweb-b" },
    // The web root, and the home the role's user gets.
    extraRoots: ["/var/www", "/home/wpadmin"],
    mustMove: [
      "package nginx",
      "package php8.2-fpm",
      "sha256 /etc/nginx/nginx.conf",
      "sha256 /etc/php/8.2/fpm/php.ini",
      "sha256 /var/www/example.com/wp-config.php",
      "meta /var/www/example.com/wp-content/plugins/shibboleth",
      "passwd wpadmin",
    ],
    everyRun: {
      "Wait for no more running dpkg or apt processes": SHELL_EVERY_RUN,
      "Wait for lock files to be released": SHELL_EVERY_RUN,
      "Get active sites": SHELL_EVERY_RUN,
      "download wordpress": WP_REUNPACK,
      "remove sample config file": WP_REUNPACK,
      "setgid bit on all dirs in doc_root": WP_MODES,
      "group write access to wp-content": WP_MODES,
      "group write access to themes and plugins": WP_MODES,
    },
  },
  {
    dir: "digitalocean.ansible-galera-cluster-node",
    name: "ansibleGaleraClusterNode",
    hosts: { a: "seeddb-a", b: "seeddb-b" },
    // The client configuration the role writes for root.
    extraRoots: ["/root/.my.cnf"],
    mustMove: [
      "package mariadb-server",
      "package galera-4",
      "sha256 /etc/mysql/conf.d/cluster.cnf",
      "sha256 /etc/mysql/debian.cnf",
      "sha256 /usr/local/bin/clustercheck",
      "sha256 /etc/xinetd.d/mysqlchk",
      "sha256 /etc/services",
      "sha256 /root/.my.cnf",
      "meta /etc/mysql/galera_node_bootstrapped",
      "meta /var/lib/mysql/wordpress",
    ],
    everyRun: { "galera configuration file": GCOMM_SEESAW, "adjusting gcomm address on galera_bootstrap node": GCOMM_SEESAW, "restart mysql": `notified by "galera configuration file": ${GCOMM_SEESAW}` },
  },
  {
    dir: "digitalocean.ansible-galera-lb",
    name: "ansibleGaleraLb",
    hosts: { a: "seedlb-a", b: "seedlb-b" },
    extraRoots: [],
    // HAProxy's configuration names the side's Galera node by its facts.
    factsOf: { a: "seeddb-a", b: "seeddb-b" },
    everyRun: { "Configure pacemaker - disable stonith": SHELL_EVERY_RUN, "Configure pacemaker  quorum policy": SHELL_EVERY_RUN },
    // The two balancers are one heartbeat pair, and Pacemaker (which heartbeat brings) runs its
    // own one-node cluster on each: what their daemons write as they run is theirs, not the role's.
    volatileTrees: {
      "/var/lib/heartbeat": "heartbeat's running state (its host cache, which node it last heard, deleted nodes): written as the two balancers talk to each other, so when each wrote what depends on their timing",
      "/var/lib/pacemaker": "Pacemaker's cluster state: the CIB keeps a numbered copy of each change, and the daemons make changes of their own (elections, node attributes) as they run, so the count and names of those files depend on timing",
    },
    mustMove: ["package haproxy", "package heartbeat", "sha256 /etc/haproxy/haproxy.cfg", "sha256 /etc/ha.d/ha.cf", "sha256 /etc/ha.d/authkeys", "sha256 /etc/init.d/floatip", "sha256 /usr/local/bin/assign-ip"],
  },
];


/** The imported role's name, and its directory in the site: the vendored directory's name less its namespace. */
const roleDir = (c: SeedCase): string => c.dir.replace(/^.*\./, "");

/** A stand-in host of the inventory's ha_db_fip group, as DigitalOcean's inventory gives the floating IP; never logged in to. */
const FIP_HOST = "seed-fip";

describe.skipIf(skip !== undefined)("the seed's roles: ansible-playbook on host -a and do-converge on host -b leave the hosts alike", () => {
  const lab = Lab.fromFile(TOPOLOGY);
  const work = mkdtempSync(join(tmpdir(), "dcv-seed-twins-"));
  const archives = join(work, "archives");
  const sites = new Map(CASES.map((c) => [c.name, mkdtempSync(join(repo, `.scratch-dcv-seed-twins-${c.name}-`))]));
  const siteOf = (c: SeedCase): string => sites.get(c.name) ?? "";
  let shells: TwinShells | undefined;
  let guard: LabGuard | undefined;
  let server: Server | undefined;
  const shellsOf = (): TwinShells => {
    if (!shells) throw new Error("no sessions to the lab's hosts");
    return shells;
  };

  /**
   * One inventory per side, the same values in both: each side's groups name its own hosts, so
   * that a role that reads its group (the Galera node's cluster address) sees its own twin only.
   */
  function inventory(side: Side, base: string): string {
    const own = (c: SeedCase | undefined) => (c ? { [c.hosts[side]]: {} } : {});
    const byDir = (d: string) => CASES.find((c) => c.dir === d);
    return stringify({
      all: {
        vars: {
          ansible_user: DEPLOY_USER,
          ansible_ssh_private_key_file: lab.keyFile,
          ...VAULT,
          wp_download_url: `${base}/latest.tar.gz`,
          // The balancer pair heartbeat joins, the same on both sides: by default the role reads
          // each balancer's ansible_default_ipv4 (a droplet's public address), which a lab host,
          // with no default route, has not; the public addresses are given instead, with the names.
          primary_name: "seedlb-a",
          primary_address: lab.host("seedlb-a").publicIpv4,
          secondary_name: "seedlb-b",
          secondary_address: lab.host("seedlb-b").publicIpv4,
          wp_plugin_list: PLUGINS.map((p) => `${base}/${p}.zip`),
        },
        // name, ipv4_address_private: what DigitalOcean's inventory gives every droplet.
        hosts: Object.fromEntries(lab.topology.hosts.map((h) => [h.name, { ansible_host: h.privateIpv4, name: h.name, ipv4_address_private: h.privateIpv4 }])),
        children: {
          wp_node: { hosts: own(byDir("digitalocean.ansible-welp")) },
          // A one-node cluster per side, bootstrapped on its own node. The lab's hosts carry both
          // addresses on one interface (host0) where droplets have eth1 for the private network,
          // so the node's address is given as the role's galera_node_ip, and the bootstrap node's
          // gcomm address (by default the group's ansible_eth1 addresses) as the one node's.
          galera_cluster_node: {
            hosts: Object.fromEntries(
              [byDir("digitalocean.ansible-galera-cluster-node")?.hosts[side]].filter((h) => h !== undefined).map((h) => {
                const ip = lab.host(h).privateIpv4;
                return [h, { galera_bootstrap: true, galera_node_ip: ip, galera_gcomm_address: ip }];
              }),
            ),
          },
          // Both sides' load balancers, as the site has two: the Galera role grants its users to
          // both, the balancer role names both in heartbeat's configuration.
          galera_loadbalancer: { hosts: { "seedlb-a": {}, "seedlb-b": {} } },
          // The floating IP the web nodes reach the database through, as DigitalOcean's inventory
          // names it: a host entry with its address, never logged in to.
          ha_db_fip: { hosts: { [FIP_HOST]: { ansible_host: `${lab.topology.publicNet}.250`, ip_address: `${lab.topology.publicNet}.250` } } },
        },
      },
    });
  }

  function siteFile(c: SeedCase): string {
    return [
      `import { play, site } from "do-converge";`,
      `import { ${c.name} } from "./roles/${roleDir(c)}/index.ts";`,
      "",
      "export default site({",
      `  inventory: ["inventory.yml"],`,
      "  plays: [",
      ...(c.factsOf ? [`    play({ name: "facts", hosts: ${JSON.stringify(c.factsOf.b)}, become: true, gatherFacts: true }),`] : []),
      `    play({ name: ${JSON.stringify(c.dir)}, hosts: ${JSON.stringify(c.hosts.b)}, become: true, gatherFacts: true, roles: [${c.name}] }),`,
      "  ],",
      "});",
      "",
    ].join("\n");
  }

  const playbook = (c: SeedCase) =>
    stringify([...(c.factsOf ? [{ hosts: c.factsOf.a, become: true, gather_facts: true }] : []), { hosts: c.hosts.a, become: true, gather_facts: true, roles: [{ role: c.dir }] }]);

  beforeAll(async () => {
    if (!existsSync(join(repo, "dist/index.js"))) throw new Error("no dist/: the imported roles import the built package (npm run build; npm test builds first)");
    guard = await guardLab(lab, "the seed's twins test");
    await lab.up();
    buildWordpressArchives(archives);
    const files = new Map(["latest.tar.gz", ...PLUGINS.map((p) => `${p}.zip`)].map((f) => [`/${f}`, readFileSync(join(archives, f))]));
    const srv = createServer((req, res) => {
      const body = files.get(req.url ?? "");
      if (body === undefined) return void res.writeHead(404).end("not here\n");
      res.end(body);
    });
    server = srv;
    await new Promise<void>((resolve) => srv.listen(0, lab.topology.gatewayPrivate, resolve));
    const base = `http://${lab.topology.gatewayPrivate}:${(srv.address() as AddressInfo).port}`;

    const hosts = CASES.flatMap((c) => [c.hosts.a, c.hosts.b]);
    shells = await TwinShells.open(lab, hosts);
    // One host after the other: apt-get updates at once make apt-cacher-ng trip over its own
    // InRelease file (see APT_CONF), even once one host has filled the cache.
    for (const h of hosts) await shellsOf().asRoot(h, SETUP);

    writeFileSync(join(work, "inventory.yml"), inventory("a", base));
    // The ported role runs as it is, found by its directory's name.
    writeAnsibleCfg(work, { rolesPath: PORTED_DIR, knownHostsFile: lab.knownHostsFile, forks: lab.topology.hosts.length });
    for (const c of CASES) {
      writeFileSync(join(siteOf(c), "inventory.yml"), inventory("b", base));
      // Into roles/<the role's name> (ansible-welp, as the importer names it from the directory):
      // the engine finds a role's templates and files under the directory named after the role.
      const imported = importRole(join(PORTED_DIR, c.dir), { out: join(siteOf(c), "roles", roleDir(c)) });
      if (imported.notConverted.length > 0) throw new Error(`${c.dir}: not converted: ${imported.notConverted.map((n) => `${n.at} ${n.what}: ${n.why}`).join("; ")}`);
      writeFileSync(join(siteOf(c), "site.ts"), siteFile(c));
      writeFileSync(join(work, `${c.dir}.yml`), playbook(c));
    }
  }, 1_200_000);

  afterAll(async () => {
    server?.close();
    await endTwins({ lab, shells, guard, work, dirs: [...sites.values()] });
  }, 120_000);

  const runAnsible = (c: SeedCase) =>
    ansiblePlaybook({ work, inventory: join(work, "inventory.yml"), playbook: join(work, `${c.dir}.yml`), extraEnv: { ANSIBLE_COLLECTIONS_PATH: COLLECTIONS_DIR } });
  const runOurs = (c: SeedCase, n: number) => doConverge({ siteDir: siteOf(c), knownHostsFile: lab.knownHostsFile, n });

  // The three roles' pairs are six hosts of their own: the cases run side by side (the web role's
  // Ansible run alone takes most of the file's time), each its first runs and then its second.
  for (const c of CASES) {
    it.concurrent(`${c.dir}: both first runs leave the hosts alike but for the listed differences; in the second runs do-converge changes nothing (both no-op times printed)`, async () => {
      const snap = (side: Side) =>
        shellsOf().snapshot(c.hosts[side], { extraContentRoots: c.extraRoots, ...(c.factsOf ? { peers: { peer: c.factsOf[side] } } : {}), ...(c.volatileTrees ? { volatileTrees: c.volatileTrees } : {}) });
      const [ansibleBefore, oursBefore] = await Promise.all([snap("a"), snap("b")]);
      // Both runs end before either is judged: a run left going would meet the second runs.
      const [ansibleRun, oursRun] = await Promise.allSettled([runAnsible(c), runOurs(c, 1)]);
      if (ansibleRun.status === "rejected") throw ansibleRun.reason;
      if (oursRun.status === "rejected") throw oursRun.reason;
      const [ansible, ours] = [ansibleRun.value, oursRun.value];
      expect(ansible.code, ansible.stdout).toBe(0);
      expect(ours.code, ours.out).toBe(0);
      const [ansibleAfter, oursAfter] = await Promise.all([snap("a"), snap("b")]);
      expectTwinsAlike({
        name: c.dir,
        hosts: { ansible: c.hosts.a, ours: c.hosts.b },
        snapshots: { ansibleBefore, ansibleAfter, oursBefore, oursAfter },
        mustMove: c.mustMove,
        listed: SEED_DIFFERENCES[c.dir] ?? {},
        listFile: "seed-twins-differences.ts",
      });

      const again = await runAnsible(c);
      expect(again.code, again.stdout).toBe(0);
      const noop = await runOurs(c, 2);
      expectNoOp({ name: c.dir, ansibleHost: c.hosts.a, ansible: again, ours: noop, ...(c.everyRun ? { everyRun: c.everyRun } : {}) });
      // First runs install a web or database stack through the lab's apt cache, on six hosts at once.
    }, 2_400_000);
  }
});
