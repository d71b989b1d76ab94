import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { type LabGuard, guardLab } from "../guard.js";
import { Lab } from "../lab.js";
import { TwinShells, ansiblePlaybook as runAnsible, doConverge as runOurs, endTwins, expectNoOp, expectTwinsAlike, writeAnsibleCfg } from "./twins-harness.js";
import { KNOWN_DIFFERENCES } from "./twins-differences.js";

// Proof that an imported role does what the Ansible role does: on two hosts that start alike,
// ansible-playbook runs a vendored public role as it is (twin1), and do-converge runs the same
// role as `do-converge import role` converted it (twin2), with the same variables. Everything
// either run moved (files with their content, mode and owner; packages; units; users and groups;
// sysctl) must end the same on both hosts, but for a listed difference with its reason
// (twins-differences.ts); then do-converge's second run changes nothing.
//
// The site runs from a directory inside the repository, so that the imported role's
// `import ... from "do-converge"` resolves to this package as an operator's would (its dist/:
// `npm test` builds it first), and through the built CLI, as operators run it.

const skip = labSkipReason();
const repo = new URL("../../..", import.meta.url).pathname;
const TOPOLOGY = new URL("../fixtures/twins-topology.yml", import.meta.url).pathname;
const ROLES_DIR = join(repo, "test/fixtures/roles");
const ANSIBLE_HOST = "twin1";
const OUR_HOST = "twin2";

// What ansible-core needs on its host, given to both hosts alike: python3, and python3-apt for
// Ansible's apt module, which would otherwise install it (and netbase, distro-info-data) itself
// on twin1 only, a difference of the tool and not of the role.
const SETUP = ["set -e", "DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null", "DEBIAN_FRONTEND=noninteractive apt-get -q install -y python3 python3-apt >/dev/null"].join("\n");

interface RoleCase {
  /** The vendored role's directory under test/fixtures/roles. */
  vendored: string;
  /** The imported role's name (its export and roles/ directory). */
  name: string;
  /** Variables both tools get, from one inventory: some beside the role's defaults. */
  vars: Record<string, unknown>;
  /** Keys the role must have moved on both hosts: the comparison is not of two runs that did nothing. */
  mustMove: string[];
}

const CASES: RoleCase[] = [
  {
    vendored: "geerlingguy.memcached",
    name: "memcached",
    vars: { memcached_memory_limit: 96, memcached_connections: 2048, memcached_threads: 2 },
    mustMove: ["package memcached", "sha256 /etc/memcached.conf", "unit memcached.service", "passwd memcache"],
  },
  {
    vendored: "geerlingguy.redis",
    name: "redis",
    vars: { redis_port: 6380, redis_databases: 8, redis_save: ["900 1"], redis_maxmemory_policy: "allkeys-lru" },
    mustMove: ["package redis-server", "sha256 /etc/redis/redis.conf", "unit redis-server.service", "passwd redis"],
  },
  {
    vendored: "geerlingguy.haproxy",
    name: "haproxy",
    vars: { haproxy_frontend_port: 8081, haproxy_backend_servers: [{ name: "app1", address: "127.0.0.1:8080" }, { name: "app2", address: "127.0.0.1:8090" }] },
    mustMove: ["package haproxy", "sha256 /etc/haproxy/haproxy.cfg", "unit haproxy.service", "passwd haproxy"],
  },
  {
    vendored: "geerlingguy.nginx",
    name: "nginx",
    vars: { nginx_worker_connections: "512", nginx_vhosts: [{ listen: "8082", server_name: "twins.test", root: "/var/www/twins", index: "index.html" }] },
    mustMove: ["package nginx", "sha256 /etc/nginx/nginx.conf", "unit nginx.service"],
  },
  {
    vendored: "geerlingguy.firewall",
    name: "firewall",
    // Port 22 stays open: the test's own SSH logins come in on it after the firewall is up.
    vars: { firewall_allowed_tcp_ports: ["22", "8081", "8082"], firewall_allowed_udp_ports: ["161"], firewall_additional_rules: ["iptables -A INPUT -p tcp --dport 6380 -s 127.0.0.1 -j ACCEPT"], firewall_log_dropped_packets: false },
    mustMove: ["package iptables", "sha256 /etc/firewall.bash", "sha256 /etc/systemd/system/firewall.service", "unit firewall.service"],
  },
  {
    vendored: "geerlingguy.java",
    name: "java",
    // The headless JDK: the role's Debian 12 default (openjdk-17-jdk) pulls in a desktop's worth of X libraries.
    vars: { java_packages: ["openjdk-17-jdk-headless"], java_home: "/usr/lib/jvm/java-17-openjdk-amd64" },
    mustMove: ["package openjdk-17-jdk-headless:amd64", "sha256 /etc/profile.d/java_home.sh", "manual openjdk-17-jdk-headless"],
  },
  {
    vendored: "geerlingguy.security",
    name: "security",
    // sshd keeps port 22 and key logins (the role's defaults turn passwords and root logins off, which the
    // test does not use); the deploy user the test logs in as is the one user allowed in, and keeps its sudo.
    vars: { security_ssh_allowed_users: [DEPLOY_USER], security_sudoers_passwordless: [DEPLOY_USER], security_autoupdate_blacklist: ["linux-image-amd64"] },
    mustMove: ["package fail2ban", "sha256 /etc/fail2ban/jail.local", "unit fail2ban.service", "sha256 /etc/ssh/sshd_config", "sha256 /etc/sudoers", "package unattended-upgrades", "sha256 /etc/apt/apt.conf.d/50unattended-upgrades"],
  },
];

