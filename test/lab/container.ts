import { spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "./errors.js";
import { run } from "./exec.js";
import { mountsUnder, unmountAll } from "./mounts.js";
import { readBanner, waitUntil } from "./net.js";
import { childPids, cmdline, isAlive, parentPid, pidsWithEnv, readPid, signal, waitForExit } from "./processes.js";

/** Environment marker nspawn puts on each container's init, to find it again after a crash. */
export const MARKER_ENV = "DO_CONVERGE_LAB_HOST";

export interface ContainerDirs {
  dir: string;
  upper: string;
  work: string;
  merged: string;
  pidFile: string;
  consoleLog: string;
}

export function containerDirs(hostsDir: string, name: string): ContainerDirs {
  const dir = join(hostsDir, name);
  return {
    dir,
    upper: join(dir, "upper"),
    work: join(dir, "work"),
    merged: join(dir, "root"),
    pidFile: join(dir, "nspawn.pid"),
    consoleLog: join(dir, "console.log"),
  };
}

function marker(d: ContainerDirs): string {
  return d.dir;
}

/** The systemd-nspawn process of this container, if it is running. */
export function nspawnPid(d: ContainerDirs): number | undefined {
  const pid = readPid(d.pidFile);
  if (pid === undefined || !isAlive(pid)) return undefined;
  const argv = cmdline(pid);
  return (argv[0] ?? "").endsWith("systemd-nspawn") && argv.includes(`--directory=${d.merged}`) ? pid : undefined;
}

/** The container's PID 1 (its systemd), whose namespaces `nsenter` uses. */
export function initPid(d: ContainerDirs): number | undefined {
  const nspawn = nspawnPid(d);
  const child = nspawn === undefined ? undefined : childPids(nspawn)[0];
  if (child !== undefined) return child;
  // systemd hands its environment on to services, so the marker is on many processes: the init
  // is the one whose parent does not carry it.
  const found = new Set(pidsWithEnv(MARKER_ENV, marker(d)));
  return [...found].find((p) => !found.has(parentPid(p)));
}

export async function mountOverlay(d: ContainerDirs, base: string): Promise<void> {
  if (mountsUnder(d.merged).includes(d.merged)) return;
  for (const p of [d.upper, d.work, d.merged]) mkdirSync(p, { recursive: true });
  await run("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${base},upperdir=${d.upper},workdir=${d.work}`, d.merged]);
}

/**
 * Boots the container detached from this process (it outlives `npm run lab -- up`). The flags are
 * the ones seen to boot a full systemd on a lab machine whose own init is not systemd.
 */
export function boot(d: ContainerDirs, name: string, bridge: string): number {
  const log = openSync(d.consoleLog, "a");
  const child = spawn(
    "systemd-nspawn",
    [
      "--quiet",
      "--boot",
      "--register=no",
      "--keep-unit",
      `--network-bridge=${bridge}`,
      `--directory=${d.merged}`,
      `--machine=${name}`,
      `--hostname=${name}`,
      "--console=read-only",
      `--setenv=${MARKER_ENV}=${marker(d)}`,
      // Roles set net.ipv4.* (ip_nonlocal_bind); only /proc/sys/net is writable in nspawn anyway.
    ],
    { detached: true, stdio: ["ignore", log, log] },
  );
  child.unref();
  if (child.pid === undefined) throw new LabError(`${name}: systemd-nspawn did not start (is systemd-container installed?)`);
  writeFileSync(d.pidFile, `${child.pid}\n`);
  return child.pid;
}

export async function waitForSsh(name: string, address: string, timeoutMs: number): Promise<void> {
  const ok = await waitUntil(async () => (await readBanner(address, 22, 1000))?.startsWith("SSH-2.0-") ?? false, timeoutMs, 250);
  if (!ok) throw new LabError(`${name}: sshd did not answer on ${address}:22 within ${timeoutMs / 1000} s`);
}

/**
 * Stops a container and removes every trace: nspawn gets SIGTERM (it powers the container off),
 * then anything left (an init orphaned by a killed nspawn) is killed, the overlay unmounted and
 * the host's directory deleted. Safe on a half-created or already-stopped host.
 */
export async function destroy(d: ContainerDirs): Promise<void> {
  const nspawn = nspawnPid(d);
  if (nspawn !== undefined) {
    signal(nspawn, "SIGTERM");
    const left = await waitForExit([nspawn], 20_000);
    for (const p of left) signal(p, "SIGKILL");
    await waitForExit(left, 5000);
  }
  const orphans = pidsWithEnv(MARKER_ENV, marker(d));
  for (const p of orphans) signal(p, "SIGKILL");
  const stuck = await waitForExit(orphans, 10_000);
  if (stuck.length > 0) throw new LabError(`${d.dir}: container processes ${stuck.join(", ")} survived SIGKILL`);
  await unmountAll(d.dir);
  if (existsSync(d.dir)) rmSync(d.dir, { recursive: true, force: true });
}
