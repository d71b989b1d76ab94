import { shellQuote } from "../../../src/remote/quote.js";

// What the twins test (twins.test.ts) records of a host before and after a role runs: every
// observable a role manages, as "section key" → value, so that a run's effect is the keys whose
// value moved. Both hosts boot from one base image and get the same set-up, so what differs
// between two hosts from the start (host keys, /etc/hostname, /etc/machine-id) is in neither
// host's delta and needs no exclusion here; what is excluded below moves by itself while a run
// happens, or is a tool's own working state rather than something the role manages.

/** File trees whose files are compared by content (sha256) as well as type, mode and owner. */
const CONTENT_ROOTS = ["/etc", "/usr/local", "/opt", "/srv"];

/**
 * File trees of state and logs, compared by type, mode and owner only: their contents are what
 * the services write while they run (a log line with a time, a database file), not what a role
 * writes. /home and /root are not looked at: the roles manage nothing there, and each tool's
 * working directory (Ansible's ~/.ansible/tmp) lives there.
 */
const STATE_ROOTS = ["/var/lib", "/var/log", "/var/cache", "/var/spool"];

/** Trees left out of both kinds of walk, each with why. */
export const EXCLUDED_TREES: Readonly<Record<string, string>> = {
  "/var/lib/apt/lists": "apt's package indexes: what an update fetched from a moving mirror at the moment it ran; the packages installed from them are compared by version",
  "/var/cache/apt": "apt's binary caches and downloaded .debs: rebuilt by any apt command, kept or not by apt's own settings",
  "/var/log/journal": "the journal's files are named after the machine id and rotate by size and time",
  "/var/lib/do-converge": "do-converge's own state (its pending-handlers directory, made by every run as root), not the role's",
};

/**
 * systemd units left out: named per login, not per role (a tool's login may still be stopping
 * when the snapshot after it is taken).
 */
const EXCLUDED_UNITS: readonly [RegExp, string][] = [
  [/^session-\d+\.scope$/, "a login session's scope: numbered per SSH login, and the two tools log in a different number of times"],
];

/** sysctl keys that move by themselves, with any process that runs. */
const VOLATILE_SYSCTL: readonly [RegExp, string][] = [
  [/^kernel\.random\./, "kernel.random.uuid is a new uuid at each read; the entropy figures move"],
  [/^fs\.(dentry-state|inode-nr|inode-state|file-nr)$/, "counters of the kernel's dentry and inode caches and of open files"],
  [/^kernel\.ns_last_pid$/, "the last process id handed out"],
  [/^net\.netfilter\.nf_conntrack_count$/, "connections the firewall tracks now: each SSH login (and its TIME_WAIT) counts while it lasts"],
  [/^kernel\.pty\.nr$/, "pseudo-terminals open on the whole machine (the lab hosts share one kernel): any login anywhere moves it"],
];

function walk(roots: readonly string[], withContent: boolean): string {
  const prunes = Object.keys(EXCLUDED_TREES)
    .map((p) => `-path ${shellQuote(p)}`)
    .join(" -o ");
  const existing = `$(for d in ${roots.join(" ")}; do [ -e "$d" ] && echo "$d"; done)`;
  const meta = `find ${existing} -xdev \\( ${prunes} \\) -prune -o -printf 'meta\\t%p\\t%y %m %u:%g %l\\n'`;
  if (!withContent) return meta;
  return `${meta}\nfind ${existing} -xdev \\( ${prunes} \\) -prune -o -type f -exec sha256sum {} + | sed 's/^\\([0-9a-f]*\\)  \\(.*\\)$/sha256\\t\\2\\t\\1/'`;
}

/**
 * The shell script, run as root, that prints a snapshot: one `section<TAB>key<TAB>value` a line.
 * `extraContentRoots`: more trees (or single files) compared by content, for a role that manages
 * files outside the usual roots (a web root under /var/www, a file in /root).
 */
export function snapshotScript(extraContentRoots: readonly string[] = []): string {
  return [
    "set -e",
    walk([...CONTENT_ROOTS, ...extraContentRoots], true),
    walk(STATE_ROOTS, false),
    `dpkg-query -W -f='package\\t\${binary:Package}\\t\${Version} \${db:Status-Abbrev}\\n'`,
    `apt-mark showmanual | sed 's/^/manual\\t/; s/$/\\tmanual/'`,
    `systemctl list-unit-files --no-legend --no-pager --plain | awk '{print "unit-file\\t" $1 "\\t" $2}'`,
    `systemctl list-units --all --no-legend --no-pager --plain | awk '{print "unit\\t" $1 "\\t" $2 " " $3 " " $4}'`,
    `getent passwd | awk -F: '{print "passwd\\t" $1 "\\t" $0}'`,
    `getent group | awk -F: '{print "group\\t" $1 "\\t" $0}'`,
    // The third field is the day of the last password change: the same run a minute apart can straddle midnight.
    `getent shadow | awk -F: 'BEGIN{OFS=":"} {n=$1; $3=""; print "shadow\\t" n "\\t" $0}'`,
    `sysctl -a 2>/dev/null | sed 's/ = /\\t/; s/^/sysctl\\t/'`,
  ].join("\n");
}

/** The snapshot script over the usual roots. */
export const SNAPSHOT_SCRIPT = snapshotScript();

export type Snapshot = ReadonlyMap<string, string>;

function excludedKey(section: string, key: string): boolean {
  if (section === "unit" || section === "unit-file") return EXCLUDED_UNITS.some(([re]) => re.test(key));
  if (section === "sysctl") return VOLATILE_SYSCTL.some(([re]) => re.test(key));
  return false;
}

/** The script's output as "section key" → value, without what the exclusions above leave out. */
export function parseSnapshot(text: string): Snapshot {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [section = "", key = "", ...rest] = line.split("\t");
    if (excludedKey(section, key)) continue;
    out.set(`${section} ${key}`, rest.join("\t"));
  }
  return out;
}

/** The keys whose value a run moved (appeared, went, or changed). */
export function changedKeys(before: Snapshot, after: Snapshot): Set<string> {
  const keys = new Set<string>();
  for (const k of new Set([...before.keys(), ...after.keys()])) if (before.get(k) !== after.get(k)) keys.add(k);
  return keys;
}

export interface Difference {
  key: string;
  ansible: string;
  ours: string;
}

const ABSENT = "<absent>";

/**
 * What either run moved, as it ended on each host: a key one tool moved must end as the other
 * tool left it. A key that differs between the hosts but that neither run moved is the hosts'
 * own difference (their names, their keys), not the role's.
 */
export function compareRuns(ansible: { before: Snapshot; after: Snapshot }, ours: { before: Snapshot; after: Snapshot }): { moved: string[]; differences: Difference[] } {
  const moved = [...new Set([...changedKeys(ansible.before, ansible.after), ...changedKeys(ours.before, ours.after)])].sort();
  const differences = moved
    .map((key) => ({ key, ansible: ansible.after.get(key) ?? ABSENT, ours: ours.after.get(key) ?? ABSENT }))
    .filter((d) => d.ansible !== d.ours);
  return { moved, differences };
}