function siteFile(c: RoleCase): string {
  return [
    `import { play, site } from "do-converge";`,
    `import { ${c.name} } from "./roles/${c.name}/index.ts";`,
    "",
    "export default site({",
    `  inventory: ["inventory.yml"],`,
    `  plays: [play({ name: ${JSON.stringify(c.name)}, hosts: ${JSON.stringify(OUR_HOST)}, become: true, gatherFacts: true, roles: [${c.name}] })],`,
    "});",
    "",
  ].join("\n");
}

function playbook(c: RoleCase): string {
  return stringify([{ hosts: ANSIBLE_HOST, become: true, gather_facts: true, roles: [{ role: c.vendored }] }]);
}

describe.skipIf(skip !== undefined)("imported roles: ansible-playbook on twin1 and do-converge on twin2 leave the hosts alike", () => {
  const lab = Lab.fromFile(TOPOLOGY);
  const work = mkdtempSync(join(tmpdir(), "dcv-twins-"));
  /** A site directory per role, each with only its own role: a run reads nothing of the other. */
  const sites = new Map(CASES.map((c) => [c.name, mkdtempSync(join(repo, `.scratch-dcv-twins-${c.name}-`))]));
  const siteOf = (c: RoleCase): string => sites.get(c.name) ?? "";
  let shells: TwinShells | undefined;
  let guard: LabGuard | undefined;

  const asRoot = (host: string, script: string): Promise<string> => (shells ? shells.asRoot(host, script) : Promise.reject(new Error(`no session to ${host}`)));
  const snapshot = (host: string) => (shells ? shells.snapshot(host) : Promise.reject(new Error(`no session to ${host}`)));

  beforeAll(async () => {
    if (!existsSync(join(repo, "dist/index.js"))) throw new Error("no dist/: the imported roles import the built package (npm run build; npm test builds first)");
    guard = await guardLab(lab, "imported roles twins test");
    await lab.up();
    shells = await TwinShells.open(lab, [ANSIBLE_HOST, OUR_HOST]);
    await Promise.all([ANSIBLE_HOST, OUR_HOST].map((h) => asRoot(h, SETUP)));

    // One inventory for both tools: the same variables reach the role on either host.
    const vars = Object.assign({}, ...CASES.map((c) => c.vars)) as Record<string, unknown>;
    const inventory = stringify({
      all: {
        vars: { ansible_user: DEPLOY_USER, ansible_ssh_private_key_file: lab.keyFile, ...vars },
        hosts: Object.fromEntries([ANSIBLE_HOST, OUR_HOST].map((n) => [n, { ansible_host: lab.host(n).privateIpv4 }])),
      },
    });
    writeFileSync(join(work, "inventory.yml"), inventory);
    // The vendored role runs as it is, found by its directory's name.
    writeAnsibleCfg(work, { rolesPath: ROLES_DIR, knownHostsFile: lab.knownHostsFile, forks: lab.topology.hosts.length });
    for (const c of CASES) {
      writeFileSync(join(siteOf(c), "inventory.yml"), inventory);
      const imported = importRole(join(ROLES_DIR, c.vendored), { out: join(siteOf(c), "roles", c.name) });
      if (imported.notConverted.length > 0) throw new Error(`${c.vendored}: ${imported.notConverted.length} tasks left to convert by hand`);
      writeFileSync(join(siteOf(c), "site.ts"), siteFile(c));
      writeFileSync(join(work, `${c.name}.yml`), playbook(c));
    }
  }, 900_000);

  afterAll(() => endTwins({ lab, shells, guard, work, dirs: [...sites.values()] }), 120_000);

  const ansiblePlaybook = (c: RoleCase) => runAnsible({ work, inventory: join(work, "inventory.yml"), playbook: join(work, `${c.name}.yml`) });
  const doConverge = (c: RoleCase, n: number) => runOurs({ siteDir: siteOf(c), knownHostsFile: lab.knownHostsFile, n });

  for (const c of CASES) {
    describe(c.vendored, () => {
      it("both runs leave the hosts alike, but for the listed differences", async () => {
        const [ansibleBefore, oursBefore] = await Promise.all([snapshot(ANSIBLE_HOST), snapshot(OUR_HOST)]);
        const [ansible, ours] = await Promise.all([ansiblePlaybook(c), doConverge(c, 1)]);
        expect(ansible.code, ansible.stdout).toBe(0);
        expect(ours.code, ours.out).toBe(0);
        const [ansibleAfter, oursAfter] = await Promise.all([snapshot(ANSIBLE_HOST), snapshot(OUR_HOST)]);

        expectTwinsAlike({
          name: c.name,
          hosts: { ansible: ANSIBLE_HOST, ours: OUR_HOST },
          snapshots: { ansibleBefore, ansibleAfter, oursBefore, oursAfter },
          mustMove: c.mustMove,
          listed: KNOWN_DIFFERENCES[c.name] ?? {},
          listFile: "twins-differences.ts",
        });
      });

      it("second runs: do-converge changes nothing (both no-op times printed)", async () => {
        const ansible = await ansiblePlaybook(c);
        expect(ansible.code, ansible.stdout).toBe(0);
        const ours = await doConverge(c, 2);
        expect(ours.code, ours.out).toBe(0);
        expectNoOp({ name: c.name, ansibleHost: ANSIBLE_HOST, ansible, ours });
      });
    });
  }
});
