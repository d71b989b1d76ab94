import { describe, expect, it } from "vitest";
import { parseFacts } from "../../../src/facts/gather.js";
import { cpuList } from "../../../src/facts/parse/hardware.js";
import { addressListings } from "../../../src/facts/parse/network.js";
import { pythonProbe } from "../../../src/facts/parse/system.js";
import { Sections, splitHeaded } from "../../../src/facts/sections.js";
import { files, probe } from "./facts-samples.js";

// The shapes the facts script prints to spare programs (src/facts/probe-script.ts): every file
// in one head, every device's addresses in one listing, the dates in one date, python3 only
// when its binary changed.

describe("the files the script read in one head", () => {
  it("splits head -v's output back into files, byte for byte", () => {
    const out = "==> /a <==\nline\n\n==> /empty <==\n\n==> /no-newline <==\nx\n==> /b <==\nb1\nb2\n";
    expect(splitHeaded(out, ["/a", "/missing", "/empty", "/no-newline", "/b"])).toEqual([
      ["/a", "line\n"],
      ["/empty", ""],
      ["/no-newline", "x"],
      ["/b", "b1\nb2\n"],
    ]);
  });

  it("a line in a file that looks like a header is content unless it names a later file asked for", () => {
    const out = "==> /a <==\n==> /etc/other <==\n==> /a <==\nend\n==> /b <==\nb\n";
    expect(splitHeaded(out, ["/a", "/b"])).toEqual([
      ["/a", "==> /etc/other <==\n==> /a <==\nend"],
      ["/b", "b\n"],
    ]);
  });

  it("Sections keys each file by its path; a file not read has no section", () => {
    const s = new Sections(probe({ uname: "Linux h 6.1 #1 x86_64\n", ...files({ "/etc/hostname": "h\n", "/proc/loadavg": "0.1 0.2 0.3 1/2 3\n" }) }));
    expect(s.files).toEqual(["/etc/hostname", "/proc/loadavg"]);
    expect(s.content("/etc/hostname")).toBe("h");
    expect(s.has("/etc/machine-id")).toBe(false);
    expect(s.content("uname")).toBe("Linux h 6.1 #1 x86_64");
  });
});

describe("one address listing for every device", () => {
  const listing = [
    "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000",
    "    link/ether 0e:5b:1c:9a:40:01 brd ff:ff:ff:ff:ff:ff",
    "    inet 203.0.113.10/20 brd 203.0.127.255 scope global eth0",
    "       valid_lft forever preferred_lft forever",
    "    inet 203.0.113.99/20 brd 203.0.127.255 scope global secondary eth0:1",
    "       valid_lft forever preferred_lft forever",
    "    inet6 2001:db8::5:1/64 scope global temporary dynamic ",
    "       valid_lft 600sec preferred_lft 300sec",
    "    inet6 2001:db8::10/64 scope global dynamic mngtmpaddr ",
    "       valid_lft 600sec preferred_lft 300sec",
    "3: eth0.100@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000",
    "    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0.100",
    "       valid_lft forever preferred_lft forever",
    "",
  ].join("\n");

  it("splits it as ip addr show primary|secondary dev D would: secondary IPv4 and temporary IPv6 apart, a device by its longest name", () => {
    const l = addressListings(listing, ["eth0", "eth0.100"]);
    expect(l.get("eth0")?.primary.filter((x) => x.trim().startsWith("inet"))).toEqual([
      "    inet 203.0.113.10/20 brd 203.0.127.255 scope global eth0",
      "    inet6 2001:db8::10/64 scope global dynamic mngtmpaddr ",
    ]);
    expect(l.get("eth0")?.secondary.filter((x) => x.trim().startsWith("inet"))).toEqual([
      "    inet 203.0.113.99/20 brd 203.0.127.255 scope global secondary eth0:1",
      "    inet6 2001:db8::5:1/64 scope global temporary dynamic ",
    ]);
    expect(l.get("eth0.100")?.primary.filter((x) => x.trim().startsWith("inet"))).toEqual(["    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0.100"]);
  });

  it("a device named secondary keeps its primary address primary: IPv4 flags stand before the label", () => {
    const l = addressListings("4: secondary: <UP> mtu 1500\n    inet 10.1.0.2/24 scope global secondary\n", ["secondary"]);
    expect(l.get("secondary")?.primary).toContain("    inet 10.1.0.2/24 scope global secondary");
  });

  it("the facts list the temporary IPv6 address after the others, as Ansible's second listing adds it", () => {
    const f = parseFacts(probe({ net_devices: "eth0\n", "net_is eth0": "address\n", ip_addr: listing, "rc:ip_addr": "0\n" })).ansible.interfaces.eth0;
    expect(f?.ipv6?.map((a) => a.address)).toEqual(["2001:db8::10", "2001:db8::5:1"]);
    expect(f?.ipv4?.address).toBe("203.0.113.10");
  });
});

