import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostDebianSources } from "./apt-sources.js";
import { labSkipReason } from "./availability.js";
import { baseDirName } from "./base.js";
import { AS_NOBODY, CLI_TOPOLOGY, labCli, stackFrames, stderrLines } from "./fixtures/run-cli.js";
import { Lab } from "./lab.js";
import { labPaths } from "./paths.js";
import { run } from "./exec.js";
import { SUITE_PACKAGES, LAB_PACKAGES, candidatesFrom } from "./prereqs/packages.js";

// The lab's set-up step (`npm run lab -- prereqs`, npm's pre-scripts) against a package database
// that is not this machine's: the dpkg database of the lab's debootstrapped base image, a fresh
// Debian 12 without the lab's packages. dpkg-query reads DPKG_ADMINDIR and apt reads APT_CONFIG
// (set here to simulate against that database), so the step runs unchanged, and whether this
// machine has the packages does not matter.

const skip = labSkipReason();
const WANTED = [...LAB_PACKAGES, ...SUITE_PACKAGES].map((p) => p.name);

/** Installed packages of a dpkg status file, read here without dpkg: stanzas with "install ok installed". */
function installedIn(statusFile: string): Set<string> {
  const out = new Set<string>();
  for (const stanza of readFileSync(statusFile, "utf8").split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(stanza)?.[1];
    if (name && /^Status: install ok installed$/m.test(stanza)) out.add(name);
  }
  return out;
}

