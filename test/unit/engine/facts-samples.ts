/**
 * Probe outputs (src/facts/probe-script.ts) for the facts tests, written as the tools of a
 * Debian 12 host print them: iproute2 6.1, /proc, /sys/class/net, glibc's getent. Built section by
 * section; not a test file itself.
 */

/** The probe's output for these sections, in this order, ending as the script ends. */
export function probe(sections: Readonly<Record<string, string>>): string {
  return `${Object.entries(sections)
    .map(([k, v]) => `\n@@dcv@@ ${k}\n${v}`)
    .join("")}\n@@dcv@@ end\n`;
}

/**
 * The sections the script's last program prints: the files it read, as `head -v -c -0` prints
 * them (a header per file, a newline before every header but the first).
 */
export function files(contents: Readonly<Record<string, string>>): Record<string, string> {
  const paths = Object.keys(contents);
  return {
    files_read: paths.map((p) => `${p}\n`).join(""),
    files: paths.map((p, i) => `${i === 0 ? "" : "\n"}==> ${p} <==\n${contents[p] ?? ""}`).join(""),
  };
}

/** /proc/PID/environ: NUL-terminated entries. */
export const environ = (vars: Readonly<Record<string, string>>) =>
  Object.entries(vars)
    .map(([k, v]) => `${k}=${v}\0`)
    .join("");

export const OS_RELEASE_BOOKWORM = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
`;

const CPUINFO_2 = [0, 1]
  .map(
    (n) => `processor\t: ${n}
