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

/**
 * Hosts a role names in the files it writes, each twin its own: the host itself (a Galera node's
 * wsrep_node_name and wsrep_node_address) and the hosts of its side it is told of (a balancer's
 * own Galera node). A file that names them is compared twice over: as it is, and with each one's
 * name and addresses replaced by its placeholder; alike either way is alike. A file naming both
 * twins (a heartbeat pair's ha.cf) is alike as it is; one naming each side's own is alike with
 * the placeholders.
 */
export interface NamedHost {
  placeholder: string;
  name: string;
  addresses: readonly string[];
}

/** What a snapshot looks at beyond the usual. */
export interface SnapshotOptions {
  /** More trees (or single files) compared by content: a web root under /var/www, a file in /root. */
  extraContentRoots?: readonly string[];
  /** See NamedHost. */
  named?: readonly NamedHost[];
  /**
   * Trees left out for this role, each with why: the running state of daemons the role starts
   * (a cluster's own bookkeeping), written as they talk to each other, not by the role.
   */
  volatileTrees?: Readonly<Record<string, string>>;
}

/** sed's expression replacing each host's name and addresses (not a longer address they begin). */
function namedSed(named: readonly NamedHost[]): string {
  const re = (s: string) => s.replace(/[.[\]*^$\\/]/g, "\\$&");
  return named
    .flatMap((h) => [...h.addresses.map((a) => `s/${re(a)}\\([^0-9]\\|$\\)/<${h.placeholder}-address>\\1/g`), `s/${re(h.name)}/<${h.placeholder}>/g`])
    .join("; ");
}

/** The value's separator between a file's sha256 as it is and with the named hosts' placeholders. */
const NAMED_SEP = " named:";

function walk(roots: readonly string[], withContent: boolean, o: SnapshotOptions): string {
  const prunes = [...Object.keys(EXCLUDED_TREES), ...Object.keys(o.volatileTrees ?? {})].map((p) => `-path ${shellQuote(p)}`).join(" -o ");
  const existing = `$(for d in ${roots.join(" ")}; do [ -e "$d" ] && echo "$d"; done)`;
  const meta = `find ${existing} -xdev \\( ${prunes} \\) -prune -o -printf 'meta\\t%p\\t%y %m %u:%g %l\\n'`;
  if (!withContent) return meta;
  const lines = [meta, `find ${existing} -xdev \\( ${prunes} \\) -prune -o -type f -exec sha256sum {} + | sed 's/^\\([0-9a-f]*\\)  \\(.*\\)$/sha256\\t\\2\\t\\1/'`];
  const named = o.named ?? [];
  if (named.length > 0) {
    // Text files naming one of them: printed again after the plain line (parseSnapshot keeps the
    // last), their sha256 as it is and with the placeholders.
    const patterns = named.flatMap((h) => [h.name, ...h.addresses]).map((p) => `-e ${shellQuote(p)}`).join(" ");
    lines.push(
      `find ${existing} -xdev \\( ${prunes} \\) -prune -o -type f -exec grep -lIF ${patterns} {} + | while IFS= read -r f; do printf 'sha256\\t%s\\t%s${NAMED_SEP}%s\\n' "$f" "$(sha256sum < "$f" | cut -d' ' -f1)" "$(sed ${shellQuote(namedSed(named))} "$f" | sha256sum | cut -d' ' -f1)"; done`,
    );
  }
  return lines.join("\n");
}

/**
 * The shell script, run as root, that prints a snapshot: one `section<TAB>key<TAB>value` a line.
 */
export function snapshotScript(o: SnapshotOptions = {}): string {
  return [
    "set -e",
    walk([...CONTENT_ROOTS, ...(o.extraContentRoots ?? [])], true, o),
    walk(STATE_ROOTS, false, o),
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

/**
 * Two hosts' values of a key alike: equal, or, for a file naming hosts (NamedHost), equal as it
 * is or equal with the placeholders.
 */
export function alike(a: string, b: string): boolean {
  if (a === b) return true;
  const [rawA, namedA] = a.split(NAMED_SEP);
  const [rawB, namedB] = b.split(NAMED_SEP);
  return rawA === rawB || (namedA !== undefined && namedA === namedB);
}

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
    .filter((d) => !alike(d.ansible, d.ours));
  return { moved, differences };
}
