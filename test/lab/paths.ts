import { join } from "node:path";

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
}

/**
 * `name` tells labs apart that run side by side on one machine (the default lab, the
 * benchmark's): each has its own state, lock and apt proxy cache (two apt-cacher-ng processes
 * must not share one), while the base image and the lab key are shared.
 */
export function labPaths(root = process.env.DO_CONVERGE_LAB_DIR ?? "/var/cache/do-converge-lab", name = "state"): LabPaths {
  const stateDir = join(root, name);
  const own = name === "state" ? "" : `-${name}`;
  return {
    cacheDir: root,
    aptCacheDir: join(root, `apt-cacher-ng${own}`),
    stateDir,
    hostsDir: join(stateDir, "hosts"),
    keyFile: join(root, "lab_ed25519"),
    knownHostsFile: join(stateDir, "known_hosts"),
    lockFile: join(root, `lab${own}.lock`),
  };
}
