import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pLimit from "p-limit";
import { shellQuote } from "../../src/remote/quote.js";
import { ansibleEnv } from "../ansible-core/env.js";
import { DEPLOY_USER } from "../lab/base.js";
import { run } from "../lab/exec.js";
import type { Lab } from "../lab/lab.js";
import { knownKeys, labSsh } from "../lab/ssh.js";

// Ansible as the bench runs it: Debian's ansible-core, tuned as an operator who cares about speed
// would (forks for every host, pipelining, ControlPersist), host keys checked, in an environment
// of its own (no ~/.ansible, no user ansible.cfg).

/** ansible-core comes with the bench's set-up step (`npm run lab -- prereqs --ansible`, prebench). */
export async function ansibleVersion(): Promise<string> {
  const r = await run("ansible-playbook", ["--version"], { allowFailure: true }).catch(() => undefined);
  if (r?.code !== 0) throw new Error("ansible-playbook is not installed: npm run bench installs Debian's ansible-core as root");
  return r.stdout.split("\n")[0] ?? "ansible-playbook";
}

export function ansibleCfg(o: { forks: number; knownHostsFile: string; controlPathDir: string; rolesPath?: string }): string {
  return [
    "[defaults]",
    `forks = ${o.forks}`,
    "host_key_checking = True",
    "interpreter_python = /usr/bin/python3",
    "retry_files_enabled = False",
    ...(o.rolesPath ? [`roles_path = ${o.rolesPath}`] : []),
    "[ssh_connection]",
    "pipelining = True",
    `ssh_args = -o ControlMaster=auto -o ControlPersist=120s -o UserKnownHostsFile=${o.knownHostsFile} -o StrictHostKeyChecking=yes`,
    `control_path_dir = ${o.controlPathDir}`,
    "",
  ].join("\n");
}

/**
 * Ends the SSH master connections ControlPersist keeps in `dir` (ansibleCfg's controlPathDir),
 * which would otherwise outlive the run by ControlPersist's time.
 */
export async function stopControlMasters(dir: string): Promise<void> {
  const sockets = existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [];
  await Promise.all(sockets.map((s) => run("ssh", ["-o", `ControlPath=${s}`, "-O", "exit", "control-master"], { allowFailure: true })));
}

/** Writes `dir/ansible.cfg` and returns the environment ansible-playbook runs in. */
export function benchAnsibleEnv(dir: string, cfg: Parameters<typeof ansibleCfg>[0], extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const file = join(dir, "ansible.cfg");
  writeFileSync(file, ansibleCfg(cfg));
  return ansibleEnv(join(dir, "env"), { config: file, extra });
}

/** Runs a root script on every host of the lab (or `hosts`), 5 at a time, over the deploy user's login and sudo. */
export async function onEveryHost(lab: Lab, script: string, what: string, hosts = lab.topology.hosts): Promise<void> {
  const limit = pLimit(5);
  await Promise.all(
    hosts.map((h) =>
      limit(async () => {
        const s = await labSsh({ host: h.privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, h.name) });
        try {
          const r = await s.exec(`sudo -n sh -c ${shellQuote(script)}`);
          if (r.code !== 0) throw new Error(`${h.name}: ${what} failed (exit ${r.code}): ${r.stderr.trim().split("\n").slice(-5).join(" | ")}`);
        } finally {
          s.close();
        }
      }),
    ),
  );
}

/**
 * Ansible needs Python on its targets (do-converge does not): python3, and python3-apt for its apt
 * module (which would otherwise install it itself, inside the timed run), plus `extra` packages.
 * apt-cacher-ng's refresh of an index races when several hosts fetch it at once (seen: an
 * `apt-get update` hung for 10 minutes on "Failure to move file ... File exists"), so the first
 * host installs alone (the proxy then holds fresh indexes), and every apt-get is bounded by
 * `timeout` and tried again.
 */
export async function ensurePython(lab: Lab, extra: readonly string[] = []): Promise<void> {
  const pkgs = ["python3", "python3-apt", ...extra];
  const check = pkgs.map((p) => `dpkg-query -W -f='\${Status}' ${p} 2>/dev/null | grep -q 'ok installed'`).join(" && ");
  const attempt = `timeout 180 apt-get -q update >/dev/null && DEBIAN_FRONTEND=noninteractive timeout 300 apt-get -q install -y ${pkgs.join(" ")} >/dev/null`;
  const script = `${check} || { for i in 1 2 3; do ${attempt} && exit 0; sleep 5; done; exit 1; }`;
  const what = `installing ${pkgs.join(", ")}`;
  const [first, ...rest] = lab.topology.hosts;
  if (first === undefined) return;
  await onEveryHost(lab, script, what, [first]);
  await onEveryHost(lab, script, what, rest);
}
