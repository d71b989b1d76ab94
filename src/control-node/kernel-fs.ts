import { statfsSync } from "node:fs";

// statfs(2) magic numbers of the kernel's pseudo file systems: their files are the kernel's
// settings and state (/proc/sys/kernel/pid_max takes a number), never a place for our files.
const KERNEL_FILE_SYSTEMS = new Map<number, string>([
  [0x9fa0, "proc"],
  [0x62656572, "sysfs"],
  [0x27e0eb, "cgroup"],
  [0x63677270, "cgroup2"],
  [0x64626720, "debugfs"],
  [0x74726163, "tracefs"],
  [0x73636673, "securityfs"],
  [0x62656570, "configfs"],
  [0xcafe4a11, "bpf"],
  [0xde5e81e4, "efivarfs"],
]);

/** The name of the kernel pseudo file system `path` (an existing path) is on, if it is on one. */
export function kernelFileSystem(path: string): string | undefined {
  try {
    return KERNEL_FILE_SYSTEMS.get(statfsSync(path).type);
  } catch {
    return undefined;
  }
}
