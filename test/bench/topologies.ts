import { type Topology, type TopologyInput, buildTopology, loadTopology } from "../lab/topology.js";
import { MAX_HOSTS } from "./options.js";

// The bench's labs. All of them use the bench bridge (dcbench0) and its networks: one bench lab on
// the machine, beside the default lab (dclab0) and never touching it, with its own state, lock,
// guard and apt cache (test/lab/paths.ts), so one workload after another finds its packages cached.

export const BENCH_BRIDGE = "dcbench0";
const PRIVATE_NET = "10.79.0";
const PUBLIC_NET = "10.80.0";

/**
 * `site` and `files10` on `n` hosts: bench01 … bench20 (names as wide as the count needs:
 * bench001 … bench100), no DigitalOcean (the workloads need none). For 20 hosts this is
 * test/bench/topology.yml, which the bench's set-up step (prebench) reads.
 */
export function benchTopologyInput(n: number): TopologyInput {
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOSTS) throw new RangeError(`a bench lab has 1 to ${MAX_HOSTS} hosts, not ${n}`);
  const width = Math.max(2, String(n).length);
  return {
    bridge: BENCH_BRIDGE,
    privateNet: PRIVATE_NET,
    publicNet: PUBLIC_NET,
    digitalocean: false,
    hosts: Array.from({ length: n }, (_, i) => ({ name: `bench${String(i + 1).padStart(width, "0")}`, tags: ["bench"] })),
  };
}

export function benchTopology(n: number): Topology {
  return buildTopology(benchTopologyInput(n), `the bench's ${n}-host topology`);
}

/** The reference site's 8 droplets on the bench bridge, with a DigitalOcean of their own (see the file). */
export const REFERENCE_TOPOLOGY_FILE = new URL("./reference-topology.yml", import.meta.url).pathname;

export function referenceTopology(): Topology {
  return loadTopology(REFERENCE_TOPOLOGY_FILE);
}
