import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ansibleEnv } from "../../ansible-core/env.js";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

// service_facts, package_facts and slurp on web3 against ansible-core's own modules on the same
// host, one run after the other: the same template renders what each set (the facts read as
// `ansible_facts.services` and as `packages`, slurp's registered result) and the two are
// compared. ansible-core needs python3 and python3-apt there: the test installs them and purges
// again whatever that installation added. A unit that failed and a unit file that systemd never
// loaded exercise service_facts' two systemd readings.

const run = promisify(execFile);
const skip = labSkipReason();
const HOST = "web3";
const DIR = "/srv/dcv-facts";
const UNITS = "/etc/systemd/system";

const TEMPLATE = `{{ {'services': ansible_facts.services, 'packages': packages, 'timesyncd': 'systemd-timesyncd.service' in services, 'slurp': slurped} | to_json }}\n`;

const SITE = playSite(
  "facts modules",
  { D: DIR },
  `
    await h.service_facts({}, { name: "services" });
    await h.package_facts({ manager: "apt" }, { name: "packages" });
    const slurped = await h.slurp({ src: D + "/data.bin" }, { name: "slurp" });
    await h.template({ src: "facts.j2", dest: D + "/ours.json", vars: { slurped: { content: slurped.content, encoding: slurped.encoding, source: slurped.source } } }, { name: "record" });
`,
);

const PLAYBOOK = `- hosts: all
  gather_facts: false
  become: true
  tasks:
    - service_facts:
    - package_facts: { manager: apt }
    - slurp: { src: ${DIR}/data.bin }
      register: slurp_result
    - set_fact: { slurped: { content: "{{ slurp_result.content }}", encoding: "{{ slurp_result.encoding }}", source: "{{ slurp_result.source }}" } }
    - template: { src: facts.j2, dest: ${DIR}/ansible.json }
`;

interface Rendered {
  services: Record<string, unknown>;
  packages: Record<string, Array<Record<string, unknown>>>;
  timesyncd: boolean;
  slurp: { content: string; encoding: string; source: string };
}

