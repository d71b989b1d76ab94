import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AptSource, primaryMirror, renderSourcesList } from "./apt-sources.js";
import { LabError } from "./errors.js";
import { run } from "./exec.js";
import { unmountAll } from "./mounts.js";

/** What a fresh droplet has, and no Python: the engine must not need it. */
export const BASE_PACKAGES = [
  "openssh-server",
  "systemd",
  "systemd-sysv",
  "dbus",
  "iproute2",
  "ca-certificates",
  "curl",
  "sudo",
] as const;

// Bump when the steps in configureBase change: the cached base is rebuilt under a new name.
const RECIPE_VERSION = 1;
export const DEPLOY_USER = "deploy";

export function baseDirName(sources: readonly AptSource[]): string {
  const recipe = JSON.stringify({ RECIPE_VERSION, BASE_PACKAGES, sources });
  return `base-bookworm-${createHash("sha256").update(recipe).digest("hex").slice(0, 12)}`;
}

async function chroot(root: string, ...cmd: string[]): Promise<void> {
  await run("chroot", [root, ...cmd], { env: { ...process.env, LANG: "C", DEBIAN_FRONTEND: "noninteractive" } });
}

/** Turns a debootstrapped tree into the droplet image every lab host starts from. */
async function configureBase(root: string, sources: readonly AptSource[]): Promise<void> {
  // Host keys and machine-id are per host (see host-files.ts); identical keys would hide bugs.
  for (const f of readdirSync(join(root, "etc/ssh"))) {
    if (f.startsWith("ssh_host_")) rmSync(join(root, "etc/ssh", f));
  }
  writeFileSync(join(root, "etc/machine-id"), "");
  // The deploy user of a droplet's cloud-config: key login, passwordless sudo.
  await chroot(root, "useradd", "--create-home", "--shell", "/bin/bash", "--groups", "sudo", DEPLOY_USER);
  writeFileSync(join(root, "etc/sudoers.d/90-deploy"), `${DEPLOY_USER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  await chroot(root, "systemctl", "enable", "systemd-networkd.service");
  // Timers that run apt on their own would make lab runs race them for the dpkg lock at random.
  await chroot(root, "systemctl", "mask", "apt-daily.timer", "apt-daily-upgrade.timer", "systemd-networkd-wait-online.service");
  writeFileSync(join(root, "etc/apt/sources.list"), renderSourcesList(sources));
  await chroot(root, "apt-get", "clean");
}

/**
 * The Debian 12 base root filesystem, built once with debootstrap (through the lab's apt proxy,
 * so a rebuild downloads nothing) and cached under cacheDir. Built in a scratch directory and
 * renamed into place, so a killed build never leaves a half base that looks finished.
 */
export async function ensureBase(cacheDir: string, sources: readonly AptSource[], aptProxy: string): Promise<string> {
  const dir = join(cacheDir, baseDirName(sources));
  if (existsSync(join(dir, "etc/do-converge-lab-base"))) return dir;
  const mirror = primaryMirror(sources);
  if (!mirror) throw new LabError("no Debian 12 (bookworm) archive in this machine's apt sources: cannot build the lab base");

  const scratch = `${dir}.building`;
  await unmountAll(scratch); // debootstrap mounts /proc and /sys inside; a killed build leaves them
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  try {
    await run(
      "debootstrap",
      ["--variant=minbase", `--include=${BASE_PACKAGES.join(",")}`, "bookworm", scratch, mirror],
      { env: { ...process.env, http_proxy: aptProxy, LANG: "C" }, timeoutMs: 1_200_000 },
    );
    await configureBase(scratch, sources);
    writeFileSync(join(scratch, "etc/do-converge-lab-base"), `${JSON.stringify({ RECIPE_VERSION, sources })}\n`);
  } catch (err) {
    await unmountAll(scratch);
    throw err;
  }
  await unmountAll(scratch);
  renameSync(scratch, dir);
  return dir;
}