/** The names in the step's "lab: installing a (why), b (why)" line. */
function namesInInstallingLine(text: string): string[] {
  const line = text.split("\n").find((l) => l.startsWith("lab: installing "));
  return line ? [...line.slice("lab: installing ".length).matchAll(/(?:^|, )([a-z0-9.+-]+) \(/g)].map((m) => m[1] ?? "") : [];
}

describe.skipIf(skip !== undefined)("the lab's set-up step, against a fresh Debian's package database", () => {
  const tmp = mkdtempSync(join(tmpdir(), "dcv-prereqs-"));
  const admindir = join(tmp, "dpkg");
  const status = join(admindir, "status");
  const simulate = join(tmp, "apt-simulate.conf");
  let missing: string[];

  beforeAll(async () => {
    const base = join(labPaths().cacheDir, baseDirName(hostDebianSources()));
    if (!existsSync(join(base, "etc/do-converge-lab-base"))) {
      // The base image is built by the first up() of any lab: this one's is the smallest.
      const lab = Lab.fromFile(CLI_TOPOLOGY);
      await lab.up();
      await lab.down();
    }
    cpSync(join(base, "var/lib/dpkg"), admindir, { recursive: true });
    // iproute2 is in the base (and nothing there depends on it): marked removed with its
    // configuration left, it is missing though dpkg still lists it.
    const text = readFileSync(status, "utf8");
    const marked = text.replace(/(^Package: iproute2\n(?:.+\n)*?)Status: install ok installed$/m, "$1Status: deinstall ok config-files");
    expect(marked, "the base image's dpkg status lists iproute2 as installed").not.toBe(text);
    writeFileSync(status, marked);
    // apt simulates against that database, with copies of this machine's package lists and a
    // cache of its own: an apt-get update, should the step run one, touches only the copies.
    cpSync("/var/lib/apt/lists", join(tmp, "lists"), { recursive: true });
    writeFileSync(
      simulate,
      [
        'APT::Get::Simulate "true";',
        `Dir::State::status "${status}";`,
        `Dir::State::Lists "${join(tmp, "lists")}";`,
        `Dir::Cache "${join(tmp, "cache")}";`,
        "",
      ].join("\n"),
    );
    chmodSync(tmp, 0o755); // nobody reads the database too

    const installed = installedIn(status);
    missing = WANTED.filter((p) => !installed.has(p));
    expect(missing).toContain("iproute2");
    expect(missing).toContain("systemd-container");
    expect(missing).not.toContain("util-linux");
  });

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("--check names exactly the missing packages and the apt-get line that installs them", async () => {
    const r = await labCli(["-t", CLI_TOPOLOGY, "prereqs", "--ansible", "--check"], { env: { DPKG_ADMINDIR: admindir } });
    expect(r.code).toBe(1);
    expect(stderrLines(r)).toEqual([
      `lab: error: missing Debian packages: ${missing.join(", ")}; as root, apt-get install -y -q --no-install-recommends ${missing.join(" ")} installs them`,
    ]);
  });

  it("as root it says what it installs and why, and apt-get (simulated) installs exactly those", async () => {
    const r = await labCli(["-t", CLI_TOPOLOGY, "prereqs", "--ansible"], { env: { DPKG_ADMINDIR: admindir, APT_CONFIG: simulate } });
    const out = `${r.stdout}${r.stderr}`;
    expect(namesInInstallingLine(out), out).toEqual(missing);
    for (const p of LAB_PACKAGES.filter((x) => missing.includes(x.name))) expect(out).toContain(`${p.name} (${p.why})`);
    // apt's own account of the command line the step ran: every missing package, none of the rest.
    const inst = [...out.matchAll(/^Inst (\S+) /gm)].map((m) => m[1] ?? "");
    expect(inst.filter((p) => WANTED.includes(p)).sort()).toEqual([...missing].sort());
    // The package lists are fetched only when they know no version of a missing package.
    const known = candidatesFrom((await run("apt-cache", ["policy", ...missing], { env: { ...process.env, APT_CONFIG: simulate, LANG: "C" } })).stdout);
    const unknown = missing.filter((p) => !known.has(p));
    const updates = out.split("\n").filter((l) => l.startsWith("lab: apt-get update: "));
    expect(updates).toEqual(unknown.length > 0 ? [`lab: apt-get update: apt knows no version of ${unknown.join(", ")} yet`] : []);
    // A simulation installs nothing, and the step checks what dpkg has afterwards.
    expect(r.code).toBe(1);
    expect(stderrLines(r).at(-1)).toBe(`lab: error: apt-get install finished but dpkg has not installed ${missing.join(", ")}`);
    expect(stackFrames(out)).toEqual([]);
  });

  it("run by a user other than root, it refuses in one line naming the missing packages and the command to run", async () => {
    const r = await labCli(["-t", CLI_TOPOLOGY, "prereqs", "--ansible"], {
      prefix: AS_NOBODY,
      env: { DPKG_ADMINDIR: admindir, APT_CONFIG: simulate, npm_lifecycle_event: "pretest" },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(stderrLines(r)).toEqual([
      `lab: error: the lab needs root (mounts, a bridge, systemd-nspawn) and the Debian packages ${missing.join(", ")}: run it as root: sudo npm test`,
    ]);
  });

  it("where systemd-nspawn cannot run (no CAP_SYS_ADMIN, a user namespace), it installs nothing and says why in one line", async () => {
    const env = { DPKG_ADMINDIR: admindir, APT_CONFIG: simulate };
    const noCap = await labCli(["-t", CLI_TOPOLOGY, "prereqs", "--ansible"], { prefix: ["setpriv", "--bounding-set=-sys_admin"], env });
    const userns = await labCli(["-t", CLI_TOPOLOGY, "prereqs", "--ansible"], { prefix: ["unshare", "--user", "--map-root-user"], env });
    expect(noCap.code).toBe(1);
    expect(stderrLines(noCap)).toEqual([
      `lab: error: the lab cannot run on this machine: no CAP_SYS_ADMIN (a container started without --privileged?); run it on a machine or VM of its own, or in a container started with --privileged; nothing was installed (missing too: ${missing.join(", ")})`,
    ]);
    expect(userns.code).toBe(1);
    expect(stderrLines(userns)).toHaveLength(1);
    expect(userns.stderr).toMatch(/^lab: error: the lab cannot run on this machine: this runs in a user namespace \(an unprivileged container\?\)/);
    for (const r of [noCap, userns]) {
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toContain("installing");
    }
  });

  it("on a machine that is not Debian or Ubuntu, it says so in one line and installs nothing", async () => {
    const osRelease = join(tmp, "os-release");
    writeFileSync(osRelease, 'NAME="Fedora Linux"\nID=fedora\nPRETTY_NAME="Fedora Linux 40"\n');
    // /etc/os-release replaced in a mount namespace of this command only.
    const r = await labCli(["-t", CLI_TOPOLOGY, "prereqs"], {
      prefix: ["unshare", "--mount", "sh", "-c", `mount --bind ${osRelease} /etc/os-release && exec "$@"`, "sh"],
      env: { DPKG_ADMINDIR: admindir, APT_CONFIG: simulate },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(stderrLines(r)).toEqual([
      "lab: error: the lab's set-up needs Debian or Ubuntu (apt, dpkg); this is Fedora Linux 40: nothing was installed (npm run test:unit runs the unit tests, which need no lab)",
    ]);
  });

  /** The same database with every wanted package recorded as installed. */
  function fullDatabase(): string {
    const full = join(tmp, "dpkg-full");
    if (existsSync(full)) return full;
    cpSync(admindir, full, { recursive: true });
    const text = readFileSync(join(full, "status"), "utf8").replace(/^Status: deinstall ok config-files$/gm, "Status: install ok installed");
    const added = missing
      .filter((p) => !new RegExp(`^Package: ${p}$`, "m").test(text))
      .map((p) => `Package: ${p}\nStatus: install ok installed\nPriority: optional\nSection: admin\nMaintainer: test\nArchitecture: all\nVersion: 1\nDescription: test\n`);
    writeFileSync(join(full, "status"), `${text.trimEnd()}\n\n${added.join("\n")}`);
    return full;
  }

  it("with every package installed it runs no apt command and prints nothing", async () => {
    const full = fullDatabase();
    // An apt that cannot read its status file fails loudly if the step ran it.
    const broken = join(tmp, "apt-broken.conf");
    writeFileSync(broken, 'Dir::State::status "/nonexistent/status";\n');
    const r = await labCli(["-t", CLI_TOPOLOGY, "prereqs", "--ansible"], { env: { DPKG_ADMINDIR: full, APT_CONFIG: broken } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    expect(stderrLines(r).filter((l) => !l.startsWith("lab: raised fs.inotify."))).toEqual([]);
  });

  // A topology just past what this machine's limit holds (256 instances a host above the floor);
  // a topology has at most 240 hosts (octets 10-249), so a machine set higher cannot be shown one.
  const INSTANCES = "/proc/sys/fs/inotify/max_user_instances";
  const have = existsSync(INSTANCES) ? Number(readFileSync(INSTANCES, "utf8")) : 0;
  const hosts = Math.max(33, Math.floor(have / 256) + 1);
  it.skipIf(hosts > 240)("--check sizes the inotify limits for the topology: too low for its hosts, it names the sysctl to run", async () => {
    const want = hosts * 256;
    const topology = join(tmp, "big-topology.yml");
    const lines = Array.from({ length: hosts }, (_, i) => `  - { name: big${i + 1}, octet: ${i + 10} }`);
    writeFileSync(topology, `bridge: dcbig0\nprivateNet: "10.83.0"\npublicNet: "10.84.0"\ndigitalocean: false\nhosts:\n${lines.join("\n")}\n`);
    const r = await labCli(["-t", topology, "prereqs", "--check"], { env: { DPKG_ADMINDIR: fullDatabase() } });
    expect(r.code).toBe(1);
    expect(stderrLines(r)).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^lab: error: inotify limits too low for ${hosts} lab hosts \\(max_user_instances ${have} < ${want}.*\\): sysctl -w fs\\.inotify\\.max_user_instances=${want}`));
    expect(Number(readFileSync(INSTANCES, "utf8"))).toBe(have);
  });
});
