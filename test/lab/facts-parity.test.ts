import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { factsAsVars } from "../../src/facts/as-vars.js";
import { gatherFacts } from "../../src/facts/gather.js";
import { RemoteShell } from "../../src/remote/shell.js";
import { connectSsh, defaultSshOptions } from "../../src/transport/ssh.js";
import { ansibleEnv } from "../ansible-core/env.js";
import { labSkipReason } from "./availability.js";
import { DEPLOY_USER } from "./base.js";
import { compareFacts } from "./facts-parity/compare.js";
import { COMPARISONS, KNOWN_DIFFERENCES } from "./facts-parity/differences.js";
import { type LabGuard, guardLab } from "./guard.js";
import { Lab } from "./lab.js";
import { knownKeys, labSsh } from "./ssh.js";

// The differential facts test: on a Debian 12 host of its own lab (fixtures/facts-topology.yml,
// the only lab host that gets python3), ansible-core's setup module and do-converge's gather
// run one after the other, as the login user and with become, and every fact is compared under
// Ansible's name: equal, or compared by shape where two gathers cannot agree (the clock), or a
// listed difference with its reason. The host first gets what exercises more of the collectors:
// a default route, an IPv6 address and route, a labelled secondary address, and facts.d files.

const run = promisify(execFile);
const skip = labSkipReason();
const TOPOLOGY = new URL("./fixtures/facts-topology.yml", import.meta.url).pathname;
const HOST = "facts1";

const SETUP = [
  "set -e",
  "DEBIAN_FRONTEND=noninteractive apt-get -q update >/dev/null",
  "DEBIAN_FRONTEND=noninteractive apt-get -q install -y python3 >/dev/null",
  "ip route replace default via 10.87.0.1 dev host0",
  "ip -6 addr replace fd87::10/64 dev host0 nodad",
  "ip -6 route replace default via fd87::1 dev host0",
  "ip addr replace 10.87.0.20/24 dev host0 label host0:1",
  "mkdir -p /etc/ansible/facts.d",
  `printf '%s\\n' '{"role": "db", "weight": 3, "tags": ["a", "b"], "ok": true}' >/etc/ansible/facts.d/app.fact`,
  `printf '%s\\n' '[general]' 'Name = web' 'path: /srv/%(name)s' '[DEFAULT]' 'zone = z1' >/etc/ansible/facts.d/site.fact`,
  `printf '%s\\n' '#!/bin/sh' 'echo "{\\"user\\": \\"$(id -un)\\"}"' >/etc/ansible/facts.d/who.fact`,
  "chmod 755 /etc/ansible/facts.d/who.fact",
  `printf '%s\\n' 'not json' >/etc/ansible/facts.d/broken.fact`,
].join("\n");

describe.skipIf(skip !== undefined)("facts: do-converge's gather against ansible-core's setup module on the same Debian 12 host", () => {
  const lab = Lab.fromFile(TOPOLOGY);
  const work = mkdtempSync(join(tmpdir(), "dcv-facts-parity-"));
  let guard: LabGuard | undefined;

  beforeAll(async () => {
    guard = await guardLab(lab, "facts parity test");
    await lab.up();
    const h = lab.host(HOST);
    const s = await labSsh({ host: h.privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, HOST) });
    try {
      const r = await s.exec(`sudo -n sh -c '${SETUP.replace(/'/g, `'"'"'`)}'`);
      if (r.code !== 0) throw new Error(`${HOST}: set-up failed: ${r.stderr}`);
    } finally {
      s.close();
    }
  }, 600_000);

  afterAll(async () => {
    try {
      await lab.down();
    } finally {
      guard?.release();
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);

  /** ansible -m setup against the host, with the system's ansible (not whatever npm's bin directories hold). */
  async function ansibleSetup(become: boolean): Promise<Record<string, unknown>> {
    const dir = mkdtempSync(join(work, "ansible-"));
    const cfg = join(dir, "ansible.cfg");
    writeFileSync(
      cfg,
      [
        "[defaults]",
        "host_key_checking = True",
        "interpreter_python = /usr/bin/python3",
        "[ssh_connection]",
        `ssh_args = -o ControlMaster=no -o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes`,
        "",
      ].join("\n"),
    );
    const h = lab.host(HOST);
    const env = ansibleEnv(dir, { config: cfg });
    const args = ["all", "-i", `${h.privateIpv4},`, "-u", DEPLOY_USER, "--private-key", lab.keyFile, "-m", "setup", ...(become ? ["-b"] : [])];
    const r = await run("ansible", args, { env, maxBuffer: 64 * 1024 * 1024 });
    const json = r.stdout.slice(r.stdout.indexOf("=> ") + 3);
    return (JSON.parse(json) as { ansible_facts: Record<string, unknown> }).ansible_facts;
  }

  /** do-converge's gather over its own SSH transport and remote shell, as a play gathers. */
  async function ourFacts(become: boolean): Promise<Record<string, unknown>> {
    const h = lab.host(HOST);
    const opts = { ...defaultSshOptions(), knownHostsFiles: [lab.knownHostsFile], useAgent: false, sshConfigFile: join(work, "no-ssh-config") };
    const conn = await connectSsh({ name: HOST, address: h.privateIpv4, user: DEPLOY_USER, privateKeyFiles: [lab.keyFile] }, opts);
    try {
      const sh = await RemoteShell.open(conn, become ? { user: "root" } : undefined);
      const { ansible_facts: _namespaced, ...injected } = factsAsVars(await gatherFacts(sh));
      return injected;
    } finally {
      await conn.close();
    }
  }

  for (const become of [false, true]) {
    it(`every fact matches or is a listed difference (${become ? "become root" : "as the login user"})`, async () => {
      const ansible = await ansibleSetup(become);
      const ours = await ourFacts(become);
      const outcomes = compareFacts(ansible, ours, COMPARISONS, KNOWN_DIFFERENCES);
      const equal = outcomes.filter((o) => o.status === "equal").length;
      const listed = outcomes.filter((o) => o.status === "known-difference");
      console.log(`facts parity (${become ? "become" : "login user"}): ${equal} of ${outcomes.length} facts equal; ${listed.length} listed differences: ${listed.map((o) => o.fact).join(", ")}`);
      expect(outcomes.filter((o) => o.status === "unexpected-difference" || o.status === "listed-but-equal")).toEqual([]);
      // The host's set-up shows in the facts: these are compared above, and must be there to compare.
      expect(ours.ansible_default_ipv4).toMatchObject({ interface: "host0", gateway: "10.87.0.1", address: "10.87.0.10" });
      expect(ours.ansible_host0_1).toMatchObject({ ipv4_secondaries: [{ address: "10.87.0.20", prefix: "24" }] });
      expect(Object.keys(ours.ansible_local as object).sort()).toEqual(["app", "broken", "site", "who"]);
      expect(ours.ansible_python).toMatchObject({ executable: "/usr/bin/python3" });
    }, 300_000);
  }
});
