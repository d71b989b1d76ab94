import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { labInventory } from "../lab/inventory.js";
import type { Lab } from "../lab/lab.js";
import { ansibleVersion, benchAnsibleEnv, ensurePython, onEveryHost } from "./ansible.js";
import { type DelayedPath, delayPath } from "./delay.js";
import { type Rusage, type Timed, median, timed, timedWithRusage } from "./measure.js";
import { type BenchOptions, ratioLine } from "./options.js";
import type { WorkloadFigures } from "./workload.js";

// The `site` and `files10` workloads: do-converge and ansible-playbook on the same lab hosts, the
// same tasks (the workload's site.ts and playbook.yml), in the same run, alternating which goes
// first, medians. Each tool's first converge starts from hosts its clean.sh reset.

const repo = new URL("../..", import.meta.url).pathname;
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

interface DoConvergeRun extends Timed {
  rusage: Rusage;
  hostTasks: number;
}

interface Figures {
  dc: { first: DoConvergeRun[]; noop: DoConvergeRun[] };
  an: { first: number[]; noop: number[] };
}

/** Undoes the workload on every host (its clean.sh, as root), so a first converge starts fresh. */
function cleanHosts(lab: Lab, workload: string): Promise<void> {
  return onEveryHost(lab, readFileSync(join(workload, "clean.sh"), "utf8"), "clean.sh");
}

function check(tool: string, t: Timed, wantChanged: boolean): void {
  if (t.code !== 0) throw new Error(`${tool} failed (exit ${t.code}):\n${t.output.slice(-3000)}`);
  const changed = /changed=([1-9])/.test(t.output);
  if (changed !== wantChanged) throw new Error(`${tool}: expected ${wantChanged ? "changes" : "no change"}:\n${t.output.slice(-3000)}`);
}

/** Runs the workload. `undo` holds what must be undone if the run is stopped (the added delay). */
export async function siteBench(lab: Lab, o: BenchOptions, work: string, label: string, undo: Set<() => Promise<void>>): Promise<WorkloadFigures> {
  const workload = join(repo, "test/bench/workloads", o.workload);
  const n = lab.topology.hosts.length;
  log(`booting ${n} bench hosts`);
  await lab.up(log);
  const ansibleRelease = o.ansible ? await ansibleVersion() : undefined;
  if (o.ansible) await ensurePython(lab);
  await timed("npm", ["run", "-s", "build"], process.env, repo).then((t) => {
    if (t.code !== 0) throw new Error(`npm run build failed:\n${t.output.slice(-3000)}`);
  });

  let delayed: DelayedPath | undefined;
  if (o.delay) {
    delayed = await delayPath(lab, o.delay.ms, o.delay.via, work);
    undo.add(delayed.remove);
    log(delayed.describe);
  }
  try {
    return await measure(lab, o, work, workload, label, ansibleRelease, delayed);
  } finally {
    if (delayed) {
      await delayed.remove();
      undo.delete(delayed.remove);
    }
  }
}