vendor_id\t: GenuineIntel
cpu family\t: 6
model name\t: DO-Regular
physical id\t: ${n}
siblings\t: 1
core id\t\t: 0
cpu cores\t: 1
flags\t\t: fpu vme de pse
`,
  )
  .join("\n");

/** A device's files under /sys/class/net. */
const sys = (device: string, address: string, mtu: number, operstate: string, type: number, flags: string, speed?: number): Record<string, string> => {
  const p = `/sys/class/net/${device}`;
  return {
    [`${p}/address`]: `${address}\n`,
    [`${p}/mtu`]: `${mtu}\n`,
    [`${p}/operstate`]: `${operstate}\n`,
    [`${p}/type`]: `${type}\n`,
    ...(speed === undefined ? {} : { [`${p}/speed`]: `${speed}\n` }),
    [`${p}/flags`]: `${flags}\n`,
  };
};
const present = (speed: boolean) => `address\nmtu\noperstate\ntype\n${speed ? "speed\n" : ""}flags\n`;

/** A droplet: eth0 (public + anchor IP), eth1 (VPC), eth2 down; a default route; an FQDN node name; DigitalOcean's DMI. */
export const DROPLET = probe({
  shell_pid: "4242\n",
  uname: "Linux web-1.example.com 6.1.0-31-cloud-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.128-1 (2025-02-07) x86_64\n",
  long_bit: "64\n",
  hosts_self: "203.0.113.10    web-1.example.com web-1\n",
  dist_files: "/etc/os-release\n/usr/lib/os-release\n",
  date: "2025|03|Tuesday|2|10|11|09|05|07|1741683907|123456789|UTC|+0000\n2025|01|Wednesday|3|00|01|12|00|00|1735732800|000000000|UTC|+0000\n2025|07|Tuesday|2|26|01|12|00|00|1751371200|000000000|UTC|+0000\n",
  exists: "/run/systemd/system/\n/etc/init.d/\n/sys/devices/virtual/dmi/id/product_name\n/etc/mtab\n",
  bins: "systemctl\nlsblk\nfindmnt\nudevadm\n",
  selinux_lib: "present\n",
  chroot: "debian_chroot=\n/ 2049 2 4096 1741000000 1741000000\n/proc/1/root/. 2049 2 4096 1741000000 1741000000\n",
  pkg_paths: "/usr/bin/apt-get\n",
  proc1: "systemd\n",
  user: "deploy\ndeploy:x:1000:1000:Deploy User,,,:/home/deploy:/bin/bash\n",
  findmnt: "/                 /dev/vda1            ext4   rw,relatime\n/srv/my\\x20data   /dev/vda1[/data]     ext4   rw,relatime\n",
  "rc:findmnt": "0\n",
  lsblk: "/dev/vda   \n/dev/vda1  2f2b1ad6-5f4d-4a55-9e34-3c3e40a1b2c3\n/dev/vda15 7A3B-1C2D\n",
  "rc:lsblk": "0\n",
  "udev /dev/vda1": "",
  "udev /dev/vda15": "",
  statvfs: "4096 4096 6497540 5000000 5100000 3225600 3100000 /\n512 512 260094 250000 250000 0 0 /boot/efi\n4096 4096 6497540 5000000 5100000 3225600 3100000 /srv/my data\n",
  route4: "8.8.8.8 via 203.0.113.1 dev eth0 src 203.0.113.10 uid 1000 \n    cache \n",
  route6: "",
  net_devices: "lo\neth0\neth1\neth2\n",
  "net_is lo": present(true),
  "net_is eth0": `${present(true)}device\n`,
  "net_module eth0": "/sys/module/virtio_net\n",
  "net_pciid eth0": "/sys/devices/pci0000:00/0000:00:03.0/virtio3\n",
  "net_is eth1": present(false),
  "net_is eth2": present(false),
  ip_addr: [
    "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n    inet6 ::1/128 scope host noprefixroute \n       valid_lft forever preferred_lft forever\n",
    "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether 0e:5b:1c:9a:40:01 brd ff:ff:ff:ff:ff:ff\n    altname enp0s3\n    inet 203.0.113.10/20 brd 203.0.127.255 scope global eth0\n       valid_lft forever preferred_lft forever\n    inet 203.0.113.99/20 brd 203.0.127.255 scope global secondary eth0:1\n       valid_lft forever preferred_lft forever\n    inet 10.19.0.5/16 brd 10.19.255.255 scope global eth0\n       valid_lft forever preferred_lft forever\n    inet6 2001:db8::10/64 scope global \n       valid_lft forever preferred_lft forever\n    inet6 fe80::c5b:1cff:fe9a:4001/64 scope link \n       valid_lft forever preferred_lft forever\n",
    "3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n    inet 10.110.0.2/20 brd 10.110.15.255 scope global eth1\n    inet6 fe80::982f:7eff:fe11:2233/64 scope link \n",
    "4: eth2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN\n    link/ether 9a:2f:7e:11:22:34 brd ff:ff:ff:ff:ff:ff\n",
  ].join(""),
  "rc:ip_addr": "0\n",
  ...files({
    "/proc/4242/environ": environ({ USER: "deploy", LOGNAME: "deploy", HOME: "/home/deploy", PATH: "/usr/local/bin:/usr/bin:/bin:/usr/games", SHELL: "/bin/bash", LANG: "C.UTF-8" }),
    "/proc/self/status": "Name:\thead\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nCpus_allowed_list:\t0-1\n",
    "/sys/devices/system/cpu/online": "0-1\n",
    "/etc/machine-id": "8c1e1e3f6f0a4a0f9a3c2b1d0e9f8a7b\n",
    "/etc/os-release": OS_RELEASE_BOOKWORM,
    "/etc/debian_version": "12.9\n",
    "/proc/cmdline": "BOOT_IMAGE=/boot/vmlinuz-6.1.0-31-cloud-amd64 root=PARTUUID=0c5f console=tty0 console=ttyS0,115200 ro\n",
    "/etc/resolv.conf": "# managed by cloud-init\nnameserver 67.207.67.2\nnameserver 67.207.67.3\nsearch example.com\noptions edns0 ndots:2\n",
    "/proc/sys/crypto/fips_enabled": "0\n",
    "/etc/ssh/ssh_host_ed25519_key.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB root@web-1\n",
    "/proc/loadavg": "0.08 0.03 0.01 1/120 4242\n",
    "/proc/uptime": "86400.52 170000.10\n",
    "/proc/meminfo": "MemTotal:        4025852 kB\nMemFree:         3000000 kB\nMemAvailable:    3500000 kB\nBuffers:           40960 kB\nCached:           409600 kB\nSwapCached:            0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n",
    "/proc/cpuinfo": CPUINFO_2,
    "/sys/devices/virtual/dmi/id/bios_date": "12/12/2017\n",
    "/sys/devices/virtual/dmi/id/bios_vendor": "DigitalOcean\n",
    "/sys/devices/virtual/dmi/id/bios_version": "20171212\n",
    "/sys/devices/virtual/dmi/id/board_asset_tag": "\n",
    "/sys/devices/virtual/dmi/id/chassis_type": "1\n",
    "/sys/devices/virtual/dmi/id/chassis_vendor": "QEMU\n",
    "/sys/devices/virtual/dmi/id/product_name": "Droplet\n",
    "/sys/devices/virtual/dmi/id/product_version": "20171212\n",
    "/sys/devices/virtual/dmi/id/sys_vendor": "DigitalOcean\n",
    "/sys/devices/virtual/dmi/id/product_family": "DigitalOcean_Droplet\n",
    "/etc/mtab": "/dev/vda1 / ext4 rw,relatime,discard,errors=remount-ro 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n/dev/vda15 /boot/efi vfat rw,relatime,fmask=0077 0 0\n/dev/vda1 /srv/my\\040data ext4 rw,relatime 0 0\n",
    "/proc/1/cgroup": "0::/init.scope\n",
    "/proc/modules": "virtio_net 69632 0 - Live 0x0000000000000000\nvirtio_blk 24576 2 - Live 0x0000000000000000\n",
    ...sys("lo", "00:00:00:00:00:00", 65536, "unknown", 772, "0x9"),
    ...sys("eth0", "0e:5b:1c:9a:40:01", 1500, "up", 1, "0x1003", -1),
    ...sys("eth1", "9a:2f:7e:11:22:33", 1500, "up", 1, "0x1103"),
    ...sys("eth2", "9a:2f:7e:11:22:34", 1500, "down", 1, "0x1002"),
  }),
});

/** Captured on the facts parity test's lab host (systemd-nspawn, Debian 12, python3 installed), with what Ansible's setup module reported there. */
export const CAPTURED = new URL("./fixtures/facts/", import.meta.url).pathname;