describe.skipIf(skip !== undefined)("service_facts, package_facts and slurp against ansible-core's on a real host (web3)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  const work = mkdtempSync(join(tmpdir(), "dcv-facts-ansible-"));
  let site: TestSite;
  let added: string[] = [];

  const packagesNow = async () => (await sh("dpkg-query -W -f '${Package}\\n' | sort")).split("\n").filter(Boolean);

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "templates/facts.j2": TEMPLATE }, async () => {
      const before = await packagesNow();
      const r = await sh("DEBIAN_FRONTEND=noninteractive apt-get -q install -y python3 python3-apt >/dev/null 2>&1; echo $?");
      if (r.trim() !== "0") throw new Error(`${HOST}: installing python3 python3-apt failed`);
      added = (await packagesNow()).filter((p) => !before.includes(p));
      await sh(
        [
          `rm -rf ${DIR}; mkdir -p ${DIR}; printf '\\000\\001\\377hello\\n' > ${DIR}/data.bin`,
          `printf '[Service]\\nType=oneshot\\nExecStart=/bin/false\\n' > ${UNITS}/dcv-facts-broken.service`,
          `printf '[Service]\\nExecStart=/bin/sleep infinity\\n[Install]\\nWantedBy=multi-user.target\\n' > ${UNITS}/dcv-facts-idle.service`,
          "systemctl daemon-reload; systemctl start dcv-facts-broken.service; true",
        ].join("\n"),
      );
    });
    writeFileSync(join(work, "facts.j2"), TEMPLATE);
    writeFileSync(join(work, "playbook.yml"), PLAYBOOK);
    writeFileSync(join(work, "inventory.yml"), `all:\n  hosts:\n    ${HOST}: { ansible_host: ${lab.host(HOST).privateIpv4}, ansible_user: ${DEPLOY_USER}, ansible_ssh_private_key_file: ${lab.keyFile} }\n`);
    writeFileSync(
      join(work, "ansible.cfg"),
      ["[defaults]", "host_key_checking = True", "interpreter_python = /usr/bin/python3", "[ssh_connection]", `ssh_args = -o ControlMaster=no -o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes`, ""].join("\n"),
    );
  }, 600_000);

  afterAll(async () => {
    await closeSite(root, site, () =>
      sh(
        [
          `rm -rf ${DIR} ${UNITS}/dcv-facts-broken.service ${UNITS}/dcv-facts-idle.service`,
          "systemctl reset-failed dcv-facts-broken.service; systemctl daemon-reload",
          ...(added.length > 0 ? [`DEBIAN_FRONTEND=noninteractive apt-get -q purge -y ${added.join(" ")} >/dev/null 2>&1`] : []),
          "true",
        ].join("\n"),
      ),
    );
    rmSync(work, { recursive: true, force: true });
  }, 300_000);

  it("gives what ansible-core's modules give, read through the facts as roles read them", async () => {
    const env = ansibleEnv(join(work, "env"), { config: join(work, "ansible.cfg") });
    const a = await run("ansible-playbook", ["-i", join(work, "inventory.yml"), join(work, "playbook.yml")], { env, cwd: work, maxBuffer: 64 << 20 }).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`ansible-playbook failed:\n${e.stdout ?? ""}\n${e.stderr ?? ""}`);
    });
    expect(a.stdout).toMatch(/failed=0/);
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    const theirs = JSON.parse(await sh(`cat ${DIR}/ansible.json`)) as Rendered;
    const ours = JSON.parse(await sh(`cat ${DIR}/ours.json`)) as Rendered;

    expect(ours.services).toEqual(theirs.services);
    expect(ours.services["dcv-facts-broken.service"]).toEqual({ name: "dcv-facts-broken.service", state: "stopped", status: "failed", source: "systemd" });
    expect(ours.services["dcv-facts-idle.service"]).toEqual({ name: "dcv-facts-idle.service", state: "inactive", status: "disabled", source: "systemd" });
    expect(Object.values(ours.services).some((s) => (s as { source: string }).source === "sysv")).toBe(true);
    expect(ours.timesyncd).toBe(theirs.timesyncd);

    // Ansible's entries carry the origin of the version's first repository, which dpkg does not know: all else is equal.
    // category: dpkg's status file has the Section the package was installed with, python-apt the
    // repository's, which Debian 12 changed for lsb-base (oldlibs there, misc here).
    const CATEGORY_DIFFERS = ["lsb-base"];
    const strip = (p: Rendered["packages"], dropCategory: boolean) =>
      Object.fromEntries(Object.entries(p).map(([k, list]) => [k, list.map(({ origin: _o, category, ...rest }) => (dropCategory ? rest : { ...rest, category }))]));
    expect(strip(ours.packages, true)).toEqual(strip(theirs.packages, true));
    const differing = Object.keys(ours.packages).filter((k) => ours.packages[k]?.[0]?.category !== theirs.packages[k]?.[0]?.category);
    expect(differing.filter((k) => !CATEGORY_DIFFERS.includes(k))).toEqual([]);
    expect(ours.packages.python3?.[0]).toMatchObject({ name: "python3", source: "apt" });

    expect(ours.slurp).toEqual(theirs.slurp);
    expect(Buffer.from(ours.slurp.content, "base64")).toEqual(Buffer.from("\x00\x01\xffhello\n", "latin1"));

    const second = await site.converge();
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("runs in check mode (they only read) and sees a service changed by hand", async () => {
    await sh("systemctl start dcv-facts-idle.service");
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(check.report?.tasks.filter((t) => t.task !== "record").map((t) => [t.task, t.status])).toEqual([
      ["services", "ok"],
      ["packages", "ok"],
      ["slurp", "ok"],
    ]);
    expect(changedTasks(check)).toEqual(["record"]);
    expect(check.stdout).toMatch(/^\+.*"dcv-facts-idle\.service": \{[^}]*"state": "running"/m);
    await sh("systemctl stop dcv-facts-idle.service");
  });

  it("a missing file is slurp's clear error", async () => {
    site.write("missing.ts", playSite("slurp missing", { D: DIR }, `await h.slurp({ src: D + "/nope" }, { name: "missing", ignoreErrors: true });`));
    const r = await site.converge([], { site: "missing.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(r.report?.tasks[0]).toMatchObject({ status: "ignored", msg: `file not found: ${DIR}/nope` });
  });
});
