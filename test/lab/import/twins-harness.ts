import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { shellQuote } from "../../../src/remote/quote.js";
import { ansibleEnv } from "../../ansible-core/env.js";
import { ansibleCfg, stopControlMasters } from "../../bench/ansible.js";
import { DEPLOY_USER } from "../base.js";
import type { Report } from "../engine/harness.js";
import type { LabGuard } from "../guard.js";
import type { Lab } from "../lab.js";
import { runCli } from "../reference-site.js";
import { type LabSsh, knownKeys, labSsh } from "../ssh.js";
import { type NamedHost, type Snapshot, type SnapshotOptions, compareRuns, parseSnapshot, snapshotScript } from "./snapshot.js";

// What the twins tests share (twins.test.ts for the public roles, seed-twins.test.ts for the
// seed's roles): root shells on the lab hosts, the two tools' runs, the snapshot comparison, and
// the lines the tests print. Each test keeps its own hosts, roles and variables.

const run = promisify(execFile);

// The tools' runs still going when a test file ends (a test that timed out leaves its run behind):
// stopRuns() in its afterAll ends them before the hosts go down, so none outlives the test.
const runs = new AbortController();

/** Ends every ansible-playbook and do-converge run the harness started that is still going. */
export function stopRuns(): void {
  runs.abort();
}

/**
 * A twins test file's end: the tools' runs still going stopped (before their hosts go), the
 * sessions closed, the lab down; then, whatever happened, the lab's guard released and the
 * scratch directories removed.
 */
export async function endTwins(o: { lab: Lab; shells: TwinShells | undefined; guard: LabGuard | undefined; work: string; dirs: readonly string[] }): Promise<void> {
  try {
    stopRuns();
    await stopControlMasters(join(o.work, "cp"));
    o.shells?.close();
    await o.lab.down();
  } finally {
    o.guard?.release();
    for (const dir of [o.work, ...o.dirs]) rmSync(dir, { recursive: true, force: true });
  }
}

/** Root shells on a lab's hosts, over the deploy user's SSH login and sudo, as the tools log in. */
export class TwinShells {
  private readonly sessions = new Map<string, LabSsh>();
  private readonly addresses = new Map<string, readonly string[]>();

  static async open(lab: Lab, hosts: readonly string[]): Promise<TwinShells> {
    const shells = new TwinShells();
    for (const h of lab.topology.hosts) shells.addresses.set(h.name, [h.privateIpv4, h.publicIpv4]);
    for (const name of hosts) {
      const h = lab.host(name);
      shells.sessions.set(name, await labSsh({ host: h.privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, name) }));
    }
    return shells;
  }

  async asRoot(host: string, script: string): Promise<string> {
    const s = this.sessions.get(host);
    if (!s) throw new Error(`no session to ${host}`);
    const r = await s.exec(`sudo -n sh -c ${shellQuote(script)}`);
    if (r.code !== 0) throw new Error(`${host}: exit ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  /**
   * The host's snapshot (snapshot.ts). The files that name the host itself, or `peers` (placeholder
   * → host: the hosts of its side the role is told of), are compared with placeholders too.
   */
  async snapshot(host: string, o: Omit<SnapshotOptions, "named"> & { peers?: Readonly<Record<string, string>> } = {}): Promise<Snapshot> {
    const named: NamedHost[] = Object.entries({ host, ...o.peers }).map(([placeholder, name]) => ({ placeholder, name, addresses: this.addresses.get(name) ?? [] }));
    const { peers: _peers, ...rest } = o;
    return parseSnapshot(await this.asRoot(host, snapshotScript({ ...rest, named })));
  }

  close(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }
}

/**
 * work/ansible.cfg for the Ansible twin, tuned as the bench tunes it (test/bench/ansible.ts: a
 * fork for every host, pipelining, ControlPersist with its sockets in work/cp; docs/testing.md:
 * CI's time): host keys checked against the lab's known_hosts, python3 on the host, vendored
 * roles found by their directory's name under `rolesPath`. Ansible's connection settings change
 * how it reaches a host, not what its modules leave there (its working directory is under /home,
 * which the snapshots leave out).
 */
export function writeAnsibleCfg(work: string, o: { rolesPath: string; knownHostsFile: string; forks: number }): void {
  mkdirSync(join(work, "cp"), { recursive: true });
  writeFileSync(join(work, "ansible.cfg"), ansibleCfg({ forks: o.forks, knownHostsFile: o.knownHostsFile, controlPathDir: join(work, "cp"), rolesPath: o.rolesPath }));
}

export interface AnsibleRun {
  code: number;
  stdout: string;
  ms: number;
}

/** ansible-playbook with `inventory` and `playbook`, its config `work/ansible.cfg`, in an environment of its own under `work/env`. */
export async function ansiblePlaybook(o: { work: string; inventory: string; playbook: string; extraEnv?: Readonly<Record<string, string>> }): Promise<AnsibleRun> {
  const env = ansibleEnv(join(o.work, "env"), { config: join(o.work, "ansible.cfg"), ...(o.extraEnv ? { extra: o.extraEnv } : {}) });
  const started = performance.now();
  const r = await run("ansible-playbook", ["-i", o.inventory, o.playbook], { env, cwd: o.work, maxBuffer: 64 * 1024 * 1024, signal: runs.signal }).then(
    (x) => ({ code: 0, stdout: x.stdout }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: `${e.stdout ?? ""}\n${e.stderr ?? ""}` }),
  );
  return { ...r, ms: performance.now() - started };
}

export interface ConvergeRun {
  code: number | null;
  out: string;
  report: Report;
  ms: number;
}

/** The built CLI on `siteDir/site.ts`, its JSON report kept as `report-<n>.json` there. */
export async function doConverge(o: { siteDir: string; knownHostsFile: string; n: number }): Promise<ConvergeRun> {
  const json = join(o.siteDir, `report-${o.n}.json`);
  const started = performance.now();
  const r = await runCli(["site.ts", "--known-hosts", o.knownHostsFile, "--json", json], { cwd: o.siteDir, signal: runs.signal });
  const ms = performance.now() - started;
  const out = `exit ${r.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
  let report: Report;
  try {
    report = JSON.parse(readFileSync(json, "utf8")) as Report;
  } catch {
    throw new Error(`no JSON report from do-converge:\n${out}`);
  }
  return { code: r.code, out, report, ms };
}

/** ansible-playbook's PLAY RECAP line for a host, as counts. */
export function ansibleRecap(stdout: string, host: string): Record<string, number> {
  const line = stdout.split("\n").find((l) => l.startsWith(`${host} `) && l.includes("ok="));
  if (line === undefined) throw new Error(`no PLAY RECAP line for ${host} in:\n${stdout}`);
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1] ?? "", Number(m[2])]));
}

