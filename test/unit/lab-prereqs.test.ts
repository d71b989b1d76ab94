import { describe, expect, it } from "vitest";
import { rerunCommand } from "../lab/prereqs/ensure.js";
import { inotifyLimits } from "../lab/prereqs/inotify.js";
import { SUITE_PACKAGES, LAB_PACKAGES, aptInstallArgv, candidatesFrom, installedFrom } from "../lab/prereqs/packages.js";
import { containerProblems, effectiveCaps, fullUidMap, parseOsRelease, platformProblem } from "../lab/prereqs/system.js";

// The pure parts of the lab's set-up step; the step itself runs against real package databases
// and a real kernel in test/lab/prereqs.test.ts.

describe("the lab's set-up step: what it reads", () => {
  it("knows each package once, with why and the commands the lab runs from it", () => {
    const all = [...LAB_PACKAGES, ...SUITE_PACKAGES];
    expect(new Set(all.map((p) => p.name)).size).toBe(all.length);
    expect(all.map((p) => p.name)).toEqual([
      "systemd-container",
      "debootstrap",
      "apt-cacher-ng",
      "openssh-client",
      "iproute2",
      "util-linux",
      "ansible-core",
      "curl",
      "unzip",
      "procps",
      "chromium",
      "time",
    ]);
    for (const p of all) {
      expect(p.why.length, p.name).toBeGreaterThan(10);
      expect(p.commands.length, p.name).toBeGreaterThan(0);
    }
    expect(aptInstallArgv(["debootstrap", "ansible-core"])).toEqual(["apt-get", "install", "-y", "-q", "--no-install-recommends", "debootstrap", "ansible-core"]);
  });

  it("counts as installed only dpkg's 'install ok installed' (removed, half-configured and held-off are missing)", () => {
    const out = [
      "iproute2\tinstall ok installed",
      "openssh-client\tdeinstall ok config-files",
      "systemd-container\tinstall ok half-configured",
      "debootstrap\tunknown ok not-installed",
      "libc6:amd64\tinstall ok installed",
      "",
    ].join("\n");
    expect([...installedFrom(out)]).toEqual(["iproute2", "libc6"]);
  });

  it("reads apt-cache policy: a candidate version, none, or an unknown package", () => {
    const out = [
      "debootstrap:",
      "  Installed: (none)",
      "  Candidate: 1.0.128+nmu2+deb12u2",
      "  Version table:",
      "     1.0.128+nmu2+deb12u2 500",
      "        500 http://deb.debian.org/debian bookworm/main amd64 Packages",
      "apt-cacher-ng:",
      "  Installed: (none)",
      "  Candidate: (none)",
      "libc6:amd64:",
      "  Installed: 2.36-9",
      "  Candidate: 2.36-9",
      "",
    ].join("\n");
    expect([...candidatesFrom(out)].sort()).toEqual(["debootstrap", "libc6"]);
  });

  it("accepts Debian and its derivatives, and names any other system", () => {
    const all = () => true;
    expect(platformProblem("ID=debian\n", all, "darwin")).toBe("the lab needs Linux (systemd-nspawn); this is darwin");
    expect(platformProblem('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', all, "linux")).toBeUndefined();
    expect(platformProblem('PRETTY_NAME="Ubuntu 24.04 LTS"\nID=ubuntu\nID_LIKE=debian\n', all, "linux")).toBeUndefined();
    expect(platformProblem('PRETTY_NAME="Linux Mint 21"\nID=linuxmint\nID_LIKE="ubuntu debian"\n', all, "linux")).toBeUndefined();
    expect(platformProblem('NAME="Fedora Linux"\nID=fedora\nPRETTY_NAME="Fedora Linux 40"\n', all, "linux")).toBe(
      "the lab's set-up needs Debian or Ubuntu (apt, dpkg); this is Fedora Linux 40",
    );
    expect(platformProblem("", all, "linux")).toBe("the lab's set-up needs Debian or Ubuntu (apt, dpkg); this is an unknown Linux");
    expect(platformProblem('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n', (c) => c !== "apt-get", "linux")).toBe(
      "the lab's set-up needs apt and dpkg; apt-get not found on Debian GNU/Linux 12 (bookworm)",
    );
    expect(parseOsRelease("ID='alpine'\nVERSION_ID=3.20\n# comment\n").get("ID")).toBe("alpine");
  });

  it("tells a machine that can boot containers from an unprivileged container", () => {
    const mounts = "cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n";
    const full = "         0          0 4294967295\n";
    const allCaps = "CapEff:\t000001ffffffffff\n";
    expect(fullUidMap(full)).toBe(true);
    expect(fullUidMap("         0     100000      65536\n")).toBe(false);
    expect(effectiveCaps(allCaps) & (1n << 21n)).not.toBe(0n);
    expect(containerProblems({ status: allCaps, uidMap: full, mounts })).toEqual([]);
    // cgroup v1 with systemd's named hierarchy counts too.
    expect(containerProblems({ status: allCaps, uidMap: full, mounts: "cgroup /sys/fs/cgroup/systemd cgroup rw,name=systemd 0 0\n" })).toEqual([]);
    // Docker's default capability set: no CAP_SYS_ADMIN, no CAP_NET_ADMIN.
    expect(containerProblems({ status: "CapEff:\t00000000a80425fb\n", uidMap: full, mounts })).toEqual([
      "no CAP_SYS_ADMIN, CAP_NET_ADMIN (a container started without --privileged?)",
    ]);
    expect(containerProblems({ status: allCaps, uidMap: "0 100000 65536\n", mounts: "" })).toEqual([
      "this runs in a user namespace (an unprivileged container?): root here cannot boot containers",
      "no cgroup file system under /sys/fs/cgroup",
    ]);
  });

  it("sizes the inotify limits for the topology's host count, never below what two labs side by side need", () => {
    expect(inotifyLimits(1)).toEqual([
      { key: "max_user_instances", want: 8192 },
      { key: "max_user_watches", want: 524_288 },
    ]);
    expect(inotifyLimits(32)).toEqual(inotifyLimits(1));
    expect(inotifyLimits(100)).toEqual([
      { key: "max_user_instances", want: 25_600 },
      { key: "max_user_watches", want: 1_638_400 },
    ]);
  });

  it("names the command to run again as root: the npm script whose pre-script it is, else the lab command", () => {
    expect(rerunCommand({ npm_lifecycle_event: "pretest" }, ["prereqs", "--ansible"])).toBe("npm test");
    expect(rerunCommand({ npm_lifecycle_event: "pretest:e2e" }, ["prereqs"])).toBe("npm run test:e2e");
    expect(rerunCommand({ npm_lifecycle_event: "predemo" }, ["prereqs"])).toBe("npm run demo");
    expect(rerunCommand({ npm_lifecycle_event: "prebench" }, ["-t", "test/bench/topology.yml", "prereqs", "--ansible"])).toBe("npm run bench");
    expect(rerunCommand({ npm_lifecycle_event: "lab" }, ["-t", "my.yml", "up"])).toBe("npm run lab -- -t my.yml up");
    expect(rerunCommand({}, ["up"])).toBe("npm run lab -- up");
  });
});
