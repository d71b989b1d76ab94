import type { Facts } from "./gather.js";

/**
 * Facts under the names Ansible's setup module gives them, for templates and roles ported from
 * Ansible (`ansible_default_ipv4.address`, `ansible_hostname`, `hostvars[h].ansible_fqdn`).
 * Both forms exist: `ansible_facts.<name>` and the injected top-level `ansible_<name>`.
 */
export function factsAsVars(f: Facts): Record<string, unknown> {
  const ansibleFacts: Record<string, unknown> = {
    // As Ansible's platform facts: hostname = platform.node().split('.')[0]; nodename is whole.
    hostname: f.hostname.split(".")[0] ?? f.hostname,
    fqdn: f.fqdn,
    nodename: f.hostname,
    distribution: f.os.id === "debian" ? "Debian" : f.os.id === "ubuntu" ? "Ubuntu" : f.os.id,
    distribution_major_version: f.os.version_id.split(".")[0] ?? "",
    distribution_version: f.os.version_id,
    distribution_release: f.os.codename,
    os_family: f.os.id === "debian" || f.os.id === "ubuntu" ? "Debian" : f.os.id,
    architecture: f.architecture,
    kernel: f.kernel,
    default_ipv4: f.default_ipv4 ?? {},
    all_ipv4_addresses: f.all_ipv4_addresses,
    interfaces: f.interfaces.map((i) => i.name),
    memtotal_mb: f.memtotal_mb,
    processor_vcpus: f.processor_count,
    processor_count: f.processor_count,
    service_mgr: f.service_mgr,
    user_id: f.user_id,
  };
  for (const i of f.interfaces) {
    ansibleFacts[i.name.replace(/[^A-Za-z0-9_]/g, "_")] = {
      device: i.name,
      active: i.up,
      macaddress: i.mac,
      ...(i.ipv4[0] ? { ipv4: { address: i.ipv4[0].address, prefix: String(i.ipv4[0].prefix) } } : {}),
      ipv4_secondaries: i.ipv4.slice(1).map((a) => ({ address: a.address, prefix: String(a.prefix) })),
    };
  }
  const injected = Object.fromEntries(Object.entries(ansibleFacts).map(([k, v]) => [`ansible_${k}`, v]));
  return { ansible_facts: ansibleFacts, ...injected };
}
