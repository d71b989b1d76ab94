import { describe, expect, it } from "vitest";
import { Lab } from "../lab/lab.js";
import { labPaths, labStateName } from "../lab/paths.js";
import { buildTopology } from "../lab/topology.js";

// One topology, one lab: whoever starts it (`npm run lab -- -t FILE`, the benchmark, a test), its
// state, lock and apt cache are the same, and no two bridges share them.

const BENCH = new URL("../bench/topology.yml", import.meta.url).pathname;

describe("the lab's directories follow the topology", () => {
  it("the default lab keeps state/ and lab.lock; any other bridge gets lab-BRIDGE", () => {
    const root = "/r";
    expect(labPaths(root, labStateName("dclab0"))).toEqual({
      cacheDir: "/r",
      aptCacheDir: "/r/apt-cacher-ng",
      stateDir: "/r/state",
      hostsDir: "/r/state/hosts",
      keyFile: "/r/lab_ed25519",
      knownHostsFile: "/r/state/known_hosts",
      lockFile: "/r/lab.lock",
      guardLog: "/r/lab.guard.log",
    });
    expect(labPaths(root, labStateName("dcbench0"))).toEqual({
      cacheDir: "/r",
      aptCacheDir: "/r/apt-cacher-ng-lab-dcbench0",
      stateDir: "/r/lab-dcbench0",
      hostsDir: "/r/lab-dcbench0/hosts",
      keyFile: "/r/lab_ed25519",
      knownHostsFile: "/r/lab-dcbench0/known_hosts",
      lockFile: "/r/lab-dcbench0.lock",
      guardLog: "/r/lab-dcbench0.guard.log",
    });
    // A bridge named like an entry of the cache directory does not land on it.
    expect(labPaths(root, labStateName("files")).stateDir).toBe("/r/lab-files");
    expect(labPaths(root, labStateName("state")).stateDir).toBe("/r/lab-state");
  });

  it("Lab.fromFile(the bench's topology) is the bench's lab, not the default one", () => {
    const bench = Lab.fromFile(BENCH);
    const def = Lab.fromFile();
    expect(bench.paths.stateDir).toBe(labPaths(undefined, "lab-dcbench0").stateDir);
    expect(def.paths.stateDir).toBe(labPaths().stateDir);
    for (const k of ["stateDir", "lockFile", "aptCacheDir", "guardLog"] as const) expect(bench.paths[k], k).not.toBe(def.paths[k]);
    expect(bench.paths.keyFile).toBe(def.paths.keyFile);
  });

  it("a topology without a bridge is the default lab (one bridge, one lab)", () => {
    const t = buildTopology({ hosts: [{ name: "x1" }] });
    expect(new Lab(t).paths.stateDir).toBe(labPaths().stateDir);
  });
});
