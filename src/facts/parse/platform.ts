import type { AnsibleFacts } from "../schema.js";
import type { Sections } from "../sections.js";

type Platform = Pick<
  AnsibleFacts,
  "system" | "kernel" | "kernel_version" | "machine" | "architecture" | "userspace_bits" | "userspace_architecture" | "fqdn" | "hostname" | "nodename" | "domain" | "machine_id"
>;

/**
 * socket.getfqdn() as Python computes it: the name the host's own name resolves back to, the
 * first dotted one among the canonical name and its aliases, else the canonical name; the plain
 * node name when it does not resolve.
 */
export function fqdnOf(nodename: string, hostsLine: string | undefined): string {
  const names = hostsLine?.trim().split(/\s+/).slice(1) ?? [];
  const canonical = names[0];
  if (canonical === undefined) return nodename;
  return names.find((n) => n.includes(".")) ?? canonical;
}

/** Ansible's platform collector (system/platform.py). */
export function platformFacts(s: Sections): Platform {
  // `uname -snrvm`: the version alone may hold spaces, and it stands between the release and the machine.
  const words = (s.lines("uname")[0] ?? "").split(" ");
  const [system = "", nodename = "", kernel = ""] = words;
  const machine = words.length > 4 ? (words.at(-1) ?? "") : "";
  const kernelVersion = words.slice(3, -1).join(" ");
  const bits = s.content("long_bit") ?? "";
  const fqdn = fqdnOf(nodename, s.lines("hosts_self")[0]);
  const machineId = (s.content("/var/lib/dbus/machine-id") ?? s.content("/etc/machine-id"))?.split("\n")[0];
  let userspaceArchitecture: string | undefined;
  let architecture = machine;
  if (machine === "x86_64") {
    userspaceArchitecture = bits === "64" ? "x86_64" : bits === "32" ? "i386" : undefined;
  } else if (/i([3456]86|86pc)/.test(machine)) {
    architecture = "i386";
    userspaceArchitecture = bits === "64" ? "x86_64" : bits === "32" ? "i386" : undefined;
  }
  return {
    system,
    kernel,
    kernel_version: kernelVersion,
    machine,
    architecture,
    userspace_bits: bits,
    ...(userspaceArchitecture !== undefined && { userspace_architecture: userspaceArchitecture }),
    fqdn,
    hostname: nodename.split(".")[0] ?? nodename,
    nodename,
    domain: fqdn.split(".").slice(1).join("."),
    ...(machineId !== undefined && { machine_id: machineId }),
  };
}

/** /etc/os-release as KEY → value, its quotes removed. */
export function osRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of text.split("\n")) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(l.trim());
    if (m?.[1]) out[m[1]] = (m[2] ?? "").replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return out;
}

const OS_FAMILY: Record<string, string> = Object.fromEntries(
  Object.entries({
    RedHat: ["RedHat", "RHEL", "Fedora", "CentOS", "Scientific", "SLC", "Ascendos", "CloudLinux", "PSBM", "OracleLinux", "OVS", "OEL", "Amazon", "Virtuozzo", "XenServer", "Alibaba", "EulerOS", "openEuler", "AlmaLinux", "Rocky", "TencentOS", "EuroLinux", "Kylin Linux Advanced Server"],
    Debian: ["Debian", "Ubuntu", "Raspbian", "Neon", "KDE neon", "Linux Mint", "SteamOS", "Devuan", "Kali", "Cumulus Linux", "Pop!_OS", "Parrot", "Pardus GNU/Linux", "Uos", "Deepin", "OSMC"],
    Suse: ["SuSE", "SLES", "SLED", "openSUSE", "openSUSE Tumbleweed", "SLES_SAP", "SUSE_LINUX", "openSUSE Leap"],
    Archlinux: ["Archlinux", "Antergos", "Manjaro"],
    Mandrake: ["Mandrake", "Mandriva"],
    Slackware: ["Slackware"],
    Altlinux: ["Altlinux"],
    Gentoo: ["Gentoo", "Funtoo"],
    Alpine: ["Alpine"],
    ClearLinux: ["Clear Linux OS", "Clear Linux Mix"],
  }).flatMap(([family, names]) => names.map((n) => [n, family])),
);