async function measure(lab: Lab, o: BenchOptions, work: string, workload: string, label: string, ansibleRelease: string | undefined, delayed: DelayedPath | undefined): Promise<WorkloadFigures> {
  const n = lab.topology.hosts.length;
  const inventory = join(work, "inventory.yml");
  writeFileSync(inventory, delayed?.inventory ?? labInventory(lab.topology, lab.keyFile));
  const knownHosts = delayed?.knownHostsFile ?? lab.knownHostsFile;
  mkdirSync(join(work, "cp"), { recursive: true });
  const ansibleEnv = benchAnsibleEnv(work, { forks: n, knownHostsFile: knownHosts, controlPathDir: join(work, "cp") });
  const json = join(work, "report.json");
  const doConverge = async (): Promise<DoConvergeRun> => {
    const argv = [join(repo, "bin/do-converge.js"), join(workload, "site.ts"), "-i", inventory, "--known-hosts", knownHosts, "--forks", String(n), "--json", json];
    const t = await timedWithRusage(process.execPath, argv, { ...process.env, NO_COLOR: "1" }, workload, join(work, "time.txt"));
    const report = t.code === 0 ? (JSON.parse(readFileSync(json, "utf8")) as { tasks: unknown[] }) : { tasks: [] };
    return { ...t, hostTasks: report.tasks.length };
  };
  const ansible = () => timed("ansible-playbook", ["-i", inventory, "playbook.yml"], ansibleEnv, workload);

  const f: Figures = { dc: { first: [], noop: [] }, an: { first: [], noop: [] } };
  for (let r = 0; r < o.rounds; r++) {
    // Alternate which tool goes first, so neither always meets warm caches left by the other.
    const tools = o.ansible ? (r % 2 === 0 ? (["dc", "an"] as const) : (["an", "dc"] as const)) : (["dc"] as const);
    for (const tool of tools) {
      await cleanHosts(lab, workload);
      if (tool === "dc") {
        const first = await doConverge();
        check("do-converge", first, true);
        const noop = await doConverge();
        check("do-converge", noop, false);
        f.dc.first.push(first);
        f.dc.noop.push(noop);
        log(`round ${r + 1} do-converge: first ${first.seconds.toFixed(2)} s, no-op ${noop.seconds.toFixed(2)} s`);
      } else {
        const first = await ansible();
        check("ansible-playbook", first, true);
        const noop = await ansible();
        check("ansible-playbook", noop, false);
        f.an.first.push(first.seconds);
        f.an.noop.push(noop.seconds);
        log(`round ${r + 1} ansible: first ${first.seconds.toFixed(2)} s, no-op ${noop.seconds.toFixed(2)} s`);
      }
    }
  }
  return report(o, n, label, ansibleRelease, delayed, f);
}

const s = (x: number) => `${x.toFixed(2)} s`;

function controlNode(kind: string, runs: readonly DoConvergeRun[]): string {
  const user = median(runs.map((r) => r.rusage.userSeconds));
  const sys = median(runs.map((r) => r.rusage.systemSeconds));
  const cpu = median(runs.map((r) => r.rusage.userSeconds + r.rusage.systemSeconds));
  const rss = median(runs.map((r) => r.rusage.peakRssMb));
  const tasks = median(runs.map((r) => r.hostTasks));
  const perTask = tasks > 0 ? `, ${((cpu / tasks) * 1000).toFixed(2)} ms CPU per host-task (${tasks} host-tasks)` : "";
  return `do-converge control node, ${kind}: ${s(median(runs.map((r) => r.seconds)))} wall, ${s(cpu)} CPU (user ${s(user)} + sys ${s(sys)}), peak RSS ${rss.toFixed(0)} MB${perTask}`;
}

function report(o: BenchOptions, n: number, label: string, ansibleRelease: string | undefined, delayed: DelayedPath | undefined, f: Figures): WorkloadFigures {
  const lines = [
    `workload ${o.workload} on ${n} lab hosts, --forks ${n}, ${o.rounds} round${o.rounds === 1 ? "" : "s"}, medians; ${ansibleRelease ?? "ansible-playbook not run (--no-ansible)"}`,
    ...(delayed ? [delayed.describe] : []),
  ];
  const dc = { first: median(f.dc.first.map((r) => r.seconds)), noop: median(f.dc.noop.map((r) => r.seconds)) };
  if (!o.ansible) {
    lines.push(`first converge: do-converge ${s(dc.first)}`, `no-op converge: do-converge ${s(dc.noop)}`);
  } else {
    const an = { first: median(f.an.first), noop: median(f.an.noop) };
    lines.push(`first converge: do-converge ${s(dc.first)}, ansible-playbook ${s(an.first)}, ratio ${(an.first / dc.first).toFixed(1)}`);
    lines.push(`no-op converge: do-converge ${s(dc.noop)}, ansible-playbook ${s(an.noop)}`);
  }
  lines.push(controlNode("first converge", f.dc.first), controlNode("no-op", f.dc.noop));
  const ratios = o.ansible ? [ratioLine(label, "first", median(f.an.first) / dc.first), ratioLine(label, "noop", median(f.an.noop) / dc.noop)] : [];
  return { lines, ratios };
}
