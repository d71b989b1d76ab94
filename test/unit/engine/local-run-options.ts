import { join } from "node:path";
import type { RunOptions } from "../../../src/runner/options.js";
import { defaultSshOptions } from "../../../src/transport/ssh.js";

/** Run options for a site converged over the local connection from a scratch directory: no agent, no retries, its own known_hosts. */
export function localRunOptions(dir: string, over: Partial<RunOptions> = {}): RunOptions {
  return {
    check: false,
    diff: false,
    forks: 5,
    tags: [],
    skipTags: [],
    extraVars: {},
    verbosity: 0,
    ssh: { ...defaultSshOptions(), useAgent: false, retries: 0, knownHostsFiles: [join(dir, "known_hosts")] },
    ...over,
  };
}
