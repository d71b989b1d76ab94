import type { AnsibleFacts } from "../schema.js";
import type { KnownPython } from "../known-python.js";
import type { Sections } from "../sections.js";

/**
 * Python's shlex.split(s, posix=False), which Ansible splits /proc/cmdline with: words split at
 * whitespace; a quote that starts a word runs to the matching quote, quotes kept, and ends the
 * word there; a quote inside a word is an ordinary character. An unclosed quote is an error
 * (undefined), after which Ansible keeps no cmdline entries at all.
 */
export function shlexSplitNonPosix(s: string): string[] | undefined {
  const words: string[] = [];
  // One sticky match per word (a per-character test was a visible share of a 100-host run's CPU).
  const word = /\s*(?:(["'])|(\S+))/y;
  let m: RegExpExecArray | null;
  while (word.lastIndex < s.length && (m = word.exec(s)) !== null) {
    const quote = m[1];
    if (quote === undefined) {
      words.push(m[2] ?? "");
      continue;
    }
    const start = word.lastIndex - 1;
    const end = s.indexOf(quote, word.lastIndex);
    if (end < 0) return undefined;
    words.push(s.slice(start, end + 1));
    word.lastIndex = end + 1;
  }
  return words;
}

/** cmdline (last value of a key wins) and proc_cmdline (repeated keys become lists), system/cmdline.py. */
export function cmdlineFacts(s: Sections): Pick<AnsibleFacts, "cmdline" | "proc_cmdline"> {
  const data = s.content("/proc/cmdline");
  if (data === undefined) return {};
  const cmdline: Record<string, string | true> = {};
  const proc: Record<string, string | true | string[]> = {};
  for (const piece of shlexSplitNonPosix(data) ?? []) {
    const eq = piece.indexOf("=");
    if (eq < 0) {
      cmdline[piece] = true;
      proc[piece] = true;
      continue;
    }
    const [k, v] = [piece.slice(0, eq), piece.slice(eq + 1)];
    cmdline[k] = v;
    const had = proc[k];
    proc[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : typeof had === "string" ? [had, v] : v;
  }
  return { cmdline, proc_cmdline: proc };
}

/**
 * date_time (system/date_time.py), every field from one instant; the local zone's DST name as
 * Python's time.tzname[1]. The section's lines: now, then noon on the year's 1 January and 1 July.
 */
export function dateTimeFacts(s: Sections): AnsibleFacts["date_time"] {
  const [now = "", ...seasons] = s.lines("date");
  const [year = "", month = "", weekday = "", wday = "", week = "", day = "", hour = "", minute = "", second = "", epoch = "", nanos = "", tz = "", tzOffset = ""] = now.split("|");
  const seconds = Number.parseInt(epoch, 10);
  const utc = Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString().slice(0, 19) : "";
  const micro = nanos.padEnd(9, "0").slice(0, 6);
  const zones = seasons.map((l) => {
    const [name = "", off = "+0000"] = l.split("|").slice(11);
    return { name, minutes: (off.startsWith("-") ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(3, 5))) };
  });
  const [jan, jul] = zones;
  const dst = jan && jul ? (jan.name === jul.name ? jan.name : jan.minutes > jul.minutes ? jan.name : jul.name) : tz;
  const basic = `${year}${month}${day}T${hour}${minute}${second}`;
  return {
    year,
    month,
    weekday,
    weekday_number: wday,
    weeknumber: week,
    day,
    hour,
    minute,
    second,
    epoch,
    epoch_int: epoch,
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    iso8601_micro: `${utc}.${micro}Z`,
    iso8601: `${utc}Z`,
    iso8601_basic: `${basic}${micro}`,
    iso8601_basic_short: basic,
    tz,
    tz_dst: dst,
    tz_offset: tzOffset,
  };
}

/** The environment the user's processes start with: the login shell's /proc/PID/environ, NUL-separated. */
export function envFacts(s: Sections): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of (s.raw(`/proc/${s.content("shell_pid") ?? ""}/environ`) ?? "").split("\0")) {
    const eq = entry.indexOf("=");
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** /etc/resolv.conf as system/dns.py reads it. */
export function dnsFacts(s: Sections): AnsibleFacts["dns"] {
  const dns: AnsibleFacts["dns"] = {};
  for (const line of (s.raw("/etc/resolv.conf") ?? "").split("\n")) {
    if (line.startsWith("#") || line.startsWith(";") || line.trim() === "") continue;
    const [key, ...rest] = line.trim().split(/\s+/);
    if (key === "nameserver") dns.nameservers = [...(dns.nameservers ?? []), ...rest];
    else if (key === "domain" && rest[0] !== undefined) dns.domain = rest[0];
    else if (key === "search") dns.search = rest;
    else if (key === "sortlist") dns.sortlist = rest;
    else if (key === "options") {
      dns.options = {};
      for (const o of rest) {
        const colon = o.indexOf(":");
        dns.options[colon < 0 ? o : o.slice(0, colon)] = colon < 0 || o.slice(colon + 1) === "" ? true : o.slice(colon + 1);
      }
    }
  }
  return dns;
}

const SELINUX_MODE: Record<string, string> = { "1": "enforcing", "0": "permissive", "-1": "disabled" };

/**
 * selinux (system/selinux.py through Ansible's ctypes bindings to libselinux): the library's
 * presence is `selinux_python_present`; SELinux is enabled when selinuxfs is mounted.
 */
export function selinuxFacts(s: Sections, exists: ReadonlySet<string>): Pick<AnsibleFacts, "selinux" | "selinux_python_present"> {
  if (s.content("selinux_lib") !== "present") return { selinux: { status: "Missing selinux Python library" }, selinux_python_present: false };
  if (!exists.has("/sys/fs/selinux/enforce")) return { selinux: { status: "disabled" }, selinux_python_present: true };
  const enforce = s.content("/sys/fs/selinux/enforce") ?? "";
  const policyvers = s.content("/sys/fs/selinux/policyvers") ?? "";
  const config = s.lines("/etc/selinux/config").filter((l) => /^SELINUX(TYPE)?=/.test(l)).map((l) => l.trim());
  const conf = Object.fromEntries(config.filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  const configMode = conf.SELINUX === "enforcing" ? "1" : conf.SELINUX === "permissive" ? "0" : conf.SELINUX === "disabled" ? "-1" : undefined;
  return {
    selinux: {
      status: "enabled",
      policyvers: /^\d+$/.test(policyvers) ? Number(policyvers) : "unknown",
      config_mode: configMode === undefined ? "unknown" : (SELINUX_MODE[configMode] ?? "unknown"),
      mode: SELINUX_MODE[enforce] ?? "unknown",
      type: conf.SELINUXTYPE ?? "unknown",
    },
    selinux_python_present: true,
  };
}

/** capsh --print's Current line (system/caps.py). */
export function capsFacts(s: Sections): Pick<AnsibleFacts, "system_capabilities" | "system_capabilities_enforced"> {
  if (!s.has("capsh") || s.rc("capsh") !== 0) return { system_capabilities: "N/A", system_capabilities_enforced: "N/A" };
  let enforced = "NA";
  let caps: string[] = [];
  for (const line of s.lines("capsh")) {
    if (!line.startsWith("Current:")) continue;
    if ((line.split(":")[1] ?? "").trim() === "=ep") enforced = "False";
    else {
      enforced = "True";
      caps = (line.split("=")[1] ?? "").split(",").map((c) => c.trim());
    }
  }
  return { system_capabilities: caps, system_capabilities_enforced: enforced };
}

/** system/chroot.py: / against PID 1's root, or (unreadable, not root) against the file system's root inode. */
export function isChroot(s: Sections): boolean {
  const lines = s.lines("chroot");
  if ((lines.find((l) => l.startsWith("debian_chroot="))?.slice("debian_chroot=".length) ?? "") !== "") return true;
  // `stat -c '%n %d %i'` lines: the path, its device and inode.
  const stat = (path: string) => lines.find((l) => l.startsWith(`${path} `))?.slice(path.length + 1).split(" ");
  const root = stat("/");
  const proc1 = stat("/proc/1/root/.");
  if (root && proc1) return root[1] !== proc1[1] || root[0] !== proc1[0];
  const fstype = s.content("chroot_fstype") ?? "";
  const expected = fstype.includes("btrfs") ? "256" : fstype.includes("xfs") ? "128" : "2";
  return root?.[1] !== expected;
}

const PKG_MGRS: readonly [string, string][] = [
  ["/usr/bin/rpm-ostree", "atomic_container"],
  ["/usr/bin/yum", "yum"],
  ["/usr/bin/dnf", "dnf"],
  ["/usr/bin/apt-get", "apt"],
  ["/usr/bin/zypper", "zypper"],
  ["/usr/sbin/urpmi", "urpmi"],
  ["/usr/bin/pacman", "pacman"],
  ["/bin/opkg", "opkg"],
  ["/usr/pkg/bin/pkgin", "pkgin"],
  ["/opt/local/bin/pkgin", "pkgin"],
  ["/opt/tools/bin/pkgin", "pkgin"],
  ["/opt/local/bin/port", "macports"],
  ["/usr/local/bin/brew", "homebrew"],
  ["/opt/homebrew/bin/brew", "homebrew"],
  ["/sbin/apk", "apk"],
  ["/usr/sbin/pkg", "pkgng"],
  ["/usr/sbin/swlist", "swdepot"],
  ["/usr/bin/emerge", "portage"],
  ["/usr/sbin/pkgadd", "svr4pkg"],
  ["/usr/bin/pkg", "pkg5"],
  ["/usr/bin/xbps-install", "xbps"],
  ["/usr/local/sbin/pkg", "pkgng"],
  ["/usr/bin/swupd", "swupd"],
  ["/usr/sbin/sorcery", "sorcery"],
  ["/usr/bin/installp", "installp"],
  ["/QOpenSys/pkgs/bin/yum", "yum"],
];

/** system/pkg_mgr.py: the last package manager found, then the family's own default. */
export function pkgMgr(s: Sections, exists: ReadonlySet<string>, d: Pick<AnsibleFacts, "os_family" | "distribution" | "distribution_major_version">): string {
  const present = new Set(s.lines("pkg_paths"));
  const has = (name: string) => PKG_MGRS.some(([p, n]) => n === name && present.has(p));
  let name = "unknown";
  for (const [path, n] of PKG_MGRS) if (present.has(path) && !(d.os_family === "Altlinux" && path === "/usr/bin/pkg")) name = n;
  const major = Number.parseInt(d.distribution_major_version, 10);
  if (d.os_family === "RedHat") {
    if (exists.has("/run/ostree-booted")) name = "atomic_container";
    else if (d.distribution === "Fedora") name = Number.isNaN(major) ? "dnf" : major < 23 ? (has("yum") ? "yum" : name) : has("dnf") ? "dnf" : name;
    else if (d.distribution === "Amazon") name = Number.isNaN(major) ? "dnf" : major < 2022 ? (has("yum") ? "yum" : name) : has("dnf") ? "dnf" : name;
    else name = major < 8 ? "yum" : "dnf";
  } else if (d.os_family === "Debian" && name !== "apt") name = "apt";
  else if (d.os_family === "Altlinux" && name === "apt") name = "apt_rpm";
  if (name === "apt" && exists.has("/usr/bin/rpm") && s.rc("apt_rpm") === 0) name = "apt_rpm";
  return name;
}

const PROC_1_MAP: Record<string, string> = { procd: "openwrt_init", "runit-init": "runit", svscan: "svc", "openrc-init": "openrc" };

/** system/service_mgr.py for Linux. */
export function serviceMgr(s: Sections, exists: ReadonlySet<string>, bins: ReadonlySet<string>, distribution: string): string {
  const sbinInit = s.content("sbin_init");
  let proc1 = s.content("proc1") ?? sbinInit;
  if (proc1 !== undefined) proc1 = (proc1.split("/").pop() ?? proc1).trim();
  if (proc1 !== undefined && (proc1 === "init" || proc1.endsWith("sh"))) proc1 = undefined;
  if (proc1) return PROC_1_MAP[proc1] ?? proc1;
  if (distribution === "OpenWrt") return "openwrt_init";
  const systemctl = bins.has("systemctl");
  if (systemctl && ["/run/systemd/system/", "/dev/.run/systemd/", "/dev/.systemd/"].some((c) => exists.has(c))) return "systemd";
  if (bins.has("initctl") && exists.has("/etc/init/")) return "upstart";
  if (exists.has("/sbin/openrc")) return "openrc";
  if (systemctl && sbinInit?.split("/").pop() === "systemd") return "systemd";
  if (exists.has("/etc/init.d/")) return "sysvinit";
  return "service";
}

type UserFacts = Pick<AnsibleFacts, "user_id" | "user_uid" | "user_gid" | "user_gecos" | "user_dir" | "user_shell" | "real_user_id" | "effective_user_id" | "real_group_id" | "effective_group_id">;

/** system/user.py: getpass.getuser() and its password entry; the real gid twice, as Ansible reports it. */
export function userFacts(s: Sections): UserFacts {
  const [name = "", passwd = ""] = s.lines("user");
  const [, , uid = "0", gid = "0", gecos = "", dir = "", shell = ""] = passwd.split(":");
  // /proc/self/status of a program this shell started: `Uid: real effective saved fs`, Gid alike.
  const ids = (name: string) => s.lines("/proc/self/status").find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim().split(/\s+/) ?? [];
  const [ruid = "0", euid = "0"] = ids("Uid");
  const [rgid = "0"] = ids("Gid");
  return {
    user_id: name,
    user_uid: Number(uid),
    user_gid: Number(gid),
    user_gecos: gecos,
    user_dir: dir,
    user_shell: shell,
    real_user_id: Number(ruid),
    effective_user_id: Number(euid),
    real_group_id: Number(rgid),
    effective_group_id: Number(rgid),
  };
}

/** system/ssh_pub_keys.py: the host keys of the first directory that has any. */
export function sshKeyFacts(s: Sections): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const dir of ["/etc/ssh", "/etc/openssh", "/etc"]) {
    for (const algo of ["dsa", "rsa", "ecdsa", "ed25519"]) {
      const name = `ssh_host_key_${algo}_public`;
      if (name in facts) return facts;
      const data = s.content(`${dir}/ssh_host_${algo}_key.pub`);
      if (data === undefined) continue;
      const [keytype = "", key = ""] = data.split(/\s+/);
      facts[name] = key;
      facts[`${name}_keytype`] = keytype;
    }
  }
  return facts;
}

/**
 * What /usr/bin/python3 reported for the python facts, with its stamp (the last line of the
 * chroot section): this gather's report, or the known one when the host's python3 is still the
 * binary that gave it (the script did not run it then). Undefined without a python3.
 */
export function pythonProbe(s: Sections, known: KnownPython | undefined): KnownPython | undefined {
  const prefix = "/usr/bin/python3 ";
  const stamp = s.lines("chroot").find((l) => l.startsWith(prefix))?.slice(prefix.length);
  if (stamp === undefined) return undefined;
  const probe = s.content("python") ?? (known?.stamp === stamp ? known.probe : undefined);
  return probe === undefined ? undefined : { stamp, probe };
}

/** system/python.py, from what the host's /usr/bin/python3 reported (pythonProbe). */
export function pythonFacts(text: string | undefined): Pick<AnsibleFacts, "python" | "python_version"> {
  if (text === undefined) return {};
  let probe: { version_info: (number | string)[]; executable: string; has_sslcontext: boolean; type: string };
  try {
    probe = JSON.parse(text) as typeof probe;
  } catch {
    return {};
  }
  const [major = 0, minor = 0, micro = 0, releaselevel = "", serial = 0] = probe.version_info;
  return {
    python: {
      version: { major: Number(major), minor: Number(minor), micro: Number(micro), releaselevel: String(releaselevel), serial: Number(serial) },
      version_info: probe.version_info,
      executable: probe.executable,
      has_sslcontext: probe.has_sslcontext,
      type: probe.type,
    },
    python_version: `${major}.${minor}.${micro}`,
  };
}

/** os.getloadavg(), which /proc/loadavg gives to two decimals. */
export function loadavgFacts(s: Sections): AnsibleFacts["loadavg"] {
  const [a, b, c] = (s.content("/proc/loadavg") ?? "").split(/\s+/).map(Number);
  if (a === undefined || b === undefined || c === undefined || [a, b, c].some(Number.isNaN)) return undefined;
  return { "1m": a, "5m": b, "15m": c };
}
