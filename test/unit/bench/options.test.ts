import { describe, expect, it } from "vitest";
import { BenchUsageError, commandLine, parseBenchArgs, ratioLabel, ratioLine } from "../../bench/options.js";

// `npm run bench`'s options: a mistake is one line naming the option, before anything boots.

const bad = (argv: string[]) => {
  try {
    parseBenchArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(BenchUsageError);
    return (err as Error).message;
  }
  throw new Error(`no error for ${argv.join(" ")}`);
};

describe("npm run bench options", () => {
  it("no options: the site workload on 20 generated hosts, 3 rounds, both tools, no delay", () => {
    expect(parseBenchArgs([])).toEqual({ workload: "site", rounds: 3, hosts: 20, topology: undefined, ansible: true, delay: undefined, keep: false, argv: [] });
  });

  it("reads every option", () => {
    const o = parseBenchArgs(["--workload", "files10", "--rounds", "1", "--hosts", "100", "--no-ansible", "--delay-ms", "150", "--delay-via", "relay", "--keep"]);
    expect(o).toMatchObject({ workload: "files10", rounds: 1, hosts: 100, ansible: false, delay: { ms: 150, via: "relay" }, keep: true });
    expect(parseBenchArgs(["--delay-ms", "50"]).delay).toEqual({ ms: 50, via: "netem" });
    expect(parseBenchArgs(["--topology", "t.yml"])).toMatchObject({ topology: "t.yml", hosts: undefined });
    expect(parseBenchArgs(["--workload", "reference-site", "--rounds", "1"])).toMatchObject({ workload: "reference-site", hosts: undefined, rounds: 1 });
  });

  it("refuses host counts, delays and rounds that are not whole numbers in range, naming the option", () => {
    expect(bad(["--hosts", "0"])).toBe("--hosts: 0 is out of range (lab hosts: 1 to 240)");
    expect(bad(["--hosts", "241"])).toBe("--hosts: 241 is out of range (lab hosts: 1 to 240)");
    expect(bad(["--hosts", "ten"])).toBe('--hosts: "ten" is not a whole number (lab hosts)');
    expect(bad(["--hosts=-3"])).toMatch(/^--hosts: "-3" is not a whole number/);
    expect(bad(["--hosts", "-3"])).toMatch(/^Option '--hosts' argument is ambiguous\. .*'--hosts=-XYZ'\.$/);
    expect(bad(["--hosts", "2.5"])).toMatch(/^--hosts: "2.5" is not a whole number/);
    expect(bad(["--delay-ms", "abc"])).toBe('--delay-ms: "abc" is not a whole number (milliseconds of round-trip delay)');
    expect(bad(["--delay-ms", "0"])).toBe("--delay-ms: 0 is out of range (milliseconds of round-trip delay: 1 to 10000)");
    expect(bad(["--delay-ms", "150ms"])).toMatch(/^--delay-ms: "150ms" is not a whole number/);
    expect(bad(["--rounds", "0"])).toBe("--rounds: 0 is out of range (rounds of each tool: 1 to 100)");
    expect(bad(["--rounds", ""])).toMatch(/^--rounds: "" is not a whole number/);
  });

  it("refuses unknown workloads, options, values and combinations that mean nothing", () => {
    expect(bad(["--workload", "sites"])).toBe('--workload: "sites" is not one of site, files10, reference-site');
    expect(bad(["--delay-ms", "50", "--delay-via", "tc"])).toBe('--delay-via: "tc" is not one of netem, relay');
    expect(bad(["--delay-via", "relay"])).toBe("--delay-via: only with --delay-ms");
    expect(bad(["--host", "4"])).toMatch(/--host/);
    expect(bad(["site"])).toMatch(/positional/i);
    expect(bad(["--hosts", "4", "--topology", "t.yml"])).toMatch(/^--hosts and --topology: give one/);
    for (const o of [["--hosts", "4"], ["--no-ansible"], ["--delay-ms", "50"], ["--topology", "t.yml"]]) {
      expect(bad(["--workload", "reference-site", ...o])).toMatch(new RegExp(`^${o[0]}: not for the reference-site workload`));
    }
  });
});

describe("the ratio lines", () => {
  it("the default run's last line stays `noop ratio ansible/do-converge: X`; other runs say what they measured", () => {
    const label = (argv: string[]) => ratioLabel(parseBenchArgs(argv));
    expect(label([])).toBe("");
    expect(label(["--hosts", "20", "--rounds", "1"])).toBe("");
    expect(ratioLine(label([]), "noop", 29.14)).toBe("noop ratio ansible/do-converge: 29.1");
    expect(ratioLine(label(["--hosts", "100"]), "noop", 3)).toBe("site --hosts 100 noop ratio ansible/do-converge: 3.0");
    expect(label(["--delay-ms", "150"])).toBe("site --delay-ms 150");
    expect(label(["--delay-ms", "150", "--delay-via", "relay"])).toBe("site --delay-ms 150 --delay-via relay");
    expect(label(["--workload", "reference-site"])).toBe("reference-site");
    expect(label(["--workload", "files10"])).toBe("files10");
    expect(ratioLine("reference-site", "first", 4.56)).toBe("reference-site first ratio ansible/do-converge: 4.6");
  });

  it("prints the command as it was typed, quoted where a shell needs it", () => {
    expect(commandLine([])).toBe("npm run bench");
    expect(commandLine(["--workload", "site", "--hosts", "4", "--topology", "my lab.yml"])).toBe("npm run bench -- --workload site --hosts 4 --topology 'my lab.yml'");
  });
});
