import type { AnsibleFacts } from "../schema.js";
import type { Sections } from "../sections.js";

type Memory = Pick<AnsibleFacts, "memtotal_mb" | "memfree_mb" | "swaptotal_mb" | "swapfree_mb" | "memory_mb">;

/** hardware/linux.py get_memory_facts: /proc/meminfo in MiB, rounded down. */
export function memoryFacts(s: Sections): Memory {
  const mb = new Map<string, number>();
  for (const line of s.lines("/proc/meminfo")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const v = Number.parseInt(line.slice(colon + 1).trim().split(" ")[0] ?? "", 10);
    if (!Number.isNaN(v)) mb.set(line.slice(0, colon), Math.floor(v / 1024));
  }
  const get = (k: string) => mb.get(k) ?? null;
  const [total, free, buffers, cached, swapTotal, swapFree] = [get("MemTotal"), get("MemFree"), get("Buffers"), get("Cached"), get("SwapTotal"), get("SwapFree")];
  const nocacheFree = cached !== null && free !== null && buffers !== null ? cached + free + buffers : null;
  return {
    memtotal_mb: total ?? 0,
    memfree_mb: free ?? 0,
    swaptotal_mb: swapTotal ?? 0,
    swapfree_mb: swapFree ?? 0,
    memory_mb: {
      real: { total, used: total !== null && free !== null ? total - free : null, free },
      nocache: { free: nocacheFree, used: total !== null && nocacheFree !== null ? total - nocacheFree : null },
      swap: { total: swapTotal, free: swapFree, used: swapTotal !== null && swapFree !== null ? swapTotal - swapFree : null, cached: get("SwapCached") },
    },
  };
}

/** A kernel CPU list ("0-3,6") as the set of CPU numbers; undefined when it does not parse. */
export function cpuList(text: string): Set<number> | undefined {
  const cpus = new Set<number>();
  for (const part of text.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    for (let c = from; c <= to; c++) cpus.add(c);
  }
  return cpus;
}

/**
 * len(os.sched_getaffinity(0)), which Ansible reports as processor_nproc: the CPUs the login
 * shell may run on (Cpus_allowed_list of a program it started) that are online, as the kernel
 * answers sched_getaffinity. NaN when the host does not say.
 */
function allowedCpus(s: Sections): number {
  const line = s.lines("/proc/self/status").find((l) => l.startsWith("Cpus_allowed_list:"));
  const allowed = line === undefined ? undefined : cpuList(line.slice("Cpus_allowed_list:".length));
  if (allowed === undefined) return Number.NaN;
  const online = cpuList(s.content("/sys/devices/system/cpu/online") ?? "");
  return online === undefined ? allowed.size : [...allowed].filter((c) => online.has(c)).length;
}

type Cpu = Pick<AnsibleFacts, "processor" | "processor_count" | "processor_cores" | "processor_threads_per_core" | "processor_vcpus" | "processor_nproc">;

/**
 * hardware/linux.py get_cpu_facts, quirks included: sockets counted by `physical id`, cores per
 * socket from the first `cpu cores`, threads from the first `siblings` (the core table fills
 * only while a core id is not also a socket id, as Ansible's code has it).
 */
export function cpuFacts(s: Sections, architecture: string, xen: boolean): Cpu {
  const processor: string[] = [];
  let i = 0;
  let vendorIds = 0;
  let modelNames = 0;
  let processors = 0;
  let physid = "0";
  let coreid = "0";
  let xenParavirt = false;
  const sockets = new Map<string, number>();
  const coreTable = new Map<string, number>();
  for (const line of s.lines("/proc/cpuinfo")) {
    const colon = line.indexOf(":");
    const key = (colon < 0 ? line : line.slice(0, colon)).trim();
    const val = colon < 0 ? "" : line.slice(colon + 1).trim();
    if (xen && key === "flags" && !val.includes("vme")) xenParavirt = true;
    if (["model name", "Processor", "vendor_id", "cpu", "Vendor", "processor"].includes(key)) {
      processor.push(val);
      if (key === "vendor_id") vendorIds++;
      if (key === "model name") modelNames++;
      if (key === "processor") processors++;
      i++;
    } else if (key === "physical id") {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === "core id") {
      coreid = val;
      if (!sockets.has(coreid)) coreTable.set(coreid, 1);
    } else if (key === "cpu cores") sockets.set(physid, Number.parseInt(val, 10));
    else if (key === "siblings") coreTable.set(coreid, Number.parseInt(val, 10));
    else if (key === "ncpus active") i = Number.parseInt(val, 10);
  }
  if (vendorIds > 0 && vendorIds === modelNames) i = vendorIds;
  if (/^(armv|aarch|ppc)/.test(architecture)) i = processors;
  const nproc = allowedCpus(s);
  if (xenParavirt) return { processor, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i, processor_nproc: Number.isNaN(nproc) ? processors : nproc };
  const count = sockets.size > 0 ? sockets.size : i;
  const firstSocket = [...sockets.values()][0];
  const perSocket = firstSocket ? firstSocket : 1;
  const firstCore = [...coreTable.values()][0];
  const threads = firstCore !== undefined ? Math.floor(firstCore / perSocket) : Math.floor(1 / perSocket);
  return {
    processor,
    processor_count: count,
    processor_cores: perSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * perSocket,
    processor_nproc: Number.isNaN(nproc) ? processors : nproc,
  };
}

