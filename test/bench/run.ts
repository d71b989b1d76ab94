// `npm run bench [-- --workload site|files10|reference-site --rounds N --hosts N --no-ansible
// --delay-ms N [--delay-via netem|relay] --topology FILE --keep]`: do-converge against
// ansible-playbook on the same lab hosts, the same work, in the same run, alternating, medians. A
// benchmark, not a test: it prints numbers and ratios and asserts nothing but that each run did
// what it should (a first converge changes things, do-converge's no-op changes nothing). Its hosts
// go down at the end, also when it fails or is stopped (Ctrl-C, `timeout`, SIGKILL: the lab's
// guard), unless --keep. The bench's labs are on their own bridge (dcbench0), beside the default
// lab, which it never touches. Options are explained in test/bench/RESULTS.md.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LabError } from "../lab/errors.js";
import { guardLab } from "../lab/guard.js";
import { Lab } from "../lab/lab.js";
import { isRoot } from "../lab/prereqs/system.js";
import { DEFAULT_BRIDGE } from "../lab/topology.js";
import { thisMachineMemoryProblem } from "./capacity.js";
import { delayProblem } from "./delay.js";
import { hostNameProblem } from "./links.js";
import { endLines, startLines } from "./machine.js";
import { type BenchOptions, BenchUsageError, DEFAULT_HOSTS, commandLine, parseBenchArgs, ratioLabel } from "./options.js";
import { referenceBench } from "./reference-bench.js";
import { siteBench } from "./site-bench.js";
import { benchTopology, referenceTopology } from "./topologies.js";
import type { WorkloadFigures } from "./workload.js";

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

function benchLab(o: BenchOptions): Lab {
  if (o.workload === "reference-site") return new Lab(referenceTopology());
  if (o.topology !== undefined) return Lab.fromFile(o.topology);
  return new Lab(benchTopology(o.hosts ?? DEFAULT_HOSTS));
}

/** What must be undone when the run is stopped by a signal (the added delay, the scratch directory), then the process ends and the guard takes the hosts down. */
function onStop(undo: Set<() => Promise<void>>): void {
  let stopping = false;
  for (const [sig, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    process.on(sig, () => {
      if (stopping) process.exit(code);
      stopping = true;
      log(`${sig}: stopping`);
      void Promise.allSettled([...undo].map((f) => f())).then(() => process.exit(code));
    });
  }
}

async function main(): Promise<void> {
  const o = parseBenchArgs(process.argv.slice(2));
  if (!isRoot()) throw new LabError("the bench's lab needs root (mounts, a bridge, systemd-nspawn): run it as root: sudo npm run bench");
  const lab = benchLab(o);
  if (lab.topology.bridge === DEFAULT_BRIDGE) throw new BenchUsageError(`--topology ${o.topology}: the bench never runs on the default lab's bridge (${DEFAULT_BRIDGE}), which others' tests use; give the topology a bridge of its own`);
  const memory = thisMachineMemoryProblem(lab.topology.hosts.length);
  if (memory) throw new LabError(memory);
  const names = await hostNameProblem(lab.topology);
  if (names) throw new LabError(names);
  const delay = o.delay && (await delayProblem(o.delay.via));
  if (delay) throw new LabError(delay);
  for (const line of startLines(commandLine(o.argv))) console.log(line);

  const undo = new Set<() => Promise<void>>();
  onStop(undo);
  // Armed before up(): a run stopped while booting leaves no hosts either.
  const guard = o.keep ? undefined : await guardLab(lab, "npm run bench");
  const work = mkdtempSync(join(tmpdir(), "dcv-bench-"));
  const removeWork = async () => rmSync(work, { recursive: true, force: true });
  if (!o.keep) undo.add(removeWork);
  let figures: WorkloadFigures;
  try {
    const label = ratioLabel(o);
    figures = o.workload === "reference-site" ? await referenceBench(lab, o, work, label, undo) : await siteBench(lab, o, work, label, undo);
    for (const line of [...figures.lines, ...endLines()]) console.log(line);
  } finally {
    if (!o.keep) {
      await lab.down(log);
      await removeWork();
    } else log(`kept the hosts and ${work}`);
    guard?.release();
  }
  // Last: the default run's last line is `noop ratio ansible/do-converge: X`.
  for (const line of figures.ratios) console.log(line);
}

main().catch((err: unknown) => {
  // Every error here names what failed (a failed converge carries the tool's output).
  log(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
