import { z } from "zod";

// The facts as ansible-core 2.14's setup module gives them on Linux, under its names (without
// the `ansible_` prefix, as in `ansible_facts`), with its types: numbers where Python has ints or
// floats, strings where it has strings (an IPv4 prefix is the string "24"), keys that it leaves
// out when it has nothing (optional here). Only facts that need no Python on the host: the
// block-device inventory (`devices`, `device_links`) is not gathered.

const Ipv4 = z.object({ address: z.string(), broadcast: z.string(), netmask: z.string(), network: z.string(), prefix: z.string() });
const Ipv6 = z.object({ address: z.string(), prefix: z.string(), scope: z.string() });

/** `ansible_<device>`: one network interface, from /sys/class/net and `ip addr`. */
export const AnsibleInterface = z.object({
  device: z.string().optional(),
  macaddress: z.string().optional(),
  mtu: z.number().optional(),
  active: z.boolean().optional(),
  module: z.string().optional(),
  type: z.string().optional(),
  interfaces: z.array(z.string()).optional(),
  id: z.string().optional(),
  stp: z.boolean().optional(),
  slaves: z.array(z.string()).optional(),
  mode: z.string().optional(),
  miimon: z.string().optional(),
  lacp_rate: z.string().optional(),
  primary: z.string().optional(),
  all_slaves_active: z.boolean().optional(),
  perm_macaddress: z.string().optional(),
  pciid: z.string().optional(),
  speed: z.number().optional(),
  promisc: z.boolean().optional(),
  ipv4: Ipv4.optional(),
  ipv4_secondaries: z.array(Ipv4).optional(),
  ipv6: z.array(Ipv6).optional(),
  features: z.record(z.string(), z.string()).optional(),
  timestamping: z.array(z.string()).optional(),
  hw_timestamp_filters: z.array(z.string()).optional(),
  phc_index: z.number().optional(),
});
export type AnsibleInterface = z.infer<typeof AnsibleInterface>;

/** `ansible_default_ipv4`: {} without a route to the internet. */
export const DefaultIpv4 = z.object({
  interface: z.string().optional(),
  address: z.string().optional(),
  gateway: z.string().optional(),
  broadcast: z.string().optional(),
  netmask: z.string().optional(),
  network: z.string().optional(),
  prefix: z.string().optional(),
  macaddress: z.string().optional(),
  mtu: z.number().optional(),
  type: z.string().optional(),
  alias: z.string().optional(),
});

export const DefaultIpv6 = z.object({
  interface: z.string().optional(),
  address: z.string().optional(),
  gateway: z.string().optional(),
  prefix: z.string().optional(),
  scope: z.string().optional(),
  macaddress: z.string().optional(),
  mtu: z.number().optional(),
  type: z.string().optional(),
});

const Mount = z.object({
  mount: z.string(),
  device: z.string(),
  fstype: z.string(),
  options: z.string(),
  size_total: z.number().optional(),
  size_available: z.number().optional(),
  block_size: z.number().optional(),
  block_total: z.number().optional(),
  block_available: z.number().optional(),
  block_used: z.number().optional(),
  inode_total: z.number().optional(),
  inode_available: z.number().optional(),
  inode_used: z.number().optional(),
  uuid: z.string(),
});

const LvmSize = z.object({ size_g: z.string() });
const Lvm = z.union([
  z.literal("N/A"),
  z.object({
    vgs: z.record(z.string(), z.object({ size_g: z.string(), free_g: z.string(), num_lvs: z.string(), num_pvs: z.string() })),
    lvs: z.record(z.string(), LvmSize.extend({ vg: z.string() })),
    pvs: z.record(z.string(), LvmSize.extend({ free_g: z.string(), vg: z.string() })),
  }),
]);

/** A /proc/meminfo figure in MiB; null when the kernel does not print it. */
const Mb = z.number().nullable();

/** JSON as a facts.d file or script gives it. */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
const Json: z.ZodType<Json> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(Json), z.record(z.string(), Json)]));

