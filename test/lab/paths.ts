import { join } from "node:path";
import { DEFAULT_BRIDGE } from "./topology.js";

/**
 * Where the lab keeps things, outside the repository: the base image and the apt cache survive
 * `down` (they are caches); everything under stateDir belongs to running hosts and is removed by
 * `down`. DO_CONVERGE_LAB_DIR moves both (a second lab, or a disk with more room).
 */
export interface LabPaths {
  cacheDir: string;
  aptCacheDir: string;
  stateDir: string;
  hostsDir: string;
  keyFile: string;
  knownHostsFile: string;
  lockFile: string;
  /** What the guard of a run (guard.ts) did, kept beside the state it removes. */
  guardLog: string;
}

export const DEFAULT_LAB_DIR = "/var/cache/do-converge-lab";

/**
 * `name` tells labs apart that run side by side on one machine (the default lab, the
 * benchmark's): each has its own state, lock and apt proxy cache (two apt-cacher-ng processes
 * must not share one), while the base image and the lab key are shared.
 */
export function labPaths(root = process.env.DO_CONVERGE_LAB_DIR ?? DEFAULT_LAB_DIR, name = "state"): LabPaths {
  const stateDir = join(root, name);
  const own = name === "state" ? "" : `-${name}`;
  const base = name === "state" ? "lab" : name;
  return {
    cacheDir: root,
    aptCacheDir: join(root, `apt-cacher-ng${own}`),
    stateDir,
    hostsDir: join(stateDir, "hosts"),
    keyFile: join(root, "lab_ed25519"),
    knownHostsFile: join(stateDir, "known_hosts"),
    lockFile: join(root, `${base}.lock`),
    guardLog: join(root, `${base}.guard.log`),
  };
}

/**
 * The state name of the lab a topology describes, whoever starts it (`npm run lab`, the
 * benchmark, a test). The bridge is what two labs on one machine cannot share, so it names the
 * lab: two topologies with one bridge are one lab. The default lab keeps "state" (where it has
 * always been); the prefix keeps any other bridge name off the cache's own entries ("files").
 */
export function labStateName(bridge: string): string {
  return bridge === DEFAULT_BRIDGE ? "state" : `lab-${bridge}`;
}
