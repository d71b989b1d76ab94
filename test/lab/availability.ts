import { LAB_PACKAGES } from "./prereqs/packages.js";
import { hasCommand, isRoot } from "./prereqs/system.js";

/**
 * Why the lab cannot run on this machine, or undefined when it can. Lab tests skip with this
 * reason on a developer's machine, but under CI=true a missing lab is a failure, not a skip.
 * `npm test` runs the lab's set-up step first (prereqs/), which installs what is missing.
 */
export function labUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return "the lab needs Linux (systemd-nspawn)";
  if (!isRoot()) return "the lab needs root (mounts, bridges, systemd-nspawn)";
  const missing = LAB_PACKAGES.filter((p) => p.commands.some((c) => !hasCommand(c)));
  if (missing.length > 0) {
    const what = missing.map((p) => `${p.name} (${p.commands.filter((c) => !hasCommand(c)).join(", ")})`).join(", ");
    return `missing: ${what}; as root, npm run lab -- prereqs installs them`;
  }
  return undefined;
}

/** For a lab test file: the reason to skip, after failing hard if CI demands the lab. */
export function labSkipReason(): string | undefined {
  const reason = labUnavailableReason();
  if (reason && process.env.CI === "true") throw new Error(`CI=true but the lab cannot run: ${reason}`);
  if (reason) console.warn(`lab tests skipped: ${reason}`);
  return reason;
}
