import { parseArgs } from "node:util";
import { shellJoin } from "../../src/remote/quote.js";

// `npm run bench` options, checked before anything runs: a bad value is one line naming the
// option, and no host is booted.

export const WORKLOADS = ["site", "files10", "reference-site"] as const;
export type Workload = (typeof WORKLOADS)[number];

/** How the round-trip delay is added: netem on the bench bridge, or a TCP relay on the control node. */
export const DELAY_METHODS = ["netem", "relay"] as const;
export type DelayMethod = (typeof DELAY_METHODS)[number];

/** The lab's host addresses are .10 to .249 of its networks (test/lab/topology.ts). */
export const MAX_HOSTS = 240;
export const DEFAULT_HOSTS = 20;
/** Ten seconds is past any RTT on Earth; a larger value is a typo (seconds given as ms). */
export const MAX_DELAY_MS = 10_000;

export interface BenchOptions {
  workload: Workload;
  rounds: number;
  /** Hosts of a generated topology (site, files10); undefined with --topology or reference-site. */
  hosts: number | undefined;
  topology: string | undefined;
  ansible: boolean;
  delay: { ms: number; via: DelayMethod } | undefined;
  keep: boolean;
  /** The options as given, for the printed command line. */
  argv: readonly string[];
}

/** A mistake on the command line: nothing was run. */
export class BenchUsageError extends Error {
  override name = "BenchUsageError";
}

/** A whole number from min to max, or a usage error naming the option and what it takes. */
export function wholeNumber(option: string, text: string, min: number, max: number, what: string): number {
  if (!/^\d+$/.test(text)) throw new BenchUsageError(`--${option}: ${JSON.stringify(text)} is not a whole number (${what})`);
  const n = Number(text);
  if (n < min || n > max) throw new BenchUsageError(`--${option}: ${n} is out of range (${what}: ${min} to ${max})`);
  return n;
}

function oneOf<T extends string>(option: string, text: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a === text);
  if (found === undefined) throw new BenchUsageError(`--${option}: ${JSON.stringify(text)} is not one of ${allowed.join(", ")}`);
  return found;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        workload: { type: "string" },
        rounds: { type: "string" },
        hosts: { type: "string" },
        topology: { type: "string" },
        "no-ansible": { type: "boolean" },
        "delay-ms": { type: "string" },
        "delay-via": { type: "string" },
        keep: { type: "boolean" },
      },
    }));
  } catch (err) {
    // node:util's own message names the option ("Unknown option '--host'"), on one line here.
    throw new BenchUsageError((err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, " "));
  }
  const workload = oneOf("workload", values.workload ?? "site", WORKLOADS);
  const rounds = wholeNumber("rounds", values.rounds ?? "3", 1, 100, "rounds of each tool");
  const onlyGenerated = (option: string) => {
    if (workload === "reference-site") throw new BenchUsageError(`--${option}: not for the reference-site workload (its 8 hosts are the reference site's shape)`);
  };
  if (values.hosts !== undefined) onlyGenerated("hosts");
  if (values.topology !== undefined) onlyGenerated("topology");
  if (values["no-ansible"]) onlyGenerated("no-ansible");
  if (values["delay-ms"] !== undefined) onlyGenerated("delay-ms");
  if (values.hosts !== undefined && values.topology !== undefined) throw new BenchUsageError("--hosts and --topology: give one (--hosts generates a topology of that many hosts)");
  if (values["delay-via"] !== undefined && values["delay-ms"] === undefined) throw new BenchUsageError("--delay-via: only with --delay-ms");
  const hosts =
    workload === "reference-site" || values.topology !== undefined
      ? undefined
      : wholeNumber("hosts", values.hosts ?? String(DEFAULT_HOSTS), 1, MAX_HOSTS, "lab hosts");
  const delay =
    values["delay-ms"] === undefined
      ? undefined
      : {
          ms: wholeNumber("delay-ms", values["delay-ms"], 1, MAX_DELAY_MS, "milliseconds of round-trip delay"),
          via: oneOf("delay-via", values["delay-via"] ?? "netem", DELAY_METHODS),
        };
  return { workload, rounds, hosts, topology: values.topology, ansible: !values["no-ansible"], delay, keep: values.keep ?? false, argv };
}

/**
 * What tells this run's figures from the default run's in the ratio lines: empty for the default
 * (`site` on 20 generated hosts, no delay), whose last line stays `noop ratio ansible/do-converge: X`;
 * otherwise the workload and the options that change what is measured.
 */
export function ratioLabel(o: BenchOptions): string {
  const parts: string[] = [];
  if (o.hosts !== undefined && o.hosts !== DEFAULT_HOSTS) parts.push(`--hosts ${o.hosts}`);
  if (o.topology !== undefined) parts.push(`--topology ${o.topology}`);
  if (o.delay) parts.push(`--delay-ms ${o.delay.ms}${o.delay.via === "netem" ? "" : ` --delay-via ${o.delay.via}`}`);
  if (o.workload === "site" && parts.length === 0) return "";
  return [o.workload, ...parts].join(" ");
}

/** The line that ends a run's figures: `[label ]first|noop ratio ansible/do-converge: N`. */
export function ratioLine(label: string, kind: "first" | "noop", ratio: number): string {
  return `${label ? `${label} ` : ""}${kind} ratio ansible/do-converge: ${ratio.toFixed(1)}`;
}

/** The command as typed: `npm run bench -- OPTIONS`. */
export function commandLine(argv: readonly string[]): string {
  return argv.length === 0 ? "npm run bench" : `npm run bench -- ${shellJoin(argv)}`;
}
