// `npm run bench [-- --workload files10 --rounds 3 --topology FILE --keep]`: do-converge against
// ansible-playbook on the same lab hosts, the same tasks, in the same run, alternating, medians. A
// benchmark, not a test: it prints numbers and ratios and asserts nothing. Its hosts go down at the
// end, also when it fails or is stopped (Ctrl-C, `timeout`), unless --keep.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pLimit from "p-limit";
import { LabError } from "../lab/errors.js";
import { run } from "../lab/exec.js";
import { guardLab } from "../lab/guard.js";
import { labInventory } from "../lab/inventory.js";
import { Lab } from "../lab/lab.js";
import { DEPLOY_USER } from "../lab/base.js";
import { isRoot } from "../lab/prereqs/system.js";
import { knownKeys, labSsh } from "../lab/ssh.js";
import { shellQuote } from "../../src/remote/quote.js";

const here = new URL(".", import.meta.url).pathname;
const repo = new URL("../..", import.meta.url).pathname;

const { values: args } = parseArgs({
  options: {
    workload: { type: "string", default: "site" },
    rounds: { type: "string", default: "3" },
    topology: { type: "string", default: join(here, "topology.yml") },
    keep: { type: "boolean", default: false },
  },
});
const workload = join(here, "workloads", args.workload ?? "site");
const rounds = Number(args.rounds);
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

interface Timed {
  seconds: number;
  code: number | null;
  output: string;
  peakRssMb?: number;
}

function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, argv, { cwd, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, code, output }));
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** ansible-core comes with the bench's set-up step (`npm run lab -- prereqs --ansible`, prebench). */
async function ansibleVersion(): Promise<string> {
  const r = await run("ansible-playbook", ["--version"], { allowFailure: true }).catch(() => undefined);
  if (r?.code !== 0) throw new Error("ansible-playbook is not installed: npm run bench installs Debian's ansible-core as root");
  return r.stdout.split("\n")[0] ?? "ansible-playbook";
}

/** Ansible needs Python on its targets (do-converge does not): install it on the bench hosts. */
async function ensurePython(lab: Lab): Promise<void> {
  const limit = pLimit(5);
  await Promise.all(
    lab.topology.hosts.map((h) =>
      limit(async () => {
        const s = await labSsh({ host: h.privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, h.name) });
        try {
          // python3-apt too: Ansible's apt module needs it (it would install it itself, untimed).
          const r = await s.exec("dpkg-query -W -f='${Status}' python3-apt 2>/dev/null | grep -q 'ok installed' || { sudo -n apt-get -q update >/dev/null && sudo -n DEBIAN_FRONTEND=noninteractive apt-get -q install -y python3 python3-apt >/dev/null; }; command -v python3");
          if (r.code !== 0) throw new Error(`${h.name}: cannot install python3: ${r.stderr}`);
        } finally {
          s.close();
        }
      }),
    ),
  );
}

/** Undoes the workload on every host (its clean.sh, as root), so a first converge starts fresh. */
async function cleanHosts(lab: Lab): Promise<void> {
  const script = readFileSync(join(workload, "clean.sh"), "utf8");
  await Promise.all(
    lab.topology.hosts.map(async (h) => {
      const s = await labSsh({ host: h.privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, h.name) });
      const r = await s.exec(`sudo -n sh -c ${shellQuote(script)}`);
      s.close();
      if (r.code !== 0) throw new Error(`${h.name}: clean.sh failed: ${r.stderr}`);
    }),
  );
}

async function main(): Promise<void> {
  if (!isRoot()) throw new LabError("the bench's lab needs root (mounts, a bridge, systemd-nspawn): run it as root: sudo npm run bench");
  const lab = Lab.fromFile(args.topology);
  // Armed before up(): a run stopped while booting leaves no hosts either.
  const guard = args.keep ? undefined : await guardLab(lab, "npm run bench");
  try {
    await bench(lab);
  } finally {
    if (!args.keep) await lab.down(log);
    guard?.release();
  }
}