describe("processor_nproc: the CPUs the shell may run on that are online", () => {
  it("reads kernel CPU lists", () => {
    expect([...(cpuList("0-3,6,8-9") ?? [])]).toEqual([0, 1, 2, 3, 6, 8, 9]);
    expect(cpuList("0-x")).toBeUndefined();
  });

  it("counts the allowed CPUs that are online", () => {
    const nproc = (status: string, online?: string) =>
      parseFacts(probe(files({ "/proc/self/status": status, ...(online === undefined ? {} : { "/sys/devices/system/cpu/online": online }) }))).ansible.facts.processor_nproc;
    expect(nproc("Cpus_allowed_list:\t0-3\n", "0-3\n")).toBe(4);
    expect(nproc("Cpus_allowed_list:\t0-3\n", "0-1\n")).toBe(2);
    expect(nproc("Cpus_allowed_list:\t2\n")).toBe(1);
  });
});

describe("date_time from one date program", () => {
  it("takes UTC from the epoch and the DST name from the season whose offset is larger", () => {
    const d = parseFacts(
      probe({ date: "2025|03|Tuesday|2|10|11|10|05|07|1741683907|000005000|CET|+0100\n2025|01|Wednesday|3|00|01|12|00|00|1735729200|000000000|CET|+0100\n2025|07|Tuesday|2|26|01|12|00|00|1751364000|000000000|CEST|+0200\n" }),
    ).ansible.facts.date_time;
    expect(d).toMatchObject({ iso8601: "2025-03-11T09:05:07Z", iso8601_micro: "2025-03-11T09:05:07.000005Z", hour: "10", tz: "CET", tz_dst: "CEST", tz_offset: "+0100" });
  });
});

describe("python facts from the report of an unchanged python3", () => {
  const report = '{"version_info": [3, 11, 2, "final", 0], "executable": "/usr/bin/python3", "has_sslcontext": true, "type": "cpython"}';
  const chroot = "debian_chroot=\n/ 66 2 4096 1 1\n/proc/1/root/. 66 2 4096 1 1\n/usr/bin/python3 66 1509210 6809944 1791376507 1796671365\n";

  it("takes the known report when the binary's stamp is the one it came from", () => {
    const s = new Sections(probe({ chroot }));
    const known = { stamp: "66 1509210 6809944 1791376507 1796671365", probe: report };
    expect(pythonProbe(s, known)).toEqual(known);
    expect(parseFacts(probe({ chroot }), known).ansible.facts.python_version).toBe("3.11.2");
  });

  it("a changed binary: the known report is not taken (the script ran python3 and its report stands)", () => {
    const stale = { stamp: "66 1509210 6809944 1791376507 1700000000", probe: report.replace("2, ", "1, ") };
    expect(pythonProbe(new Sections(probe({ chroot })), stale)).toBeUndefined();
    expect(pythonProbe(new Sections(probe({ chroot, python: `${report}\n` })), stale)).toEqual({ stamp: "66 1509210 6809944 1791376507 1796671365", probe: report });
  });

  it("no python3 on the host: no python facts, whatever is known", () => {
    const s = new Sections(probe({ chroot: "debian_chroot=\n/ 66 2 4096 1 1\n" }));
    expect(pythonProbe(s, { stamp: "1 2 3 4 5", probe: report })).toBeUndefined();
  });
});
