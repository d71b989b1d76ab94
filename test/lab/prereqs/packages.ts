import { spawn } from "node:child_process";
import { run } from "../exec.js";

/** A Debian package the lab needs, why, and the commands of it that the lab runs. */
export interface LabPackage {
  name: string;
  why: string;
  commands: readonly string[];
}

/** What every lab needs on the machine that runs it. */
export const LAB_PACKAGES: readonly LabPackage[] = [
  { name: "systemd-container", why: "systemd-nspawn runs the lab's hosts", commands: ["systemd-nspawn"] },
  { name: "debootstrap", why: "builds their Debian 12 base image", commands: ["debootstrap"] },
  { name: "apt-cacher-ng", why: "their apt proxy on the lab bridge", commands: ["apt-cacher-ng"] },
  { name: "openssh-client", why: "ssh-keygen for the lab key and host keys, ssh for `lab ssh`", commands: ["ssh-keygen", "ssh"] },
  { name: "iproute2", why: "ip for the bridge and reserved-IP moves, tc for the benchmark's netem delay", commands: ["ip"] },
  { name: "util-linux", why: "nsenter into a host's namespaces", commands: ["nsenter"] },
];

/**
 * What `npm test`'s suites and the benchmark run on the control node beside the lab (`--ansible`):
 * Ansible itself, the yardstick of the template parity test and the benchmark, and the tools the
 * adversarial suite's cases call (get_url and unarchive run on the control node there; sysctl in
 * --check reads live values), and the browser the HTML report is opened in.
 */
export const SUITE_PACKAGES: readonly LabPackage[] = [
  { name: "ansible-core", why: "ansible-playbook for the template parity test and the benchmark", commands: ["ansible-playbook"] },
  { name: "curl", why: "get_url's downloads in the adversarial suite's local runs", commands: ["curl"] },
  { name: "unzip", why: "unarchive of zip files in the adversarial suite's local runs", commands: ["unzip"] },
  { name: "procps", why: "sysctl in the adversarial suite's local runs", commands: ["sysctl"] },
  { name: "chromium", why: "a headless browser that opens the --html report in its unit test", commands: ["chromium"] },
  { name: "time", why: "GNU time: the benchmark's CPU seconds and peak memory of each do-converge run", commands: ["/usr/bin/time"] },
];

/**
 * The packages of `wanted` that dpkg does not have installed (absent, removed with its
 * configuration left, half-installed), in `wanted`'s order. dpkg-query reads DPKG_ADMINDIR when
 * set, so another package database can be asked (a chroot's).
 */
export async function missingPackages(wanted: readonly string[]): Promise<string[]> {
  // Exit 1 when some package is unknown to dpkg: that is an answer, not a failure.
  const r = await run("dpkg-query", ["-W", "-f=${Package}\\t${Status}\\n", ...wanted], { allowFailure: true });
  const installed = installedFrom(r.stdout);
  return wanted.filter((p) => !installed.has(p));
}

/** Package names whose dpkg status is "install ok installed", from dpkg-query's Package<TAB>Status lines. */
export function installedFrom(dpkgQueryOutput: string): Set<string> {
  const out = new Set<string>();
  for (const line of dpkgQueryOutput.split("\n")) {
    const [name, status] = line.split("\t");
    if (name && status === "install ok installed") out.add(name.replace(/:[a-z0-9]+$/, ""));
  }
  return out;
}

/** The one apt-get command line that installs the missing packages (the step runs exactly this). */
export function aptInstallArgv(names: readonly string[]): string[] {
  return ["apt-get", "install", "-y", "-q", "--no-install-recommends", ...names];
}

/** The packages apt knows no installable version of: their lists must be fetched first. */
export async function withoutCandidate(names: readonly string[]): Promise<string[]> {
  const r = await run("apt-cache", ["policy", ...names], { allowFailure: true, env: { ...process.env, LANG: "C" } });
  const known = candidatesFrom(r.stdout);
  return names.filter((n) => !known.has(n));
}

/** Package names that `apt-cache policy` shows with a candidate version. */
export function candidatesFrom(aptCachePolicyOutput: string): Set<string> {
  const out = new Set<string>();
  let current: string | undefined;
  for (const line of aptCachePolicyOutput.split("\n")) {
    const head = /^(\S+?)(?::[a-z0-9]+)?:$/.exec(line);
    if (head) {
      current = head[1];
      continue;
    }
    const candidate = /^\s+Candidate: (\S+)/.exec(line);
    if (candidate && current && candidate[1] !== "(none)") out.add(current);
  }
  return out;
}

/**
 * Runs an apt-get command with its output on this terminal (installing takes a while; apt says
 * what it fetches); resolves with its exit code.
 */
export function aptGet(argv: readonly string[]): Promise<number> {
  return new Promise((resolve) => {
    const [cmd, ...args] = argv;
    const child = spawn(cmd ?? "apt-get", args, {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    child.on("error", () => resolve(127));
    child.on("close", (code) => resolve(code ?? 128));
  });
}
