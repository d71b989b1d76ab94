import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { factsAsVars } from "../../../src/facts/as-vars.js";
import { parseFacts } from "../../../src/facts/gather.js";
import { compareFacts } from "../../lab/facts-parity/compare.js";
import { COMPARISONS, KNOWN_DIFFERENCES } from "../../lab/facts-parity/differences.js";
import { CAPTURED, DROPLET, OS_RELEASE_BOOKWORM, environ, files, probe } from "./facts-samples.js";

describe("parseFacts on outputs captured on a lab host, against what Ansible's setup module reported there", () => {
  for (const who of ["deploy", "root"]) {
    it(`every fact matches or is a listed difference (${who})`, () => {
      const ansible = JSON.parse(readFileSync(join(CAPTURED, `lab-${who}.setup.json`), "utf8")) as Record<string, unknown>;
      const { ansible_facts: _ns, ...ours } = factsAsVars(parseFacts(readFileSync(join(CAPTURED, `lab-${who}.probe.txt`), "utf8")));
      const outcomes = compareFacts(ansible, ours, COMPARISONS, KNOWN_DIFFERENCES);
      expect(outcomes.filter((o) => o.status !== "equal" && o.status !== "known-difference")).toEqual([]);
      expect(outcomes.filter((o) => o.status === "known-difference").map((o) => o.fact)).toEqual(["ansible_device_links", "ansible_devices"]);
      expect(outcomes.filter((o) => o.status === "equal").length).toBeGreaterThan(100);
    });
  }
});

