import { randomBytes } from "node:crypto";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isEncrypted } from "../../src/secrets/envelope.js";
import { SecretsKeyring } from "../../src/secrets/keyring.js";
import { labSkipReason } from "../lab/availability.js";
import { type Report, RootShells } from "../lab/engine/harness.js";
import { type LabGuard, guardLab } from "../lab/guard.js";
import { Lab } from "../lab/lab.js";
import { waitUntil } from "../lab/net.js";
import { type LabSiteRun, prepareLabSite, runCli } from "../lab/reference-site.js";
import { type WordPressNode, createPost, getPage, readPost } from "./wordpress-client.js";

// The mission's proof: the repository's own site.ts, roles, templates and inventory converge the
// WordPress HA stack on fresh lab droplets found through the (fake) DigitalOcean API by tag; then
// the failures the Navigator's Guide promises to survive, a re-converge after them, and a change
// of one group variable. The site runs from a copy (.e2e-site/, inside the repository so that
// `import ... from "do-converge"` resolves to this package) with its own generated secrets.

const skip = labSkipReason();
const repo = new URL("../..", import.meta.url).pathname;
const SITE_DIR = join(repo, ".e2e-site");
const DB = ["db1", "db2", "db3"];
const LB = ["lb1", "lb2"];
const WEB = ["web1", "web2", "web3"];

interface Run {
  code: number | null;
  output: string;
  report: Report;
}

function changed(r: Run, host?: string): string[] {
  return r.report.tasks.filter((t) => t.changed && (host === undefined || t.host === host)).map((t) => `${t.host}: ${t.task}`);
}

function totalOf(r: Run, key: "changed" | "failed" | "unreachable"): number {
  return Object.values(r.report.recap).reduce((n, s) => n + s[key], 0);
}

