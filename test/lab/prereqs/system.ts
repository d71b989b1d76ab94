import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export function hasCommand(cmd: string): boolean {
  return spawnSync("sh", ["-c", 'command -v "$1"', "sh", cmd], { stdio: "ignore" }).status === 0;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return fallback;
  }
}

/** The fields of /etc/os-release (KEY=value, values optionally quoted). */
export function parseOsRelease(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([A-Z_]+)=(?:"(.*)"|'(.*)'|(.*))$/.exec(line.trim());
    if (m?.[1]) out.set(m[1], m[2] ?? m[3] ?? m[4] ?? "");
  }
  return out;
}

/**
 * Why this machine is not one the lab's set-up knows (it installs with apt and dpkg), or
 * undefined on Debian or a derivative of it.
 */
export function platformProblem(
  osRelease = readOr("/etc/os-release", ""),
  has: (cmd: string) => boolean = hasCommand,
  platform: string = process.platform,
): string | undefined {
  if (platform !== "linux") return `the lab needs Linux (systemd-nspawn); this is ${platform}`;
  const os = parseOsRelease(osRelease);
  const family = [os.get("ID") ?? "", ...(os.get("ID_LIKE") ?? "").split(/\s+/)];
  const name = os.get("PRETTY_NAME") ?? (os.get("ID") || "an unknown Linux");
  if (!family.some((id) => id === "debian" || id === "ubuntu")) return `the lab's set-up needs Debian or Ubuntu (apt, dpkg); this is ${name}`;
  const tools = ["apt-get", "apt-cache", "dpkg-query"].filter((c) => !has(c));
  if (tools.length > 0) return `the lab's set-up needs apt and dpkg; ${tools.join(", ")} not found on ${name}`;
  return undefined;
}

/** Capabilities systemd-nspawn needs (numbers from linux/capability.h). */
const NEEDED_CAPS: readonly (readonly [string, bigint])[] = [
  ["CAP_SYS_ADMIN", 21n],
  ["CAP_NET_ADMIN", 12n],
];

/** The effective capability set from /proc/PID/status ("CapEff:\t000001ffffffffff"). */
export function effectiveCaps(status: string): bigint {
  const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  return m?.[1] ? BigInt(`0x${m[1]}`) : 0n;
}

/** Whether /proc/self/uid_map maps every uid 1:1, as outside any user namespace. */
export function fullUidMap(uidMap: string): boolean {
  const rows = uidMap.trim().split("\n").map((l) => l.trim().split(/\s+/));
  return rows.length === 1 && rows[0]?.join(" ") === "0 0 4294967295";
}

/**
 * What stops systemd-nspawn from booting containers here, before anything is installed: a user
 * namespace (an unprivileged container: root there cannot mount or make devices), missing
 * capabilities (a container without --privileged), no cgroup file system (systemd inside needs
 * one). The real proof is the probe (probes.ts) once systemd-nspawn is installed.
 */
export function containerProblems(files: { status: string; uidMap: string; mounts: string } = {
  status: readOr("/proc/self/status", ""),
  uidMap: readOr("/proc/self/uid_map", ""),
  mounts: readOr("/proc/self/mounts", ""),
}): string[] {
  const problems: string[] = [];
  if (!fullUidMap(files.uidMap)) problems.push("this runs in a user namespace (an unprivileged container?): root here cannot boot containers");
  const caps = effectiveCaps(files.status);
  const lacking = NEEDED_CAPS.filter(([, bit]) => (caps & (1n << bit)) === 0n).map(([name]) => name);
  if (lacking.length > 0) problems.push(`no ${lacking.join(", ")} (a container started without --privileged?)`);
  const cgroups = files.mounts.split("\n").some((l) => /^\S+ \/sys\/fs\/cgroup\S* cgroup2? /.test(l));
  if (!cgroups) problems.push("no cgroup file system under /sys/fs/cgroup");
  return problems;
}