describe("parseFacts on a droplet", () => {
  const f = parseFacts(DROPLET);
  const v = factsAsVars(f);

  it("names the platform and the distribution as Ansible does", () => {
    expect(v).toMatchObject({
      ansible_system: "Linux",
      ansible_kernel: "6.1.0-31-cloud-amd64",
      ansible_kernel_version: "#1 SMP PREEMPT_DYNAMIC Debian 6.1.128-1 (2025-02-07)",
      ansible_machine: "x86_64",
      ansible_architecture: "x86_64",
      ansible_userspace_bits: "64",
      ansible_userspace_architecture: "x86_64",
      ansible_nodename: "web-1.example.com",
      ansible_hostname: "web-1",
      ansible_fqdn: "web-1.example.com",
      ansible_domain: "example.com",
      ansible_machine_id: "8c1e1e3f6f0a4a0f9a3c2b1d0e9f8a7b",
      ansible_distribution: "Debian",
      ansible_distribution_version: "12",
      ansible_distribution_major_version: "12",
      ansible_distribution_minor_version: "9",
      ansible_distribution_release: "bookworm",
      ansible_distribution_file_path: "/etc/os-release",
      ansible_distribution_file_variety: "Debian",
      ansible_distribution_file_parsed: true,
      ansible_os_family: "Debian",
      ansible_lsb: {},
      ansible_pkg_mgr: "apt",
      ansible_service_mgr: "systemd",
    });
  });

  it("gives the user, DNS, kernel command line and time facts their Ansible types", () => {
    expect(v).toMatchObject({
      ansible_user_id: "deploy",
      ansible_user_uid: 1000,
      ansible_user_gid: 1000,
      ansible_user_gecos: "Deploy User,,,",
      ansible_user_dir: "/home/deploy",
      ansible_user_shell: "/bin/bash",
      ansible_real_user_id: 1000,
      ansible_effective_group_id: 1000,
      ansible_dns: { nameservers: ["67.207.67.2", "67.207.67.3"], search: ["example.com"], options: { edns0: true, ndots: "2" } },
      ansible_cmdline: { BOOT_IMAGE: "/boot/vmlinuz-6.1.0-31-cloud-amd64", root: "PARTUUID=0c5f", console: "ttyS0,115200", ro: true },
      ansible_proc_cmdline: { console: ["tty0", "ttyS0,115200"], ro: true },
      ansible_fips: false,
      ansible_apparmor: { status: "disabled" },
      ansible_selinux: { status: "disabled" },
      ansible_selinux_python_present: true,
      ansible_system_capabilities: "N/A",
      ansible_system_capabilities_enforced: "N/A",
      ansible_is_chroot: false,
      ansible_ssh_host_key_ed25519_public: "AAAAC3NzaC1lZDI1NTE5AAAAIB",
      ansible_ssh_host_key_ed25519_public_keytype: "ssh-ed25519",
      ansible_local: {},
      ansible_uptime_seconds: 86400,
      ansible_loadavg: { "1m": 0.08, "5m": 0.03, "15m": 0.01 },
    });
    expect(v.ansible_date_time).toEqual({
      year: "2025", month: "03", weekday: "Tuesday", weekday_number: "2", weeknumber: "10", day: "11", hour: "09", minute: "05", second: "07",
      epoch: "1741683907", epoch_int: "1741683907", date: "2025-03-11", time: "09:05:07",
      iso8601_micro: "2025-03-11T09:05:07.123456Z", iso8601: "2025-03-11T09:05:07Z", iso8601_basic: "20250311T090507123456", iso8601_basic_short: "20250311T090507",
      tz: "UTC", tz_dst: "UTC", tz_offset: "+0000",
    });
    expect(v.ansible_env).toMatchObject({ USER: "deploy", HOME: "/home/deploy" });
    expect(v.ansible_python).toBeUndefined();
    expect("ansible_python_version" in v).toBe(false);
  });

  it("computes memory, CPU and DMI facts as hardware/linux.py does", () => {
    expect(v).toMatchObject({
      ansible_memtotal_mb: 3931,
      ansible_memfree_mb: 2929,
      ansible_swaptotal_mb: 0,
      ansible_memory_mb: { real: { total: 3931, used: 1002, free: 2929 }, nocache: { free: 3369, used: 562 }, swap: { total: 0, free: 0, used: 0, cached: 0 } },
      ansible_processor: ["0", "GenuineIntel", "DO-Regular", "1", "GenuineIntel", "DO-Regular"],
      ansible_processor_count: 2,
      ansible_processor_cores: 1,
      ansible_processor_threads_per_core: 1,
      ansible_processor_vcpus: 2,
      ansible_processor_nproc: 2,
      ansible_system_vendor: "DigitalOcean",
      ansible_product_name: "Droplet",
      ansible_bios_vendor: "DigitalOcean",
      ansible_board_asset_tag: "NA",
      ansible_board_name: "NA",
      ansible_form_factor: "Other",
      ansible_virtualization_type: "kvm",
      ansible_virtualization_role: "guest",
      ansible_virtualization_tech_guest: ["kvm"],
      // Ansible looks for a module named exactly "virtio", which virtio_net is not.
      ansible_virtualization_tech_host: [],
      ansible_lvm: "N/A",
    });
  });

  it("lists block-device mounts with statvfs figures, lsblk UUIDs, octal escapes undone and bind mounts marked", () => {
    expect(v.ansible_mounts).toEqual([
      { mount: "/", device: "/dev/vda1", fstype: "ext4", options: "rw,relatime,discard,errors=remount-ro", size_total: 26613923840, size_available: 20480000000, block_size: 4096, block_total: 6497540, block_available: 5000000, block_used: 1497540, inode_total: 3225600, inode_available: 3100000, inode_used: 125600, uuid: "2f2b1ad6-5f4d-4a55-9e34-3c3e40a1b2c3" },
      { mount: "/boot/efi", device: "/dev/vda15", fstype: "vfat", options: "rw,relatime,fmask=0077", size_total: 133168128, size_available: 128000000, block_size: 512, block_total: 260094, block_available: 250000, block_used: 10094, inode_total: 0, inode_available: 0, inode_used: 0, uuid: "7A3B-1C2D" },
      // findmnt escapes the space differently: Ansible misses this bind mount too.
      { mount: "/srv/my data", device: "/dev/vda1", fstype: "ext4", options: "rw,relatime", size_total: 26613923840, size_available: 20480000000, block_size: 4096, block_total: 6497540, block_available: 5000000, block_used: 1497540, inode_total: 3225600, inode_available: 3100000, inode_used: 125600, uuid: "2f2b1ad6-5f4d-4a55-9e34-3c3e40a1b2c3" },
    ]);
  });

  it("completes default_ipv4 from the interface holding the route's source address", () => {
    expect(v.ansible_default_ipv4).toEqual({
      interface: "eth0", address: "203.0.113.10", gateway: "203.0.113.1", broadcast: "203.0.127.255", netmask: "255.255.240.0", network: "203.0.112.0",
      prefix: "20", macaddress: "0e:5b:1c:9a:40:01", mtu: 1500, type: "ether", alias: "eth0",
    });
    expect(v.ansible_default_ipv6).toEqual({});
  });

  it("gives each interface Ansible's keys: string prefixes, netmask, network, secondaries, an address label as its own entry", () => {
    expect(v.ansible_eth0).toEqual({
      device: "eth0", macaddress: "0e:5b:1c:9a:40:01", mtu: 1500, active: true, module: "virtio_net", type: "ether", pciid: "virtio3", speed: -1, promisc: false,
      ipv4: { address: "203.0.113.10", broadcast: "203.0.127.255", netmask: "255.255.240.0", network: "203.0.112.0", prefix: "20" },
      ipv4_secondaries: [
        { address: "10.19.0.5", broadcast: "10.19.255.255", netmask: "255.255.0.0", network: "10.19.0.0", prefix: "16" },
        { address: "203.0.113.99", broadcast: "203.0.127.255", netmask: "255.255.240.0", network: "203.0.112.0", prefix: "20" },
      ],
      ipv6: [
        { address: "2001:db8::10", prefix: "64", scope: "global" },
        { address: "fe80::c5b:1cff:fe9a:4001", prefix: "64", scope: "link" },
      ],
    });
    expect(v.ansible_eth0_1).toEqual({ ipv4_secondaries: [{ address: "203.0.113.99", broadcast: "203.0.127.255", netmask: "255.255.240.0", network: "203.0.112.0", prefix: "20" }] });
    expect(v.ansible_lo).toEqual({
      device: "lo", mtu: 65536, active: true, type: "loopback", promisc: false,
      ipv4: { address: "127.0.0.1", broadcast: "", netmask: "255.0.0.0", network: "127.0.0.0", prefix: "8" },
      ipv6: [{ address: "::1", prefix: "128", scope: "host" }],
    });
    expect(v.ansible_eth1).toMatchObject({ active: true, promisc: true });
    expect(v.ansible_eth2).toEqual({ device: "eth2", macaddress: "9a:2f:7e:11:22:34", mtu: 1500, active: false, type: "ether", promisc: false });
    expect(v.ansible_interfaces).toEqual(["lo", "eth0", "eth0_1", "eth1", "eth2"]);
    expect(v.ansible_all_ipv4_addresses).toEqual(["203.0.113.10", "10.19.0.5", "203.0.113.99", "10.110.0.2"]);
    expect(v.ansible_all_ipv6_addresses).toEqual(["2001:db8::10", "fe80::c5b:1cff:fe9a:4001", "fe80::982f:7eff:fe11:2233"]);
  });

  it("keeps the TypeScript view for site code (h.facts)", () => {
    expect(f.hostname).toBe("web-1.example.com");
    expect(f.os).toEqual({ id: "debian", version_id: "12", codename: "bookworm", pretty_name: "Debian GNU/Linux 12 (bookworm)" });
    expect(f.default_ipv4).toEqual({ address: "203.0.113.10", interface: "eth0", gateway: "203.0.113.1" });
    expect(f.interfaces.map((i) => [i.name, i.up, i.mac])).toEqual([
      ["lo", true, "00:00:00:00:00:00"],
      ["eth0", true, "0e:5b:1c:9a:40:01"],
      ["eth1", true, "9a:2f:7e:11:22:33"],
      ["eth2", false, "9a:2f:7e:11:22:34"],
    ]);
    expect(f.interfaces[1]?.ipv4).toEqual([
      { address: "203.0.113.10", prefix: 20 },
      { address: "10.19.0.5", prefix: 16 },
      { address: "203.0.113.99", prefix: 20 },
    ]);
    expect(f.memtotal_mb).toBe(3931);
    expect(f.processor_count).toBe(2);
    expect(f.user_id).toBe("deploy");
  });
});