export const AnsibleFacts = z.object({
  // platform
  system: z.string(),
  kernel: z.string(),
  kernel_version: z.string(),
  machine: z.string(),
  architecture: z.string(),
  userspace_bits: z.string(),
  userspace_architecture: z.string().optional(),
  fqdn: z.string(),
  hostname: z.string(),
  nodename: z.string(),
  domain: z.string(),
  machine_id: z.string().optional(),
  // distribution
  distribution: z.string(),
  distribution_version: z.string(),
  distribution_release: z.string(),
  distribution_major_version: z.string(),
  distribution_minor_version: z.string().optional(),
  distribution_file_path: z.string().optional(),
  distribution_file_variety: z.string().optional(),
  distribution_file_parsed: z.boolean().optional(),
  os_family: z.string(),
  lsb: z.object({ id: z.string().optional(), release: z.string().optional(), description: z.string().optional(), codename: z.string().optional(), major_release: z.string().optional() }),
  // system
  cmdline: z.record(z.string(), z.union([z.string(), z.literal(true)])).optional(),
  proc_cmdline: z.record(z.string(), z.union([z.string(), z.literal(true), z.array(z.string())])).optional(),
  date_time: z.object({
    year: z.string(),
    month: z.string(),
    weekday: z.string(),
    weekday_number: z.string(),
    weeknumber: z.string(),
    day: z.string(),
    hour: z.string(),
    minute: z.string(),
    second: z.string(),
    epoch: z.string(),
    epoch_int: z.string(),
    date: z.string(),
    time: z.string(),
    iso8601_micro: z.string(),
    iso8601: z.string(),
    iso8601_basic: z.string(),
    iso8601_basic_short: z.string(),
    tz: z.string(),
    tz_dst: z.string(),
    tz_offset: z.string(),
  }),
  env: z.record(z.string(), z.string()),
  dns: z.object({
    nameservers: z.array(z.string()).optional(),
    domain: z.string().optional(),
    search: z.array(z.string()).optional(),
    sortlist: z.array(z.string()).optional(),
    options: z.record(z.string(), z.union([z.string(), z.literal(true)])).optional(),
  }),
  fips: z.boolean(),
  apparmor: z.object({ status: z.string() }),
  selinux: z.object({ status: z.string(), policyvers: z.union([z.number(), z.literal("unknown")]).optional(), config_mode: z.string().optional(), mode: z.string().optional(), type: z.string().optional() }),
  /** Whether libselinux loads (Ansible's selinux bindings are ctypes over it), not whether Python does. */
  selinux_python_present: z.boolean(),
  system_capabilities: z.union([z.array(z.string()), z.literal("N/A")]),
  system_capabilities_enforced: z.string(),
  is_chroot: z.boolean(),
  pkg_mgr: z.string(),
  service_mgr: z.string(),
  user_id: z.string(),
  user_uid: z.number(),
  user_gid: z.number(),
  user_gecos: z.string(),
  user_dir: z.string(),
  user_shell: z.string(),
  real_user_id: z.number(),
  effective_user_id: z.number(),
  real_group_id: z.number(),
  effective_group_id: z.number(),
  ssh_host_key_dsa_public: z.string().optional(),
  ssh_host_key_dsa_public_keytype: z.string().optional(),
  ssh_host_key_rsa_public: z.string().optional(),
  ssh_host_key_rsa_public_keytype: z.string().optional(),
  ssh_host_key_ecdsa_public: z.string().optional(),
  ssh_host_key_ecdsa_public_keytype: z.string().optional(),
  ssh_host_key_ed25519_public: z.string().optional(),
  ssh_host_key_ed25519_public_keytype: z.string().optional(),
  /** facts.d: each file's JSON or INI content, or the error Ansible puts in its place. */
  local: z.record(z.string(), Json),
  /** The host's /usr/bin/python3 as Ansible's interpreter discovery would pick it; absent without one. */
  python: z
    .object({
      version: z.object({ major: z.number(), minor: z.number(), micro: z.number(), releaselevel: z.string(), serial: z.number() }),
      version_info: z.array(z.union([z.number(), z.string()])),
      executable: z.string(),
      has_sslcontext: z.boolean(),
      type: z.string(),
    })
    .optional(),
  python_version: z.string().optional(),
  loadavg: z.object({ "1m": z.number(), "5m": z.number(), "15m": z.number() }).optional(),
  // hardware
  uptime_seconds: z.number().optional(),
  memtotal_mb: z.number(),
  memfree_mb: z.number(),
  swaptotal_mb: z.number(),
  swapfree_mb: z.number(),
  memory_mb: z.object({
    real: z.object({ total: Mb, used: Mb, free: Mb }),
    nocache: z.object({ free: Mb, used: Mb }),
    swap: z.object({ total: Mb, free: Mb, used: Mb, cached: Mb }),
  }),
  processor: z.array(z.string()),
  processor_count: z.number(),
  processor_cores: z.number(),
  processor_threads_per_core: z.number(),
  processor_vcpus: z.number(),
  processor_nproc: z.number(),
  bios_date: z.string(),
  bios_vendor: z.string(),
  bios_version: z.string(),
  board_asset_tag: z.string(),
  board_name: z.string(),
  board_serial: z.string(),
  board_vendor: z.string(),
  board_version: z.string(),
  chassis_asset_tag: z.string(),
  chassis_serial: z.string(),
  chassis_vendor: z.string(),
  chassis_version: z.string(),
  form_factor: z.string(),
  product_name: z.string(),
  product_serial: z.string(),
  product_uuid: z.string(),
  product_version: z.string(),
  system_vendor: z.string(),
  mounts: z.array(Mount),
  lvm: Lvm,
  // virtual
  virtualization_type: z.string().optional(),
  virtualization_role: z.string().optional(),
  virtualization_tech_guest: z.array(z.string()),
  virtualization_tech_host: z.array(z.string()),
  // network
  interfaces: z.array(z.string()),
  default_ipv4: DefaultIpv4,
  default_ipv6: DefaultIpv6,
  all_ipv4_addresses: z.array(z.string()),
  all_ipv6_addresses: z.array(z.string()),
  iscsi_iqn: z.string(),
  hostnqn: z.string(),
  fibre_channel_wwn: z.array(z.string()),
  // the setup module's own
  gather_subset: z.array(z.string()),
  module_setup: z.boolean(),
});
export type AnsibleFacts = z.infer<typeof AnsibleFacts>;

