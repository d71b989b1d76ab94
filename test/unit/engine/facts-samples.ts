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

const environ = (vars: Readonly<Record<string, string>>) =>
  Buffer.from(
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\0`)
      .join(""),
  ).toString("base64");

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

const sys = (address: string, mtu: number, operstate: string, type: number, flags: string, speed?: number) =>
  `address:${address}\nmtu:${mtu}\noperstate:${operstate}\ntype:${type}\n${speed === undefined ? "" : `speed:${speed}\n`}flags:${flags}\n`;
const present = (speed: boolean) => `address\nmtu\noperstate\ntype\n${speed ? "speed\n" : ""}flags\n`;

/** A droplet: eth0 (public + anchor IP), eth1 (VPC), eth2 down; a default route; an FQDN node name; DigitalOcean's DMI. */
export const DROPLET = probe({
  environ: environ({ USER: "deploy", LOGNAME: "deploy", HOME: "/home/deploy", PATH: "/usr/local/bin:/usr/bin:/bin:/usr/games", SHELL: "/bin/bash", LANG: "C.UTF-8" }),
  uname: "Linux\nweb-1.example.com\n6.1.0-31-cloud-amd64\n#1 SMP PREEMPT_DYNAMIC Debian 6.1.128-1 (2025-02-07)\nx86_64\n",
  long_bit: "64\n",
  hosts_self: "203.0.113.10    web-1.example.com web-1\n",
  machine_id: "8c1e1e3f6f0a4a0f9a3c2b1d0e9f8a7b\n",
  dist_files: "/etc/os-release\n/usr/lib/os-release\n",
  os_release: OS_RELEASE_BOOKWORM,
  debian_version: "12.9\n",
  lsb_file: "",
  cmdline: "BOOT_IMAGE=/boot/vmlinuz-6.1.0-31-cloud-amd64 root=PARTUUID=0c5f console=tty0 console=ttyS0,115200 ro\n",
  date_local: "2025|03|Tuesday|2|10|11|09|05|07|1741683907|123456789|UTC|+0000\n",
  date_utc: "2025-03-11T09:05:07\n",
  date_zones: "UTC|+0000\nUTC|+0000\n",
  resolv: "# managed by cloud-init\nnameserver 67.207.67.2\nnameserver 67.207.67.3\nsearch example.com\noptions edns0 ndots:2\n",
  fips: "0\n",
  exists: "/run/systemd/system/\n/etc/init.d/\n/sys/devices/virtual/dmi/id/product_name\n",
  bins: "systemctl\nlsblk\nfindmnt\nudevadm\n",
  selinux_lib: "present\n",
  selinux: "",
  chroot: "debian_chroot=\nroot 2049 2\nfstype ext2/ext3\n",
  pkg_paths: "/usr/bin/apt-get\n",
  proc1: "systemd\n",
  sbin_init: "/lib/systemd/systemd\n",
  user: "deploy\ndeploy:x:1000:1000:Deploy User,,,:/home/deploy:/bin/bash\n",
  ids: "1000\n1000\n1000\n",
  "sshkey /etc/ssh ed25519": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB root@web-1\n",
  loadavg: "0.08 0.03 0.01 1/120 4242\n",
  uptime: "86400.52 170000.10\n",
  meminfo: "MemTotal:        4025852 kB\nMemFree:         3000000 kB\nMemAvailable:    3500000 kB\nBuffers:           40960 kB\nCached:           409600 kB\nSwapCached:            0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n",
  cpuinfo: CPUINFO_2,
  hypervisor_type: "",
  nproc: "2\n",
  dmi: "bios_date:12/12/2017\nbios_vendor:DigitalOcean\nbios_version:20171212\nboard_asset_tag:\nchassis_type:1\nchassis_vendor:QEMU\nproduct_name:Droplet\nproduct_version:20171212\nsys_vendor:DigitalOcean\nproduct_family:DigitalOcean_Droplet\n",
  v_cgroup: "0::/init.scope\n",
  v_container: "",
  v_xencaps: "",
  v_status: "",
  v_modules: "virtio_net\nvirtio_blk\n",
  mtab: "/dev/vda1 / ext4 rw,relatime,discard,errors=remount-ro 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n/dev/vda15 /boot/efi vfat rw,relatime,fmask=0077 0 0\n/dev/vda1 /srv/my\\040data ext4 rw,relatime 0 0\n",
  findmnt: "/                 /dev/vda1            ext4   rw,relatime\n/srv/my\\x20data   /dev/vda1[/data]     ext4   rw,relatime\n",
  "rc:findmnt": "0\n",
  lsblk: "/dev/vda   \n/dev/vda1  2f2b1ad6-5f4d-4a55-9e34-3c3e40a1b2c3\n/dev/vda15 7A3B-1C2D\n",
  "rc:lsblk": "0\n",
  "statvfs 1": "4096 4096 6497540 5000000 5100000 3225600 3100000\n",
  "udev 1": "",
  "statvfs 3": "512 512 260094 250000 250000 0 0\n",
  "udev 3": "",
  "statvfs 4": "4096 4096 6497540 5000000 5100000 3225600 3100000\n",
  "udev 4": "",
  iscsi: "",
  nvme: "",
  fc_wwn: "",
  route4: "8.8.8.8 via 203.0.113.1 dev eth0 src 203.0.113.10 uid 1000 \n    cache \n",
  route6: "",
  net_devices: "lo\neth0\neth1\neth2\n",
  "net_sys lo": sys("00:00:00:00:00:00", 65536, "unknown", 772, "0x9"),
  "net_is lo": present(true),
  "ip_primary lo": "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n    inet6 ::1/128 scope host noprefixroute \n       valid_lft forever preferred_lft forever\n",
  "rc:ip_primary lo": "0\n",
  "ip_secondary lo": "",
  "rc:ip_secondary lo": "0\n",
  "net_sys eth0": sys("0e:5b:1c:9a:40:01", 1500, "up", 1, "0x1003", -1),
  "net_is eth0": `${present(true)}device\n`,
  "net_module eth0": "virtio_net\n",
  "net_pciid eth0": "virtio3\n",
  "ip_primary eth0":
    "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether 0e:5b:1c:9a:40:01 brd ff:ff:ff:ff:ff:ff\n    altname enp0s3\n    inet 203.0.113.10/20 brd 203.0.127.255 scope global eth0\n       valid_lft forever preferred_lft forever\n    inet 10.19.0.5/16 brd 10.19.255.255 scope global eth0\n       valid_lft forever preferred_lft forever\n    inet6 2001:db8::10/64 scope global \n       valid_lft forever preferred_lft forever\n    inet6 fe80::c5b:1cff:fe9a:4001/64 scope link \n       valid_lft forever preferred_lft forever\n",
  "rc:ip_primary eth0": "0\n",
  "ip_secondary eth0": "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n    link/ether 0e:5b:1c:9a:40:01 brd ff:ff:ff:ff:ff:ff\n    inet 203.0.113.99/20 brd 203.0.127.255 scope global secondary eth0:1\n       valid_lft forever preferred_lft forever\n",
  "rc:ip_secondary eth0": "0\n",
  "net_sys eth1": sys("9a:2f:7e:11:22:33", 1500, "up", 1, "0x1103"),
  "net_is eth1": present(false),
  "ip_primary eth1": "3: eth1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500\n    inet 10.110.0.2/20 brd 10.110.15.255 scope global eth1\n    inet6 fe80::982f:7eff:fe11:2233/64 scope link \n",
  "rc:ip_primary eth1": "0\n",
  "ip_secondary eth1": "",
  "rc:ip_secondary eth1": "0\n",
  "net_sys eth2": sys("9a:2f:7e:11:22:34", 1500, "down", 1, "0x1002"),
  "net_is eth2": present(false),
  "ip_primary eth2": "4: eth2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN\n    link/ether 9a:2f:7e:11:22:34 brd ff:ff:ff:ff:ff:ff\n",
  "rc:ip_primary eth2": "0\n",
  "ip_secondary eth2": "",
  "rc:ip_secondary eth2": "0\n",
});

/** Captured on the facts parity test's lab host (systemd-nspawn, Debian 12, python3 installed), with what Ansible's setup module reported there. */
export const CAPTURED = new URL("./fixtures/facts/", import.meta.url).pathname;