describe("parseFacts edge cases", () => {
  it("Ubuntu: distribution from os-release, family Debian, no Debian minor version", () => {
    const os = OS_RELEASE_BOOKWORM.replace(/Debian GNU\/Linux 12 \(bookworm\)/, "Ubuntu 24.04.1 LTS").replace('NAME="Debian GNU/Linux"', 'NAME="Ubuntu"').replace('VERSION_ID="12"', 'VERSION_ID="24.04"').replace("VERSION_CODENAME=bookworm", "VERSION_CODENAME=noble").replace("ID=debian", "ID=ubuntu\nID_LIKE=debian").replace(/debian\.org/g, "ubuntu.com");
    const v = factsAsVars(parseFacts(probe({ uname: "Linux u1 6.8.0 #1 x86_64\n", dist_files: "/etc/os-release\n", ...files({ "/etc/os-release": os, "/etc/debian_version": "trixie/sid\n" }) })));
    expect(v).toMatchObject({ ansible_distribution: "Ubuntu", ansible_distribution_version: "24.04", ansible_distribution_major_version: "24", ansible_distribution_release: "noble", ansible_os_family: "Debian", ansible_distribution_file_variety: "Debian" });
    expect("ansible_distribution_minor_version" in v).toBe(false);
  });

  it("a systemd-nspawn container as root: container first, then the nspawn technology", () => {
    const v = factsAsVars(parseFacts(probe(files({ "/proc/1/environ": environ({ container: "systemd-nspawn", TERM: "vt220" }), "/run/systemd/container": "systemd-nspawn\n" }))));
    expect(v).toMatchObject({ ansible_virtualization_type: "container", ansible_virtualization_role: "guest", ansible_virtualization_tech_guest: ["container", "systemd-nspawn"], ansible_virtualization_tech_host: [] });
  });

  it("no virtualization found: NA", () => {
    expect(factsAsVars(parseFacts(probe(files({ "/proc/1/cgroup": "0::/\n" }))))).toMatchObject({ ansible_virtualization_type: "NA", ansible_virtualization_role: "NA" });
  });

  it("is_chroot without access to PID 1's root: / is not the file system's root inode", () => {
    const chroot = (stat: string, fstype?: string) => parseFacts(probe({ chroot: stat, ...(fstype === undefined ? {} : { chroot_fstype: fstype }) })).ansible.facts.is_chroot;
    expect(chroot("debian_chroot=\n/ 223 1638427 4096 1 1\n", "overlayfs\n")).toBe(true);
    expect(chroot("debian_chroot=\n/ 66 256 4096 1 1\n", "btrfs\n")).toBe(false);
    expect(chroot("debian_chroot=\n/ 66 2 4096 1 1\n", "ext2/ext3\n")).toBe(false);
    expect(chroot("debian_chroot=\n/ 66 2 4096 1 1\n/proc/1/root/. 66 5 4096 1 1\n")).toBe(true);
    expect(chroot("debian_chroot=\n/ 66 2 4096 1 1\n/proc/1/root/. 66 2 4096 1 1\n/usr/bin/python3 66 9 6831736 1 1\n")).toBe(false);
    expect(chroot("debian_chroot=jail\n/ 1 2 4096 1 1\n/proc/1/root/. 1 2 4096 1 1\n")).toBe(true);
  });

  it("capsh as a user without capabilities: enforced, one empty entry", () => {
    const f = parseFacts(probe({ capsh: "Current: =\nBounding set =cap_chown\n", "rc:capsh": "0\n" })).ansible.facts;
    expect([f.system_capabilities, f.system_capabilities_enforced]).toEqual([[""], "True"]);
  });

  it("service_mgr: PID 1 named init or a shell falls back to what is installed", () => {
    const mgr = (s: Record<string, string>) => parseFacts(probe(s)).ansible.facts.service_mgr;
    expect(mgr({ proc1: "runit-init\n" })).toBe("runit");
    expect(mgr({ proc1: "bash\n", exists: "/run/systemd/system/\n", bins: "systemctl\n" })).toBe("systemd");
    expect(mgr({ proc1: "init\n", exists: "/etc/init.d/\n" })).toBe("sysvinit");
    expect(mgr({ proc1: "sh\n" })).toBe("service");
  });

  it("tolerates missing sections with empty values rather than failing", () => {
    const f = parseFacts(probe({ uname: "Linux solo 6.1 #1 x86_64\n" }));
    expect(f.hostname).toBe("solo");
    expect(f.ansible.facts.fqdn).toBe("solo");
    expect(f.os).toEqual({ id: "", version_id: "", codename: "", pretty_name: "" });
    expect(f.interfaces).toEqual([]);
    expect(f.ansible.facts.default_ipv4).toEqual({});
    expect(f.ansible.facts.memtotal_mb).toBe(0);
  });
});
