import { readFileSync } from "node:fs";

// Whether this machine has the memory for a bench lab of N hosts, asked before any host boots: a
// lab that runs out of memory half-way takes the machine (which others share) down with it.

/**
 * Memory a booted bench host uses while the `site` workload runs on it (systemd, journald, sshd,
 * the tools' sessions, apt), with room to spare, and what the control node's side needs beside
 * them (the tools, apt-cacher-ng, the page cache the hosts' shared base image lives in).
 */
export const HOST_MB = 100;
export const CONTROL_MB = 1024;

/** MemAvailable from /proc/meminfo's text, in MB. */
export function memAvailableMb(meminfo: string): number {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(meminfo);
  if (!m) throw new Error("/proc/meminfo has no MemAvailable line");
  return Number(m[1]) / 1024;
}

/** Why `hosts` hosts do not fit in `availableMb`, or undefined when they do. */
export function memoryProblem(hosts: number, availableMb: number): string | undefined {
  const need = hosts * HOST_MB + CONTROL_MB;
  if (availableMb >= need) return undefined;
  const fits = Math.floor((availableMb - CONTROL_MB) / HOST_MB);
  const instead = fits >= 1 ? `give --hosts ${fits} or fewer` : "free some memory first";
  return `${hosts} bench hosts need about ${need} MB of memory (${HOST_MB} MB a host and ${CONTROL_MB} MB for the control node) and this machine has ${availableMb.toFixed(0)} MB available: ${instead}`;
}

export function thisMachineMemoryProblem(hosts: number): string | undefined {
  return memoryProblem(hosts, memAvailableMb(readFileSync("/proc/meminfo", "utf8")));
}
