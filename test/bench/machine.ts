import { cpus, loadavg, release, totalmem } from "node:os";

// What a figure needs beside it to mean anything: the machine, how busy it was, when, and how
// the run was started. Printed at the start and the end of every workload's figures.

export interface Machine {
  cores: number;
  cpuModel: string;
  memGiB: number;
  kernel: string;
  node: string;
}

export function thisMachine(): Machine {
  const list = cpus();
  return { cores: list.length, cpuModel: list[0]?.model.trim() ?? "unknown CPU", memGiB: totalmem() / 2 ** 30, kernel: release(), node: process.version };
}

export const formatLoad = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(" ");

export function startLines(command: string, m: Machine = thisMachine(), load: readonly number[] = loadavg(), now: Date = new Date()): string[] {
  return [
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memGiB.toFixed(1)} GiB RAM, Linux ${m.kernel}, Node.js ${m.node}`,
    `command: ${command}`,
    `started: ${now.toISOString()}, load average ${formatLoad(load)} (1, 5, 15 min)`,
  ];
}

export function endLines(load: readonly number[] = loadavg(), now: Date = new Date()): string[] {
  return [`ended: ${now.toISOString()}, load average ${formatLoad(load)} (1, 5, 15 min)`];
}