/** lsb_release -a, else /etc/lsb-release (system/lsb.py). */
export function lsbFacts(s: Sections): AnsibleFacts["lsb"] {
  const lsb: Record<string, string> = {};
  if (s.has("lsb_release") && s.rc("lsb_release") === 0) {
    for (const line of s.lines("lsb_release")) {
      if (!line.includes(":")) continue;
      const value = line.slice(line.indexOf(":") + 1).trim();
      if (line.includes("LSB Version:")) lsb.release = value;
      else if (line.includes("Distributor ID:")) lsb.id = value;
      else if (line.includes("Description:")) lsb.description = value;
      else if (line.includes("Release:")) lsb.release = value;
      else if (line.includes("Codename:")) lsb.codename = value;
    }
  }
  if (Object.keys(lsb).length === 0) {
    for (const line of s.lines("/etc/lsb-release")) {
      const value = line.slice(line.indexOf("=") + 1).trim();
      if (line.includes("DISTRIB_ID")) lsb.id = value;
      else if (line.includes("DISTRIB_RELEASE")) lsb.release = value;
      else if (line.includes("DISTRIB_DESCRIPTION")) lsb.description = value;
      else if (line.includes("DISTRIB_CODENAME")) lsb.codename = value;
    }
  }
  if (lsb.release !== undefined) lsb.major_release = lsb.release.split(".")[0] ?? "";
  for (const [k, v] of Object.entries(lsb)) if (v) lsb[k] = v.replace(/^['"\\]+|['"\\]+$/g, "");
  return lsb;
}

type Distribution = Pick<
  AnsibleFacts,
  | "distribution"
  | "distribution_version"
  | "distribution_release"
  | "distribution_major_version"
  | "distribution_minor_version"
  | "distribution_file_path"
  | "distribution_file_variety"
  | "distribution_file_parsed"
  | "os_family"
>;

/** The version part of "Debian GNU/Linux 12 (bookworm)", as the distro library parses it. */
function versionInName(name: string | undefined): string {
  return /\s(\d[\d.]*)\b/.exec(name ?? "")?.[1] ?? "";
}

/**
 * Ansible's distribution collector (system/distribution.py) for a host with /etc/os-release: the
 * `distro` library's guess, then the first distribution file that parses. Debian and the
 * distributions whose os-release Ansible parses as Debian's (Ubuntu) follow it line by line; any
 * other keeps the guess and reads NAME/VERSION as Ansible's last resort does.
 */
export function distributionFacts(s: Sections, lsb: AnsibleFacts["lsb"]): Distribution {
  const osText = s.raw("/etc/os-release") ?? "";
  const os = osRelease(osText);
  const id = os.ID ?? "";
  const guessName = id ? id.charAt(0).toUpperCase() + id.slice(1).toLowerCase() : "OtherLinux";
  // distro.version(best=True) for Debian: the most precise of the sources it reads.
  const candidates = [os.VERSION_ID ?? "", lsb.release ?? "", versionInName(os.PRETTY_NAME), versionInName(lsb.description)];
  let version = candidates.find((v) => v !== "") ?? "";
  if (id === "debian") for (const v of candidates) if (v.split(".").length > version.split(".").length || version === "") version = v;
  const codename = os.VERSION_CODENAME ?? os.UBUNTU_CODENAME ?? lsb.codename ?? "";
  const facts: Distribution = {
    distribution: guessName === "Rhel" ? "Redhat" : guessName === "Amzn" ? "Amazon" : guessName,
    distribution_version: version || "NA",
    distribution_release: codename,
    distribution_major_version: (version || "NA").split(".")[0] || "NA",
    os_family: "",
  };
  const files = new Set(s.lines("dist_files"));
  if (files.has("/etc/os-release")) {
    const parsed = parseDebianFamily(osText, s) ?? parseNa(osText, facts);
    Object.assign(facts, { distribution_file_path: "/etc/os-release", distribution_file_parsed: true }, parsed);
  }
  facts.os_family = OS_FAMILY[facts.distribution] ?? facts.distribution;
  return facts;
}

function parseDebianFamily(data: string, s: Sections): Partial<Distribution> | undefined {
  if (data.includes("Debian") || data.includes("Raspbian")) {
    const out: Partial<Distribution> = { distribution: "Debian", distribution_file_variety: "Debian" };
    const release = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(data)?.[1];
    if (release !== undefined) out.distribution_release = release;
    for (const line of (s.raw("/etc/debian_version") ?? "").split("\n")) {
      const m = /(\d+)\.(\d+)/.exec(line.trim());
      if (m?.[2]) out.distribution_minor_version = m[2];
    }
    return out;
  }
  if (data.includes("Ubuntu")) return { distribution: "Ubuntu", distribution_file_variety: "Debian" };
  return undefined;
}

function parseNa(data: string, guess: Distribution): Partial<Distribution> {
  const out: Partial<Distribution> = { distribution_file_variety: "NA" };
  for (const line of data.split("\n")) {
    const name = /^NAME=(.*)/.exec(line)?.[1];
    if (name !== undefined) out.distribution = name.replace(/^"+|"+$/g, "");
    const version = /^VERSION=(.*)/.exec(line)?.[1];
    if (version !== undefined && guess.distribution_version === "NA") out.distribution_version = version.replace(/^"+|"+$/g, "");
  }
  return out;
}
