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

export function labPaths(root = process.env.DO_CONVERGE_LAB_DIR ?? "/var/cache/do-converge-lab"): LabPaths {
  const stateDir = join(root, "state");
  return {
    cacheDir: root,
    aptCacheDir: join(root, "apt-cacher-ng"),
    stateDir,
    hostsDir: join(stateDir, "hosts"),
    keyFile: join(root, "lab_ed25519"),
    knownHostsFile: join(stateDir, "known_hosts"),
    lockFile: join(root, "lab.lock"),
  };
}