describe.skipIf(skip !== undefined)("the reference site on the lab", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  let run: LabSiteRun;
  let login: { user: string; password: string };
  let stats: { user: string; password: string };
  /** Every secret of the run (generated ones and the API token): none may appear in any output. */
  let secretValues: string[] = [];
  let passwordArgs: string[] = [];
  let siteHost: string;
  let clusterUuid: string;
  let runs = 0;

  const node = (name: string): WordPressNode => ({ baseUrl: `http://${lab.host(name).privateIpv4}`, host: siteHost });

  const converge = async (...extra: string[]): Promise<Run> => {
    const json = join(SITE_DIR, `report-${++runs}.json`);
    const r = await runCli(["site.ts", ...run.args, ...passwordArgs, "--json", json, ...extra], { cwd: SITE_DIR, env: run.env });
    const output = `exit ${r.code}\n${r.stdout}\n${r.stderr}`;
    expect(existsSync(json), output).toBe(true);
    const reportText = readFileSync(json, "utf8");
    const leaked = secretValues.filter((v) => output.includes(v) || reportText.includes(v));
    expect(leaked.length, "a secret value appeared in the output or the JSON report").toBe(0);
    return { code: r.code, output, report: JSON.parse(reportText) as Report };
  };

  const status = async (name: string, variable: string): Promise<string> => {
    const out = await root.run(name, `mysql -NBe "SHOW GLOBAL STATUS LIKE '${variable}'"`);
    return out.trim().split("\t")[1] ?? "";
  };

  const holder = async (): Promise<string | undefined> => {
    const res = await fetch(`${lab.api.url}/v2/reserved_ips/${run.reservedIp}`, { headers: { authorization: `Bearer ${lab.api.token}` } });
    const body = (await res.json()) as { reserved_ip: { droplet: { name: string } | null } };
    return body.reserved_ip.droplet?.name;
  };

  const holdsAddress = async (name: string): Promise<boolean> =>
    (await lab.inNetns(name, ["ip", "-o", "-4", "addr", "show", "dev", "host0"])).includes(` ${run.reservedIp}/32 `);

  /** The lab's waitUntil, where a check that throws (a host still rebooting) counts as not yet. */
  const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> => {
    if (!(await waitUntil(() => check().catch(() => false), timeoutMs, 1000))) throw new Error(`timed out waiting for ${what}`);
  };

  /** A Galera node's state as HAProxy on a load balancer sees it (its stats page, as CSV). */
  const backendStatus = async (lb: string, server: string): Promise<string | undefined> => {
    const auth = Buffer.from(`${stats.user}:${stats.password}`).toString("base64");
    const res = await fetch(`http://${lab.host(lb).privateIpv4}:8404/;csv`, { headers: { authorization: `Basic ${auth}` } });
    const rows = (await res.text()).split("\n").map((l) => l.split(","));
    const header = rows[0] ?? [];
    const row = rows.find((r) => r[0] === "galera" && r[1] === server);
    return row?.[header.indexOf("status")];
  };

  /** A post written through one web node is read back through others: the whole chain works. */
  const roundTrip = async (writer: string, readers: string[], title: string): Promise<void> => {
    const id = await createPost(node(writer), login, { title, content: `written through ${writer}` });
    for (const r of readers) expect((await readPost(node(r), id))?.title, `${title} read through ${r}`).toBe(title);
  };

  // E2E_KEEP_LAB=1 keeps the stack for a look around afterwards, also after a stopped run.
  const keepLab = process.env["E2E_KEEP_LAB"] === "1";
  let guard: LabGuard | undefined;

  beforeAll(async () => {
    // A run stopped by Ctrl-C or `timeout` kills this worker before afterAll: the guard then
    // takes the hosts down, as afterAll would have.
    if (!keepLab) guard = await guardLab(lab, "npm run test:e2e");
    // Fresh droplets: the e2e owns the lab and starts from new hosts, as `terraform apply` would.
    await lab.down();
    await lab.up();
    run = await prepareLabSite(lab);
    siteHost = new URL(run.siteUrl).host;

    rmSync(SITE_DIR, { recursive: true, force: true });
    for (const part of ["site.ts", "roles", "templates", "inventory"]) cpSync(join(repo, part), join(SITE_DIR, part), { recursive: true });
    // The secrets as an operator keeps them: generated straight into an encrypted file, which
    // every converge decrypts with the password file.
    const secretsFile = join(SITE_DIR, "inventory/group_vars/all/secrets.yml");
    rmSync(secretsFile, { force: true });
    const passwordFile = join(SITE_DIR, "secrets-password");
    writeFileSync(passwordFile, `${randomBytes(24).toString("base64")}\n`, { mode: 0o600 });
    passwordArgs = ["--password-file", passwordFile];
    const secrets = await runCli(["secrets", "generate", "site.ts", ...passwordArgs], { cwd: SITE_DIR });
    expect(secrets.code, secrets.stderr).toBe(0);
    expect(secrets.stdout).toContain("(encrypted)");
    const sealed = readFileSync(secretsFile, "utf8");
    expect(isEncrypted(sealed)).toBe(true);
    const plain = await new SecretsKeyring({ passwordFile }).decrypt(sealed, secretsFile);
    const values = parse(plain) as { wordpress_admin_password: string; haproxy_stats_password: string };
    stats = { user: "admin", password: values.haproxy_stats_password };
    const leaves = (v: unknown): string[] => (typeof v === "string" ? [v] : typeof v === "object" && v !== null ? Object.values(v).flatMap(leaves) : []);
    secretValues = [...leaves(values), lab.api.token];
    expect(secretValues.length).toBeGreaterThan(10);
    const webVars = parse(readFileSync(join(SITE_DIR, "inventory/group_vars/wp_wp_app.yml"), "utf8")) as { wordpress_admin_user: string };
    login = { user: webVars.wordpress_admin_user, password: values.wordpress_admin_password };
  });

  afterAll(async () => {
    root.close();
    // The stack holds this run's secrets, which no one else has: leave fresh hosts to whoever
    // comes next (npm run demo, lab tests).
    if (!keepLab) await lab.down();
    guard?.release();
  });

  it("converges fresh droplets into a working stack", async () => {
    // With --diff -vvv: every file's diff and every command run on a host is printed, and still
    // no secret may show (converge() checks); the JUnit report (one suite per play) neither. The
    // config files that hold secrets show their diffs, the secret lines masked.
    const junit = join(SITE_DIR, "first.junit.xml");
    const first = await converge("--diff", "-vvv", "--junit", junit);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain("+    stats auth admin:********");
    expect(first.output).toMatch(/\+\s+auth_pass \*{8}/);
    expect(first.output).toMatch(/\+define\( 'DB_PASSWORD', '\*{8}' \);/);
    const xml = readFileSync(junit, "utf8");
    expect(xml.match(/<testsuite /g)?.length).toBe(5);
    expect(xml).not.toContain("<failure");
    expect(secretValues.filter((v) => xml.includes(v))).toEqual([]);
    expect(totalOf(first, "failed"), first.output).toBe(0);
    expect(Object.keys(first.report.recap).sort()).toEqual([...DB, ...LB, ...WEB].sort());

    for (const db of DB) {
      expect(await status(db, "wsrep_cluster_size"), db).toBe("3");
      expect(await status(db, "wsrep_local_state_comment"), db).toBe("Synced");
    }
    clusterUuid = await status("db1", "wsrep_cluster_state_uuid");
    expect(clusterUuid).toMatch(/^[0-9a-f-]{36}$/);
    for (const db of DB) expect(await status(db, "wsrep_cluster_state_uuid")).toBe(clusterUuid);

    // The explicit primary (the group's first host) holds the Reserved IP: in the API and on the wire.
    expect(await holder()).toBe("lb1");
    expect(await holdsAddress("lb1")).toBe(true);
    expect(await holdsAddress("lb2")).toBe(false);

    for (const web of WEB) {
      const page = await getPage(node(web));
      expect(page.status, web).toBe(200);
      expect(page.title, web).toContain("do-converge lab");
      // The plugin from its zip (URL + checksum) is installed and active.
      expect(page.headers.get("x-dcv-lab-plugin"), web).toBe("active");
    }
    await roundTrip("web1", ["web2", "web3"], "written through web1");
  });

  it("re-converges with changed=0, and --check on the converged site changes nothing", async () => {
    const second = await converge();
    expect(second.code, second.output).toBe(0);
    expect(changed(second), second.output).toEqual([]);
    const check = await converge("--check");
    expect(check.code, check.output).toBe(0);
    expect(changed(check), check.output).toEqual([]);
  });

  it("survives losing the load balancer that holds the Reserved IP: keepalived moves it through the API", async () => {
    await lab.powerOff("lb1");
    root.forget("lb1");
    await waitFor("the Reserved IP to move to lb2", async () => (await holder()) === "lb2" && (await holdsAddress("lb2")));
    await roundTrip("web2", ["web1", "web3"], "after the load balancer failover");
  });

  it("survives losing a database node", async () => {
    await lab.powerOff("db3");
    root.forget("db3");
    await waitFor("the cluster to shrink to 2", async () => (await status("db1", "wsrep_cluster_size")) === "2");
    // Until its health check notices (a few seconds), HAProxy may still send a connection there.
    await waitFor("HAProxy on lb2 to take db3 out", async () => (await backendStatus("lb2", "db3")) === "DOWN");
    await roundTrip("web3", ["web1", "web2"], "with one database node down");
  });

  it("survives losing two web nodes: the third serves", async () => {
    for (const web of ["web1", "web2"]) {
      await lab.powerOff(web);
      root.forget(web);
    }
    expect((await getPage(node("web3"))).status).toBe(200);
    await roundTrip("web3", ["web3"], "with two web nodes down");
  });

  it("takes the failed hosts back: the cluster is whole again, never re-bootstrapped", async () => {
    for (const name of ["lb1", "db3", "web1", "web2"]) await lab.powerOn(name);
    const back = await converge();
    expect(back.code, back.output).toBe(0);
    expect(totalOf(back, "failed"), back.output).toBe(0);
    for (const db of DB) {
      expect(await status(db, "wsrep_cluster_size"), db).toBe("3");
      expect(await status(db, "wsrep_cluster_state_uuid"), db).toBe(clusterUuid);
    }
    // nopreempt: the returning primary does not take the address back.
    expect(await holder()).toBe("lb2");
    // A power cycle loses nothing a converge would have to repair: services come back enabled,
    // db3 rejoins by IST, the Reserved IP stays where the API put it.
    expect(changed(back), back.output).toEqual([]);
    await roundTrip("web1", ["web2", "web3"], "after everything came back");

    const again = await converge();
    expect(changed(again), again.output).toEqual([]);
  });

  it("applies a group variable change to exactly its tasks, reloading HAProxy without a restart", async () => {
    const pids = new Map<string, string>();
    for (const lb of LB) pids.set(lb, (await root.run(lb, "systemctl show -p MainPID --value haproxy")).trim());
    const file = join(SITE_DIR, "inventory/group_vars/database_loadbalancer.yml");
    writeFileSync(file, readFileSync(file, "utf8").replace(/^haproxy_maxconn: \d+$/m, "haproxy_maxconn: 4096"));

    const r = await converge("--diff");
    expect(r.code, r.output).toBe(0);
    for (const host of [...DB, ...WEB]) expect(changed(r, host), r.output).toEqual([]);
    for (const lb of LB) {
      const tasks = changed(r, lb).map((t) => t.slice(lb.length + 2));
      expect(tasks.some((t) => t.includes("haproxy.cfg")), r.output).toBe(true);
      expect(tasks.some((t) => t.includes("reload haproxy")), r.output).toBe(true);
      expect(tasks.every((t) => /haproxy/.test(t)), r.output).toBe(true);
      expect(await root.run(lb, "grep -c 'maxconn 4096' /etc/haproxy/haproxy.cfg")).toMatch(/^[1-9]/);
      expect((await root.run(lb, "systemctl show -p MainPID --value haproxy")).trim(), `${lb} haproxy was restarted`).toBe(pids.get(lb));
    }
    const again = await converge();
    expect(changed(again), again.output).toEqual([]);
  });

  it("applies a rotated WordPress admin password (only the installer task changes); the old one no longer logs in", async () => {
    const secretsFile = join(SITE_DIR, "inventory/group_vars/all/secrets.yml");
    const keyring = new SecretsKeyring({ passwordFile: passwordArgs[1] });
    const values = parse(await keyring.decrypt(readFileSync(secretsFile, "utf8"), secretsFile)) as Record<string, unknown>;
    const old = login;
    const rotated = randomBytes(24).toString("hex");
    secretValues.push(rotated);
    writeFileSync(secretsFile, await keyring.encrypt(stringify({ ...values, wordpress_admin_password: rotated }), secretsFile), { mode: 0o600 });

    const r = await converge();
    expect(r.code, r.output).toBe(0);
    const tasks = changed(r);
    expect(tasks, r.output).toHaveLength(1);
    expect(tasks[0], r.output).toMatch(/^web\d: WordPress installed, plugins active$/);
    login = { user: old.user, password: rotated };
    await roundTrip("web2", ["web1", "web3"], "with the rotated password");
    await expect(createPost(node("web1"), old, { title: "with the old password", content: "must fail" })).rejects.toThrow(/incorrect|invalid/i);

    const again = await converge();
    expect(changed(again), again.output).toEqual([]);
  });
});