async function bench(lab: Lab): Promise<void> {
  log(`booting ${lab.topology.hosts.length} bench hosts`);
  await lab.up(log);
  const ansibleRelease = await ansibleVersion();
  await ensurePython(lab);
  await run("npm", ["run", "-s", "build"], { env: process.env });

  const work = mkdtempSync(join(tmpdir(), "dcv-bench-"));
  const inventory = join(work, "inventory.yml");
  writeFileSync(inventory, labInventory(lab.topology, lab.keyFile));
  const cfg = join(work, "ansible.cfg");
  writeFileSync(
    cfg,
    [
      "[defaults]",
      `forks = ${lab.topology.hosts.length}`,
      "host_key_checking = True",
      "interpreter_python = /usr/bin/python3",
      "retry_files_enabled = False",
      "[ssh_connection]",
      "pipelining = True",
      `ssh_args = -o ControlMaster=auto -o ControlPersist=120s -o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes`,
      `control_path_dir = ${join(work, "cp")}`,
      "",
    ].join("\n"),
  );
  const json = join(work, "report.json");
  const doConverge = () =>
    timed(process.execPath, [join(repo, "bin/do-converge.js"), join(workload, "site.ts"), "-i", inventory, "--known-hosts", lab.knownHostsFile, "--forks", "20", "--json", json], { NO_COLOR: "1" }, workload).then(
      (t) => ({ ...t, peakRssMb: (JSON.parse(readFileSync(json, "utf8")) as { peak_rss_mb?: number }).peak_rss_mb }),
    );
  const ansible = () => timed("ansible-playbook", ["-i", inventory, "playbook.yml"], { ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: "1" }, workload);
  const check = (tool: string, t: Timed, wantChanged: boolean) => {
    if (t.code !== 0) throw new Error(`${tool} failed (exit ${t.code}):\n${t.output.slice(-3000)}`);
    const changed = /changed=([1-9])/.test(t.output);
    if (changed !== wantChanged) throw new Error(`${tool}: expected ${wantChanged ? "changes" : "no change"}:\n${t.output.slice(-3000)}`);
  };

  const first = { dc: [] as number[], an: [] as number[] };
  const noop = { dc: [] as number[], an: [] as number[] };
  let peak = 0;
  for (let r = 0; r < rounds; r++) {
    // Alternate which tool goes first, so neither always meets warm caches left by the other.
    const order = r % 2 === 0 ? (["dc", "an"] as const) : (["an", "dc"] as const);
    for (const tool of order) {
      await cleanHosts(lab);
      const t = tool === "dc" ? await doConverge() : await ansible();
      check(tool, t, true);
      first[tool].push(t.seconds);
      const n = tool === "dc" ? await doConverge() : await ansible();
      check(tool, n, false);
      noop[tool].push(n.seconds);
      if (tool === "dc") peak = Math.max(peak, t.peakRssMb ?? 0, n.peakRssMb ?? 0);
      log(`round ${r + 1} ${tool === "dc" ? "do-converge" : "ansible"}: first ${t.seconds.toFixed(2)} s, no-op ${n.seconds.toFixed(2)} s`);
    }
  }
  const f = (x: number) => `${x.toFixed(2)} s`;
  console.log(`workload ${args.workload} on ${lab.topology.hosts.length} lab hosts, ${rounds} rounds, medians; ${ansibleRelease}`);
  console.log(`first converge: do-converge ${f(median(first.dc))}, ansible-playbook ${f(median(first.an))}, ratio ${(median(first.an) / median(first.dc)).toFixed(1)}`);
  console.log(`no-op converge: do-converge ${f(median(noop.dc))}, ansible-playbook ${f(median(noop.an))}`);
  console.log(`do-converge peak memory: ${peak.toFixed(0)} MB`);
  console.log(`noop ratio ansible/do-converge: ${(median(noop.an) / median(noop.dc)).toFixed(1)}`);
}

main().catch((err: unknown) => {
  // Every error here names what failed (a failed converge carries the tool's output).
  log(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
