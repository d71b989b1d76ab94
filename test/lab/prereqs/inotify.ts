import { readFileSync, writeFileSync } from "node:fs";
import { LabError } from "../errors.js";

export interface InotifyLimit {
  key: "max_user_instances" | "max_user_watches";
  want: number;
}

// Every lab host's systemd and services are root in the machine's own user namespace, so they
// all share root's inotify limits. A booted host holds about 5 instances at rest; with the
// kernel's default of 128, systemd in a new container dies past about 25 hosts ("Failed to create
// control group inotify object"). The floors are ample for the default lab and the benchmark's
// 20 hosts side by side (100 hosts have booted with them); a topology of more than 32 hosts gets
// a wide per-host share (services watch files too) above them.
const FLOOR = { max_user_instances: 8192, max_user_watches: 524_288 } as const;
const PER_HOST = { max_user_instances: 256, max_user_watches: 16_384 } as const;

/** The inotify limits a lab of `hosts` hosts needs. */
export function inotifyLimits(hosts: number): InotifyLimit[] {
  return (["max_user_instances", "max_user_watches"] as const).map((key) => ({
    key,
    want: Math.max(FLOOR[key], hosts * PER_HOST[key]),
  }));
}

const file = (key: InotifyLimit["key"]) => `/proc/sys/fs/inotify/${key}`;

/** The limits below what `hosts` hosts need, with their current values. */
export function lowInotifyLimits(hosts: number): (InotifyLimit & { have: number })[] {
  return inotifyLimits(hosts)
    .map((l) => ({ ...l, have: Number(readFileSync(file(l.key), "utf8")) }))
    .filter((l) => l.have < l.want);
}

/** Raises the limits that are too low for `hosts` hosts; returns one line per limit raised. */
export function raiseInotifyLimits(hosts: number): string[] {
  const raised: string[] = [];
  for (const l of lowInotifyLimits(hosts)) {
    try {
      writeFileSync(file(l.key), `${l.want}\n`);
    } catch (err) {
      throw new LabError(
        `cannot raise fs.inotify.${l.key} from ${l.have} to ${l.want} for ${hosts} lab hosts (${(err as Error).message}): run sysctl -w fs.inotify.${l.key}=${l.want} on this machine`,
      );
    }
    raised.push(`raised fs.inotify.${l.key} from ${l.have} to ${l.want} (${hosts} lab hosts)`);
  }
  return raised;
}