const FORM_FACTOR = [
  "Unknown", "Other", "Unknown", "Desktop", "Low Profile Desktop", "Pizza Box", "Mini Tower", "Tower", "Portable", "Laptop", "Notebook", "Hand Held", "Docking Station",
  "All In One", "Sub Notebook", "Space-saving", "Lunch Box", "Main Server Chassis", "Expansion Chassis", "Sub Chassis", "Bus Expansion Chassis", "Peripheral Chassis",
  "RAID Chassis", "Rack Mount Chassis", "Sealed-case PC", "Multi-system", "CompactPCI", "AdvancedTCA", "Blade", "Blade Enclosure", "Tablet", "Convertible", "Detachable",
  "IoT Gateway", "Embedded PC", "Mini PC", "Stick PC",
];

/** fact name → [file under /sys/devices/virtual/dmi/id, dmidecode -s keyword] */
const DMI: Record<string, [string, string]> = {
  bios_date: ["bios_date", "bios-release-date"],
  bios_vendor: ["bios_vendor", "bios-vendor"],
  bios_version: ["bios_version", "bios-version"],
  board_asset_tag: ["board_asset_tag", "baseboard-asset-tag"],
  board_name: ["board_name", "baseboard-product-name"],
  board_serial: ["board_serial", "baseboard-serial-number"],
  board_vendor: ["board_vendor", "baseboard-manufacturer"],
  board_version: ["board_version", "baseboard-version"],
  chassis_asset_tag: ["chassis_asset_tag", "chassis-asset-tag"],
  chassis_serial: ["chassis_serial", "chassis-serial-number"],
  chassis_vendor: ["chassis_vendor", "chassis-manufacturer"],
  chassis_version: ["chassis_version", "chassis-version"],
  form_factor: ["chassis_type", "chassis-type"],
  product_name: ["product_name", "system-product-name"],
  product_serial: ["product_serial", "system-serial-number"],
  product_uuid: ["product_uuid", "system-uuid"],
  product_version: ["product_version", "system-version"],
  system_vendor: ["sys_vendor", "system-manufacturer"],
};

type Dmi = Pick<AnsibleFacts, "bios_date" | "bios_vendor" | "bios_version" | "board_asset_tag" | "board_name" | "board_serial" | "board_vendor" | "board_version" | "chassis_asset_tag" | "chassis_serial" | "chassis_vendor" | "chassis_version" | "form_factor" | "product_name" | "product_serial" | "product_uuid" | "product_version" | "system_vendor">;

const DMI_DIR = "/sys/devices/virtual/dmi/id/";

/** The readable DMI files by name, each stripped; unreadable or empty ones are absent. */
export function dmiFiles(s: Sections): Map<string, string> {
  const files = new Map<string, string>();
  for (const path of s.files) {
    if (!path.startsWith(DMI_DIR)) continue;
    const text = s.content(path);
    if (text !== undefined) files.set(path.slice(DMI_DIR.length), text);
  }
  return files;
}

/** hardware/linux.py get_dmi_facts: sysfs when it has DMI, else dmidecode; "NA" for what neither gives. */
export function dmiFacts(s: Sections, exists: ReadonlySet<string>): Dmi {
  const out: Record<string, string> = {};
  const files = dmiFiles(s);
  const sysfs = exists.has("/sys/devices/virtual/dmi/id/product_name");
  for (const [fact, [file, keyword]] of Object.entries(DMI)) {
    let value: string | undefined;
    if (sysfs) value = files.get(file);
    else if (s.rc(`dmidecode ${keyword}`) === 0) value = s.lines(`dmidecode ${keyword}`).filter((l) => !l.startsWith("#")).join("");
    if (value === undefined) out[fact] = "NA";
    else if (fact === "form_factor" && sysfs) {
      const n = Number.parseInt(value, 10);
      out[fact] = FORM_FACTOR[n] ?? `unknown (${value})`;
    } else out[fact] = value;
  }
  return out as Dmi;
}

/** /proc/uptime's first figure, truncated. */
export function uptimeSeconds(s: Sections): number | undefined {
  const v = Number.parseFloat(s.content("/proc/uptime")?.split(" ")[0] ?? "");
  return Number.isNaN(v) ? undefined : Math.trunc(v);
}

/** hardware/linux.py get_lvm_facts: as root with the LVM tools, their reports; else "N/A". */
export function lvmFacts(s: Sections): AnsibleFacts["lvm"] {
  if (!s.has("lvm_vgs")) return "N/A";
  const rows = (key: string) => s.lines(key).map((l) => l.trim().split(","));
  const vgs: Record<string, { size_g: string; free_g: string; num_lvs: string; num_pvs: string }> = {};
  for (const r of rows("lvm_vgs")) vgs[r[0] ?? ""] = { size_g: r.at(-2) ?? "", free_g: r.at(-1) ?? "", num_lvs: r[2] ?? "", num_pvs: r[1] ?? "" };
  const lvs: Record<string, { size_g: string; vg: string }> = {};
  for (const r of rows("lvm_lvs")) lvs[r[0] ?? ""] = { size_g: r[3] ?? "", vg: r[1] ?? "" };
  const pvs: Record<string, { size_g: string; free_g: string; vg: string }> = {};
  for (const r of rows("lvm_pvs")) pvs[r[0] ?? ""] = { size_g: r[4] ?? "", free_g: r[5] ?? "", vg: r[1] ?? "" };
  return { vgs, lvs, pvs };
}
