import { cpSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, changedTasks, explain, total } from "./harness.js";

const skip = labSkipReason();
const repo = new URL("../../..", import.meta.url).pathname;
const RECORD = "/var/lib/do-converge/pending-handlers/default/spare1.json";

// The reference site's HAProxy role on spare1: a configuration change whose reload is lost to a
// failed run (here: the next task, enabling the unit, fails because it is masked) is reloaded by
// the next converge, though haproxy.cfg is already as it should be. The engine's pending
// handlers do this now; the role no longer keeps a stamp of its own.
const SITE = `
import { site, play } from "$DSL";
import { haproxy } from "./roles/haproxy/index.ts";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "load balancer", hosts: "spare1", become: true, roles: [haproxy] })],
});
`;

describe.skipIf(skip !== undefined)("haproxy: a reload lost to a failed run is made by the next converge", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  let t: TestSite;
  const sh = (cmd: string) => root.run("spare1", cmd);
  /** haproxy's master process and its worker: a reload replaces the worker, never the master. */
  const pids = async () => {
    const master = (await sh("systemctl show -p MainPID --value haproxy")).trim();
    return { master, worker: (await sh(`pgrep -P ${master} haproxy`)).trim() };
  };
  const cleanup = "systemctl unmask haproxy 2>/dev/null; apt-get purge -y -q haproxy >/dev/null 2>&1; rm -rf /etc/haproxy /etc/sysctl.d/60-haproxy-nonlocal-bind.conf ${RECORD}";

  beforeAll(async () => {
    await lab.up();
    await sh(cleanup);
    const spare1 = lab.host("spare1").privateIpv4;
    // Inside the repository, so that the roles' `import ... from "do-converge"` resolves to this
    // package (its dist/: build it first); the roles and template laid out as beside site.ts.
    t = new TestSite(lab, { "site.ts": SITE }, ["spare1"], repo);
    for (const f of ["roles/haproxy", "roles/common", "templates/haproxy.cfg.njk"]) cpSync(join(repo, f), join(t.dir, f), { recursive: true });
    t.write(
      "inventory.yml",
      stringify({
        all: {
          vars: {
            ansible_user: DEPLOY_USER,
            ansible_ssh_private_key_file: lab.keyFile,
            reserved_ip: spare1,
            haproxy_bind_addresses: [spare1],
            haproxy_stats_password: "lab-stats-password",
          },
          hosts: { spare1: { ansible_host: spare1 } },
          // Backend servers only: never contacted by this converge.
          children: { database: { hosts: Object.fromEntries(["db1", "db2"].map((n) => [n, { ansible_host: lab.host(n).privateIpv4 }])) } },
        },
      }),
    );
  });
  afterAll(async () => {
    await sh(cleanup).catch(() => "");
    root.close();
    t.remove();
  });

  it("installs; a change whose reload a failure cut off; the next converge reloads only; then nothing", async () => {
    const first = await t.converge(["--no-typecheck"]);
    expect(first.code, explain(first)).toBe(0);
    const before = await pids();
    expect(before.worker).toMatch(/^\d+$/);

    await sh("systemctl mask haproxy");
    const cut = await t.converge(["--no-typecheck", "-e", "{haproxy_maxconn: 4096}"]);
    expect(cut.code, explain(cut)).toBe(2);
    expect(changedTasks(cut)).toContain("haproxy.cfg");
    expect(changedTasks(cut)).not.toContain("reload haproxy");
    expect(await pids()).toEqual(before);
    expect(await sh(`cat ${RECORD}`)).toContain('"handler": "reload haproxy"');

    await sh("systemctl unmask haproxy");
    const next = await t.converge(["--no-typecheck", "-e", "{haproxy_maxconn: 4096}"]);
    expect(next.code, explain(next)).toBe(0);
    expect(changedTasks(next), explain(next)).toEqual(["reload haproxy"]);
    expect(next.stdout).toContain("ok: [spare1] reload haproxy (pending from an earlier run)");
    const after = await pids();
    expect(after.master).toBe(before.master);
    expect(after.worker).not.toBe(before.worker);
    expect(await sh(`grep -q 'maxconn 4096' /etc/haproxy/haproxy.cfg && echo new-config; test -e ${RECORD} && echo record || echo no-record`)).toBe("new-config\nno-record\n");

    const again = await t.converge(["--no-typecheck", "-e", "{haproxy_maxconn: 4096}"]);
    expect(again.code, explain(again)).toBe(0);
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
