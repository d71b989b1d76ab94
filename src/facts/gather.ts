import { RemoteCommandError } from "../remote/errors.js";
import { shellQuote } from "../remote/quote.js";
import { KnownPython, type PythonMemo } from "./known-python.js";
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
  pythonProbe,
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

/** Everything the setup module would report, from the probe script's output and what python3 reported. */
function ansibleFacts(s: Sections, python: string | undefined): { facts: AnsibleFacts; interfaces: Facts["ansible"]["interfaces"] } {
  const exists = new Set(s.lines("exists"));
  const bins = new Set(s.lines("bins"));
  const platform = platformFacts(s);
  const lsb = lsbFacts(s);
  const distribution = distributionFacts(s, lsb);
  const xen = exists.has("/proc/xen") || s.lines("/sys/hypervisor/type")[0]?.trim() === "xen";
  const network = networkFacts(s);
  const facts = AnsibleFacts.parse({
    ...platform,
    ...distribution,
    lsb,
    ...cmdlineFacts(s),
    date_time: dateTimeFacts(s),
    env: envFacts(s),
    dns: dnsFacts(s),
    fips: s.content("/proc/sys/crypto/fips_enabled") === "1",
    apparmor: { status: exists.has("/sys/kernel/security/apparmor") ? "enabled" : "disabled" },
    ...selinuxFacts(s, exists),
    ...capsFacts(s),
    is_chroot: isChroot(s),
    pkg_mgr: pkgMgr(s, exists, distribution),
    service_mgr: serviceMgr(s, exists, bins, distribution.distribution),
    ...userFacts(s),
    ...sshKeyFacts(s),
    local: localFacts(s),
    ...pythonFacts(python),
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
    hostnqn: s.lines("/etc/nvme/hostnqn").find((l) => l.startsWith("nqn.")) ?? "",
    fibre_channel_wwn: s.files.filter((f) => /^\/sys\/class\/fc_host\/[^/]+\/port_name$/.test(f)).flatMap((f) => s.lines(f).map((l) => l.trimEnd().slice(2))),
    gather_subset: ["all"],
    module_setup: true,
  });
  return { facts, interfaces: network.interfaces };
}

/** network/iscsi.py: the InitiatorName line of open-iscsi's configuration. */
function iscsiIqn(s: Sections): string {
  for (const line of s.lines("/etc/iscsi/initiatorname.iscsi")) {
    if (line.startsWith("#") || line.startsWith(";") || line.trim() === "") continue;
    if (line.startsWith("InitiatorName=")) return line.slice("InitiatorName=".length);
  }
  return "";
}

/** The facts in the probe script's output; `known`, the host's python facts from an earlier gather (known-python.ts). */
export function parseFacts(out: string, known?: KnownPython): Facts {
  const s = new Sections(out);
  return factsOf(s, pythonProbe(s, known)?.probe);
}

function factsOf(s: Sections, python: string | undefined): Facts {
  const ansible = ansibleFacts(s, python);
  const a = ansible.facts;
  const os = osRelease(s.raw("/etc/os-release") ?? "");
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

/**
 * Gathers the host's facts in one round trip. With `python`, the host's python3 runs only when it
 * is not the binary whose report is known, and what it reported is left there for the next gather.
 */
export async function gatherFacts(sh: RemoteShell, python?: PythonMemo): Promise<Facts> {
  const known = python?.known;
  const r = await sh.run(known === undefined ? PROBE_SCRIPT : `DCV_PYTHON=${shellQuote(known.stamp)}\n${PROBE_SCRIPT}`);
  if (!r.stdout.includes("\n@@dcv@@ end\n")) throw new RemoteCommandError(sh.host, `gathering facts failed (exit ${r.rc}): ${r.stderr.trim()}`);
  const s = new Sections(r.stdout);
  const probe = pythonProbe(s, known);
  const learnt = KnownPython.safeParse(probe);
  if (python && learnt.success) python.learn(learnt.data);
  return factsOf(s, probe?.probe);
}
