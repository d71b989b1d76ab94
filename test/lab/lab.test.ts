import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "./availability.js";
import { DEPLOY_USER } from "./base.js";
import { MARKER_ENV, containerDirs, nspawnPid } from "./container.js";
import { run } from "./exec.js";
import { Lab } from "./lab.js";
import { mountsUnder } from "./mounts.js";
import { pidsWithEnv } from "./processes.js";
import { type LabSsh, knownKeys, labSsh } from "./ssh.js";

const skip = labSkipReason();

describe.skipIf(skip !== undefined)("the lab: real Debian hosts over SSH", () => {
  const lab = Lab.fromFile();
  const sessions = new Map<string, LabSsh>();

  async function session(name: string): Promise<LabSsh> {
    const existing = sessions.get(name);
    if (existing) return existing;
    const h = lab.host(name);
    const s = await labSsh({
      host: h.privateIpv4,
      user: DEPLOY_USER,
      keyFile: lab.keyFile,
      acceptKeys: knownKeys(lab.knownHostsFile, name),
    });
    sessions.set(name, s);
    return s;
  }

  function closeAll(): void {
    for (const s of sessions.values()) s.close();
    sessions.clear();
  }

  beforeAll(async () => {
    await lab.up();
  });

  afterAll(() => closeAll());

  it("every host answers SSH as deploy with its own name, addresses and host key", async () => {
    const seen = new Map<string, string>();
    for (const h of lab.topology.hosts) {
      const s = await session(h.name);
      const out = await s.exec("hostname; id -un; ip -o -4 addr show dev host0; systemctl is-system-running");
      const [hostname, user, ...rest] = out.stdout.trim().split("\n");
      expect(hostname).toBe(h.name);
      expect(user).toBe(DEPLOY_USER);
      const addrs = rest.join("\n");
      expect(addrs).toContain(`inet ${h.privateIpv4}/24`);
      expect(addrs).toContain(`inet ${h.publicIpv4}/24`);
      expect(rest.at(-1)).toMatch(/^(running|degraded)$/);
      expect(seen.has(s.hostKey), `${h.name} shares its host key with ${seen.get(s.hostKey)}`).toBe(false);
      seen.set(s.hostKey, h.name);
    }
    expect(seen.size).toBe(lab.topology.hosts.length);
  });

  it("refuses a host whose key is not the one recorded for it", async () => {
    const [a, b] = lab.topology.hosts;
    if (!a || !b) throw new Error("topology needs two hosts");
    // b's key offered for a's address: strict verification must refuse the connection.
    await expect(
      labSsh({ host: a.privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, b.name) }),
    ).rejects.toThrow(/ssh deploy@/);
  });

  it("deploy becomes root with passwordless sudo, and no host has Python", async () => {
    const s = await session("db1");
    const out = await s.exec("sudo -n id -u && sudo -n cat /etc/sudoers.d/90-deploy; command -v python3 || echo no-python");
    expect(out.code).toBe(0);
    expect(out.stdout).toBe("0\ndeploy ALL=(ALL) NOPASSWD:ALL\nno-python\n");
  });

  it("installs a package through the lab's apt proxy", async () => {
    const s = await session("spare1");
    const pkg = "libpopt0"; // small, not in the base image
    const install = await s.exec(
      `sudo -n apt-get -q purge -y ${pkg} >/dev/null 2>&1; sudo -n apt-get -q update >/dev/null && sudo -n DEBIAN_FRONTEND=noninteractive apt-get -q install -y ${pkg} 2>&1; dpkg-query -W -f='\${Status}' ${pkg}`,
    );
    expect(install.stdout, `${install.stdout}\n${install.stderr}`).toMatch(/install ok installed$/);
    const proxyConf = await s.exec("apt-config dump Acquire::http::Proxy");
    expect(proxyConf.stdout).toContain(`http://${lab.topology.gatewayPrivate}:`);
    // The proxy's own log proves the download went through it, not around it.
    const acngLog = readFileSync(join(lab.paths.stateDir, "apt-cacher-ng/log/apt-cacher.log"), "utf8");
    expect(acngLog).toMatch(new RegExp(`${pkg}_[^|]*\\.deb`));
  });

  it("moves a reserved IP between hosts: traffic follows the assignment", async () => {
    const reserved = lab.topology.reservedIps[0]?.ip;
    if (!reserved) throw new Error("the default topology declares a reserved IP");
    // Whoever answers on the reserved IP must present the holder's host key, and only that one.
    const answersAs = async (holder: string, other: string) => {
      const viaReserved = (name: string) =>
        labSsh({ host: reserved, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, name) });
      (await viaReserved(holder)).close();
      await expect(viaReserved(other)).rejects.toThrow(/ssh deploy@/);
    };
    await lab.moveAddress(reserved, "lb1");
    await answersAs("lb1", "lb2");
    await lab.moveAddress(reserved, "lb2");
    await answersAs("lb2", "lb1");
    // Seen from another lab host too, not only from the lab machine.
    const web = await session("web1");
    const scan = await web.exec(`ssh-keyscan -t ed25519 ${reserved} 2>/dev/null`);
    const lb2Key = readFileSync(join(containerDirs(lab.paths.hostsDir, "lb2").dir, "host_keys"), "utf8");
    expect(lb2Key).toContain(scan.stdout.trim().split(/\s+/).slice(1).join(" "));
    expect(await lab.inNetns("lb1", ["ip", "-o", "-4", "addr"])).not.toContain(`${reserved}/32`);
    await lab.moveAddress(reserved, null);
    expect(await lab.inNetns("lb2", ["ip", "-o", "-4", "addr"])).not.toContain(`${reserved}/32`);
  });

  it("repairs a host whose systemd-nspawn was killed, leaving no orphan behind", async () => {
    const d = containerDirs(lab.paths.hostsDir, "web2");
    const pid = nspawnPid(d);
    expect(pid).toBeDefined();
    process.kill(pid ?? 0, "SIGKILL");
    closeAll();
    expect((await lab.status()).hosts.find((h) => h.name === "web2")?.running).toBe(false);
    await lab.up();
    expect((await lab.status()).hosts.every((h) => h.ssh)).toBe(true);
    const s = await session("web2");
    expect((await s.exec("hostname")).stdout.trim()).toBe("web2");
  });

  it("down leaves no container, process, mount or bridge; up brings it all back", async () => {
    closeAll();
    await lab.down();
    expect(pidsWithEnv(MARKER_ENV, `${lab.paths.hostsDir}/`, "prefix")).toEqual([]);
    expect(mountsUnder(lab.paths.stateDir)).toEqual([]);
    expect(existsSync(lab.paths.stateDir)).toBe(false);
    // Only this lab's traces count: another lab (the benchmark's) may be running beside it.
    const links = (await run("ip", ["-o", "link"])).stdout;
    expect(links).not.toContain(`${lab.topology.bridge}:`);
    for (const h of lab.topology.hosts) expect(links).not.toContain(`vb-${h.name}@`);
    const procs = (await run("ps", ["-eo", "args"])).stdout;
    expect(procs).not.toContain(lab.paths.stateDir);
    const status = await lab.status();
    expect(status.bridge).toBe(false);
    expect(status.hosts.some((h) => h.running)).toBe(false);

    await lab.up();
    expect((await lab.status()).hosts.every((h) => h.ssh)).toBe(true);
  });
});