export interface TwinSnapshots {
  ansibleBefore: Snapshot;
  ansibleAfter: Snapshot;
  oursBefore: Snapshot;
  oursAfter: Snapshot;
}

/**
 * The first runs' comparison: every key either run moved must end alike on both hosts, but for
 * the `listed` differences (key → why); each `mustMove` key must have moved on both hosts, and a
 * listed difference that no longer differs fails too (the list only shrinks). Prints the line
 * "twins NAME: N things moved by the runs, M alike; K listed differences: ...".
 */
export function expectTwinsAlike(o: { name: string; hosts: { ansible: string; ours: string }; snapshots: TwinSnapshots; mustMove: readonly string[]; listed: Readonly<Record<string, string>>; listFile: string }): void {
  const { ansibleBefore, ansibleAfter, oursBefore, oursAfter } = o.snapshots;
  const { moved, differences } = compareRuns({ before: ansibleBefore, after: ansibleAfter }, { before: oursBefore, after: oursAfter });
  for (const key of o.mustMove) {
    expect(ansibleAfter.get(key), `${key} on ${o.hosts.ansible}`).not.toBe(ansibleBefore.get(key));
    expect(oursAfter.get(key), `${key} on ${o.hosts.ours}`).not.toBe(oursBefore.get(key));
  }
  const unexpected = differences.filter((d) => !(d.key in o.listed));
  const stale = Object.keys(o.listed).filter((k) => !differences.some((d) => d.key === k));
  console.log(
    `twins ${o.name}: ${moved.length} things moved by the runs, ${moved.length - differences.length} alike; ${differences.length - unexpected.length} listed differences: ${Object.keys(o.listed).join(", ") || "none"}`,
  );
  expect(unexpected).toEqual([]);
  expect(stale, `listed differences that no longer differ: delete them from ${o.listFile}`).toEqual([]);
}

/**
 * The second runs: do-converge's must change nothing but the `everyRun` tasks (name → why: a
 * role that undoes its own work each run changes it under either tool); prints both tools' no-op
 * times as "twins NAME no-op run: ansible-playbook S s (changed=N), do-converge S s (changed=M)".
 */
export function expectNoOp(o: { name: string; ansibleHost: string; ansible: AnsibleRun; ours: ConvergeRun; everyRun?: Readonly<Record<string, string>> }): void {
  expect(o.ansible.code, o.ansible.stdout).toBe(0);
  expect(o.ours.code, o.ours.out).toBe(0);
  const everyRun = Object.keys(o.everyRun ?? {});
  const changed = o.ours.report.tasks.filter((t) => t.changed).map((t) => t.task);
  expect(changed.filter((t) => !everyRun.includes(t)), o.ours.out).toEqual([]);
  expect([...new Set(changed)].sort(), `tasks listed as changing every run that did not: ${o.ours.out}`).toEqual([...everyRun].sort());
  const total = Object.values(o.ours.report.recap).reduce((n, s) => n + s.changed, 0);
  if (everyRun.length === 0) expect(total).toBe(0);
  console.log(
    `twins ${o.name} no-op run: ansible-playbook ${(o.ansible.ms / 1000).toFixed(2)} s (changed=${ansibleRecap(o.ansible.stdout, o.ansibleHost).changed}), do-converge ${(o.ours.ms / 1000).toFixed(2)} s (changed=${total}${everyRun.length ? `: ${everyRun.join(", ")}, listed` : ""})`,
  );
}
