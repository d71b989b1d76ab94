import { describe, expect, it } from "vitest";
import { gnuTimeArgv, median, parseGnuTime } from "../../bench/measure.js";
import { memAvailableMb, memoryProblem } from "../../bench/capacity.js";
import { endLines, startLines } from "../../bench/machine.js";

describe("the control node's figures from GNU time", () => {
  it("reads user and system seconds and the peak RSS (KiB) of the one child", () => {
    expect(parseGnuTime("6.91 1.40 175104\n")).toEqual({ userSeconds: 6.91, systemSeconds: 1.4, peakRssMb: 171 });
    expect(parseGnuTime("Command exited with non-zero status 2\n0.50 0.10 51200\n")).toEqual({ userSeconds: 0.5, systemSeconds: 0.1, peakRssMb: 50 });
    expect(() => parseGnuTime("")).toThrow(/wrote no "user system maxrss" line/);
    expect(() => parseGnuTime("Command terminated by signal 9\n")).toThrow(/wrote no/);
  });

  it("runs the command under GNU time with its figures in a file of their own", () => {
    expect(gnuTimeArgv("/w/time.txt", "node", ["bin.js", "site.ts"])).toEqual(["-f", "%U %S %M", "-o", "/w/time.txt", "--", "node", "bin.js", "site.ts"]);
  });

  it("medians", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe("the bench's memory check", () => {
  it("reads MemAvailable and refuses a lab that does not fit, saying how many hosts would", () => {
    expect(memAvailableMb("MemTotal: 24683520 kB\nMemFree: 1 kB\nMemAvailable:   24166400 kB\n")).toBe(23600);
    expect(() => memAvailableMb("MemTotal: 1 kB\n")).toThrow(/MemAvailable/);
    expect(memoryProblem(100, 23_600)).toBeUndefined();
    expect(memoryProblem(100, 5000)).toMatch(/^100 bench hosts need about \d+ MB .* 5000 MB available: give --hosts \d+ or fewer$/);
    expect(memoryProblem(1, 100)).toMatch(/free some memory first$/);
  });
});

describe("what every workload prints beside its figures", () => {
  it("the machine, the command, the date and the load at start and end", () => {
    const m = { cores: 2, cpuModel: "AMD EPYC", memGiB: 23.5, kernel: "6.18.44", node: "v20.20.2" };
    const at = new Date("2026-12-08T10:00:00Z");
    expect(startLines("npm run bench -- --rounds 1", m, [0.5, 1.25, 2], at)).toEqual([
      "machine: 2 cores (AMD EPYC), 23.5 GiB RAM, Linux 6.18.44, Node.js v20.20.2",
      "command: npm run bench -- --rounds 1",
      "started: 2026-12-08T10:00:00.000Z, load average 0.50 1.25 2.00 (1, 5, 15 min)",
    ]);
    expect(endLines([3, 2, 1], at)).toEqual(["ended: 2026-12-08T10:00:00.000Z, load average 3.00 2.00 1.00 (1, 5, 15 min)"]);
  });
});
