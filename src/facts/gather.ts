import { RemoteCommandError } from "../remote/errors.js";
import type { RemoteShell } from "../remote/shell.js";
import { cpuFacts, dmiFacts, lvmFacts, memoryFacts, uptimeSeconds } from "./parse/hardware.js";
import { localFacts } from "./parse/local.js";
import { mountFacts } from "./parse/mounts.js";
import { networkFacts } from "./parse/network.js";
import { distributionFacts, lsbFacts, osRelease, platformFacts } from "./parse/platform.js";
import {
  capsFacts,
  cmdlineFacts,
  dateTimeFacts,
  dnsFacts,
  envFacts,
  isChroot,
  loadavgFacts,
  pkgMgr,
  pythonFacts,
  selinuxFacts,
  serviceMgr,
  sshKeyFacts,
  userFacts,
} from "./parse/system.js";
import { virtualFacts } from "./parse/virtual.js";
import { PROBE_SCRIPT } from "./probe-script.js";
import { AnsibleFacts, Facts } from "./schema.js";
import { Sections } from "./sections.js";

export { AnsibleFacts, AnsibleInterface, Facts } from "./schema.js";

const FactsView = Facts.omit({ ansible: true });

/** Everything the setup module would report, from the probe script's output. */
function ansibleFacts(s: Sections): { facts: AnsibleFacts; interfaces: Facts["ansible"]["interfaces"] } {
  const exists = new Set(s.lines("exists"));
  const bins = new Set(s.lines("bins"));
  const platform = platformFacts(s);
  const lsb = lsbFacts(s);
  const distribution = distributionFacts(s, lsb);
  const xen = exists.has("/proc/xen") || s.lines("hypervisor_type")[0]?.trim() === "xen";
  const network = networkFacts(s);
  const facts = AnsibleFacts.parse({
    ...platform,
    ...distribution,
    lsb,
    ...cmdlineFacts(s),
    date_time: dateTimeFacts(s),
    env: envFacts(s),
    dns: dnsFacts(s),
    fips: s.content("fips") === "1",
    apparmor: { status: exists.has("/sys/kernel/security/apparmor") ? "enabled" : "disabled" },
    ...selinuxFacts(s, exists),
    ...capsFacts(s),
    is_chroot: isChroot(s),
    pkg_mgr: pkgMgr(s, exists, distribution),
    service_mgr: serviceMgr(s, exists, bins, distribution.distribution),
    ...userFacts(s),
    ...sshKeyFacts(s),
    local: localFacts(s),
    ...pythonFacts(s),
    loadavg: loadavgFacts(s),
    uptime_seconds: uptimeSeconds(s),
    ...memoryFacts(s),
    ...cpuFacts(s, platform.architecture, xen),
    ...dmiFacts(s, exists),
    mounts: mountFacts(s, bins),
    lvm: lvmFacts(s),
    ...virtualFacts(s, exists),
    ...network.facts,
    iscsi_iqn: iscsiIqn(s),
    hostnqn: s.lines("nvme").find((l) => l.startsWith("nqn.")) ?? "",
    fibre_channel_wwn: s.lines("fc_wwn").map((l) => l.trimEnd().slice(2)),
    gather_subset: ["all"],
    module_setup: true,
  });
  return { facts, interfaces: network.interfaces };
}

/** network/iscsi.py: the InitiatorName line of open-iscsi's configuration. */
function iscsiIqn(s: Sections): string {
  for (const line of s.lines("iscsi")) {
    if (line.startsWith("#") || line.startsWith(";") || line.trim() === "") continue;
    if (line.startsWith("InitiatorName=")) return line.slice("InitiatorName=".length);
  }
  return "";
}

export function parseFacts(out: string): Facts {
  const s = new Sections(out);
  const ansible = ansibleFacts(s);
  const a = ansible.facts;
  const os = osRelease(s.raw("os_release") ?? "");
  // The TypeScript-side view: every interface by its kernel name with numeric prefixes.
  const interfaces = s.lines("net_devices").map((name) => {
    const f = ansible.interfaces[name.replace(/:/g, "_")] ?? {};
    const labelled = Object.entries(ansible.interfaces).filter(([k, v]) => k.startsWith(`${name}_`) && v.device === undefined);
    const v4 = [f.ipv4, ...(f.ipv4_secondaries ?? []), ...labelled.flatMap(([, v]) => [v.ipv4, ...(v.ipv4_secondaries ?? [])])].filter((x) => x !== undefined);
    const seen = new Set<string>();
    return {
      name,
      ipv4: v4.filter((x) => !seen.has(x.address) && seen.add(x.address)).map((x) => ({ address: x.address, prefix: Number(x.prefix) })),
      ipv6: (f.ipv6 ?? []).map((x) => ({ address: x.address, prefix: Number(x.prefix) })),
      mac: f.macaddress ?? "00:00:00:00:00:00",
      up: f.active ?? false,
    };
  });
  const route = a.default_ipv4;
  // The setup facts were checked against their schema above; checking them again inside Facts
  // doubled the CPU a host's facts cost (a visible share of a 100-host run's).
  const view = FactsView.parse({
    hostname: a.nodename,
    fqdn: a.fqdn,
    os: { id: os.ID ?? "", version_id: os.VERSION_ID ?? "", codename: os.VERSION_CODENAME ?? "", pretty_name: os.PRETTY_NAME ?? "" },
    architecture: a.machine,
    kernel: a.kernel,
    ...(route.interface && route.address && route.gateway ? { default_ipv4: { address: route.address, interface: route.interface, gateway: route.gateway } } : {}),
    interfaces,
    all_ipv4_addresses: a.all_ipv4_addresses,
    memtotal_mb: a.memtotal_mb,
    processor_count: a.processor_nproc,
    service_mgr: a.service_mgr,
    user_id: a.user_id,
  });
  return { ...view, ansible };
}

export async function gatherFacts(sh: RemoteShell): Promise<Facts> {
  const r = await sh.run(PROBE_SCRIPT);
  if (!r.stdout.includes("\n@@dcv@@ end\n")) throw new RemoteCommandError(sh.host, `gathering facts failed (exit ${r.rc}): ${r.stderr.trim()}`);
  return parseFacts(r.stdout);
}
