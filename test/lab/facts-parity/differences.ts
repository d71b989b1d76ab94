import { type Comparison, type KnownDifference, shapeOf } from "./compare.js";

// How the facts parity test compares what cannot be equal between two gathers a few seconds
// apart, and the facts do-converge does not give as Ansible does, each with its reason.

const sorted = (v: unknown): unknown => (Array.isArray(v) ? [...(v as string[])].sort() : v);

/** Free space and inodes move between two gathers; the rest of a mount does not. */
const VOLATILE_MOUNT_FIELDS = ["size_available", "block_available", "block_used", "inode_available", "inode_used"];

/** The variables a login gives whoever it starts; the others describe the session. */
const LOGIN_ENV = ["HOME", "LANG", "LOGNAME", "MAIL", "PATH", "SHELL", "USER"];

export const COMPARISONS: Readonly<Record<string, Comparison>> = {
  ansible_date_time: { why: "the clock moves between the two gathers", normalize: shapeOf },
  ansible_uptime_seconds: { why: "the clock moves between the two gathers", normalize: shapeOf },
  ansible_loadavg: { why: "the load moves; Python reads it with getloadavg(), more digits than /proc/loadavg", normalize: shapeOf },
  ansible_memfree_mb: { why: "free memory moves between the two gathers", normalize: shapeOf },
  ansible_memory_mb: {
    why: "free and used memory move; the totals do not",
    normalize: (v) => {
      const m = v as { real: { total: number }; swap: { total: number } };
      return { shape: shapeOf(v), total: m.real.total, swap: m.swap.total };
    },
  },
  ansible_mounts: {
    why: "free space moves between the two gathers; Ansible lists mounts in the order its threads finish",
    normalize: (v) =>
      (v as Record<string, unknown>[])
        .map((m) => Object.fromEntries(Object.entries(m).map(([k, x]) => [k, VOLATILE_MOUNT_FIELDS.includes(k) ? typeof x : x])))
        .sort((a, b) => String(a.mount).localeCompare(String(b.mount))),
  },
  ansible_interfaces: { why: "Ansible returns a Python set: its order is the hash order", normalize: sorted },
  ansible_virtualization_tech_guest: { why: "Ansible returns a Python set: its order is the hash order", normalize: sorted },
  ansible_virtualization_tech_host: { why: "Ansible returns a Python set: its order is the hash order", normalize: sorted },
  ansible_env: {
    why: "the rest describes the session: SSH_CLIENT's port, SSH_TTY, the PWD/SHLVL/_ of the sh Ansible starts Python with, sudo's SUDO_COMMAND",
    normalize: (v) => Object.fromEntries(Object.entries(v as Record<string, string>).filter(([k]) => LOGIN_ENV.includes(k)).sort(([a], [b]) => a.localeCompare(b))),
  },
};

export const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
  ansible_devices: { why: "not gathered: the block-device inventory (/sys/block, partitions, holders, udev links) is not implemented" },
  ansible_device_links: { why: "not gathered: the block-device inventory (/sys/block, partitions, holders, udev links) is not implemented" },
};