const Interface = z.object({
  name: z.string(),
  ipv4: z.array(z.object({ address: z.string(), prefix: z.number() })),
  ipv6: z.array(z.object({ address: z.string(), prefix: z.number() })),
  mac: z.string(),
  up: z.boolean(),
});

/**
 * What a site's code reads as `h.facts`: a few facts in TypeScript's terms, and under `ansible`
 * everything the setup module would give, which templates and Ansible roles read by Ansible's
 * names (as-vars.ts).
 */
export const Facts = z.object({
  hostname: z.string(),
  fqdn: z.string(),
  os: z.object({ id: z.string(), version_id: z.string(), codename: z.string(), pretty_name: z.string() }),
  architecture: z.string(),
  kernel: z.string(),
  /** The address of the interface holding the default route; absent without a default route. */
  default_ipv4: z.object({ address: z.string(), interface: z.string(), gateway: z.string() }).optional(),
  /** Every interface and its addresses (loopback included), whatever the routes. */
  interfaces: z.array(Interface),
  /** All global IPv4 addresses, in interface order. */
  all_ipv4_addresses: z.array(z.string()),
  memtotal_mb: z.number(),
  processor_count: z.number(),
  /** PID 1's name: "systemd" on droplets and lab hosts. */
  service_mgr: z.string(),
  user_id: z.string(),
  ansible: z.object({
    facts: AnsibleFacts,
    /** `ansible_<name>` per network interface, keyed by that name (`eth0`, `vb_db1`). */
    interfaces: z.record(z.string(), AnsibleInterface),
  }),
});
export type Facts = z.infer<typeof Facts>;
