import { spawnSync } from "node:child_process";

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

/**
 * Why the lab cannot run on this machine, or undefined when it can. Lab tests skip with this
 * reason on a developer's machine, but under CI=true a missing lab is a failure, not a skip.
 */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return "the lab needs Linux (systemd-nspawn)";
  if (process.getuid?.() !== 0) return "the lab needs root (mounts, bridges, systemd-nspawn)";
  const missing = ["systemd-nspawn", "debootstrap", "apt-cacher-ng", "ssh-keygen", "nsenter"].filter((c) => !has(c));
  if (missing.length > 0) return `missing commands: ${missing.join(", ")} (apt-get install systemd-container debootstrap apt-cacher-ng openssh-client util-linux)`;
  return undefined;
}

/** For a lab test file: the reason to skip, after failing hard if CI demands the lab. */
export function labSkipReason(): string | undefined {
  const reason = labUnavailableReason();
  if (reason && process.env.CI === "true") throw new Error(`CI=true but the lab cannot run: ${reason}`);
  if (reason) console.warn(`lab tests skipped: ${reason}`);
  return reason;
}
