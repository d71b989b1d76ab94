import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type LabApi, ensureApi, stopApi } from "./api.js";
import { ensureAptProxy, stopAptProxy, warmAptProxy } from "./apt-proxy.js";
import { hostDebianSources } from "./apt-sources.js";
import { ensureBase } from "./base.js";
import { bridgeExists, ensureBridge, removeBridge } from "./bridge.js";
import {
  MARKER_ENV,
  boot,
  containerDirs,
  destroy,
  initPid,
  mountOverlay,
  nspawnPid,
  waitForSsh,
} from "./container.js";
import { LabError } from "./errors.js";
import { run } from "./exec.js";
import { writeHostFiles } from "./host-files.js";
import { ensureLabKey } from "./keys.js";
import { withLabLock } from "./lock.js";
import { readBanner } from "./net.js";
import { type LabPaths, labPaths, labStateName } from "./paths.js";
import { raiseInotifyLimits } from "./prereqs/inotify.js";
import { isRoot } from "./prereqs/system.js";
import { pidsWithEnv, signal, waitForExit } from "./processes.js";
import { stopFileServer } from "./site-artifacts.js";
import { DEFAULT_TOPOLOGY_FILE, type LabHost, type Topology, loadTopology } from "./topology.js";

export interface HostStatus {
  name: string;
  address: string;
  running: boolean;
  ssh: boolean;
}

export interface LabStatus {
  bridge: boolean;
  hosts: HostStatus[];
  /** Hosts that run but are not in the topology (left by another topology or a killed run). */
  strays: string[];
}

export type Log = (line: string) => void;

const SSH_BOOT_TIMEOUT_MS = 120_000;

function requireRoot(what: string): void {
  if (!isRoot()) throw new LabError(`lab ${what} needs root (mounts, a bridge, systemd-nspawn)`);
}

/**
 * The lab: real Debian 12 hosts (systemd-nspawn containers booted with systemd and sshd) on a
 * private bridge, standing in for droplets. Usable from tests (`await lab.up()`) and from the shell
 * (`npm run lab -- up|down|status|ssh NAME`). `up` converges: it creates what is missing, repairs
 * what is broken, and removes hosts that the topology no longer names.
 */
export class Lab {
  /** `paths` defaults to the topology's own lab (labStateName): one topology, one state directory. */
  constructor(
    readonly topology: Topology,
    readonly paths: LabPaths = labPaths(undefined, labStateName(topology.bridge)),
  ) {}

  static fromFile(file = DEFAULT_TOPOLOGY_FILE): Lab {
    return new Lab(loadTopology(file));
  }

  host(name: string): LabHost {
    const h = this.topology.hosts.find((x) => x.name === name);
    if (!h) throw new LabError(`no lab host named ${name}; hosts: ${this.topology.hosts.map((x) => x.name).join(", ")}`);
    return h;
  }

  get keyFile(): string {
    return this.paths.keyFile;
  }

  get knownHostsFile(): string {
    return this.paths.knownHostsFile;
  }

  async up(log: Log = () => undefined): Promise<void> {
    requireRoot("up");
    await withLabLock(this.paths.lockFile, "up", async () => {
      for (const line of raiseInotifyLimits(this.topology.hosts.length)) log(line);
      const sources = hostDebianSources();
      if (sources.length === 0) throw new LabError("this machine's apt sources name no Debian 12 archive");
      mkdirSync(this.paths.hostsDir, { recursive: true });
      await ensureBridge(this.topology);
      const proxy = await ensureAptProxy(this.paths, this.topology.gatewayPrivate);
      log(`apt proxy ${proxy}`);
      await warmAptProxy(proxy, sources);
      const started = Date.now();
      const base = await ensureBase(this.paths.cacheDir, sources, proxy);
      if (Date.now() - started > 1000) log(`built base image ${base}`);
      const labKey = await ensureLabKey(this.paths.keyFile);

      const wanted = new Set(this.topology.hosts.map((h) => h.name));
      for (const stray of this.hostDirs().filter((n) => !wanted.has(n))) {
        log(`removing ${stray} (not in the topology)`);
        await destroy(containerDirs(this.paths.hostsDir, stray));
      }

      const booting: LabHost[] = [];
      for (const h of this.topology.hosts) {
        const d = containerDirs(this.paths.hostsDir, h.name);
        const baseFile = join(d.dir, "base");
        const healthy =
          nspawnPid(d) !== undefined &&
          existsSync(baseFile) &&
          readFileSync(baseFile, "utf8") === base &&
          (await readBanner(h.privateIpv4, 22, 2000))?.startsWith("SSH-2.0-") === true;
        if (healthy) continue;
        await destroy(d);
        await mountOverlay(d, base);
        writeFileSync(baseFile, base);
        const keys = await writeHostFiles(d.merged, h, this.topology, labKey, proxy);
        writeFileSync(join(d.dir, "host_keys"), `${keys.join("\n")}\n`);
        boot(d, h.name, this.topology.bridge);
        booting.push(h);
      }
      if (booting.length > 0) log(`booting ${booting.map((h) => h.name).join(", ")}`);
      await Promise.all(booting.map((h) => waitForSsh(h.name, h.privateIpv4, SSH_BOOT_TIMEOUT_MS)));
      this.writeKnownHosts();
      if (this.topology.digitalocean) {
        this.apiInfo = await ensureApi(this.paths.stateDir, this.topology);
        log(`fake DigitalOcean API ${this.apiInfo.url}, metadata service ${this.topology.metadata.url}`);
      }
    });
  }

  private apiInfo: LabApi | undefined;

  /** The lab's fake DigitalOcean API (running since `up`): its URL and token. */
  get api(): LabApi {
    if (!this.apiInfo) throw new LabError("the lab's API is known after up()");
    return this.apiInfo;
  }

  async down(log: Log = () => undefined): Promise<void> {
    requireRoot("down");
    await withLabLock(this.paths.lockFile, "down", async () => {
      const names = this.hostDirs();
      if (names.length > 0) log(`stopping ${names.join(", ")}`);
      await Promise.all(names.map((n) => destroy(containerDirs(this.paths.hostsDir, n))));
      // Containers whose directory is already gone (a killed `down`) still carry the marker.
      const orphans = pidsWithEnv(MARKER_ENV, `${this.paths.hostsDir}/`, "prefix");
      for (const p of orphans) signal(p, "SIGKILL");
      await waitForExit(orphans, 10_000);
      await stopApi(this.paths.stateDir);
      await stopFileServer(this.paths.stateDir);
      await stopAptProxy(this.paths);
      await removeBridge(this.topology.bridge);
      rmSync(this.paths.stateDir, { recursive: true, force: true });
    });
  }

  async status(): Promise<LabStatus> {
    const hosts = await Promise.all(
      this.topology.hosts.map(async (h): Promise<HostStatus> => {
        const running = nspawnPid(containerDirs(this.paths.hostsDir, h.name)) !== undefined;
        const ssh = running && (await readBanner(h.privateIpv4, 22, 1000))?.startsWith("SSH-2.0-") === true;
        return { name: h.name, address: h.privateIpv4, running, ssh };
      }),
    );
    const wanted = new Set(this.topology.hosts.map((h) => h.name));
    return { bridge: await bridgeExists(this.topology.bridge), hosts, strays: this.hostDirs().filter((n) => !wanted.has(n)) };
  }

  /** Runs a command on the lab machine inside a host's network namespace (`ip addr`, `ip neigh`). */
  async inNetns(name: string, args: readonly string[]): Promise<string> {
    const pid = initPid(containerDirs(this.paths.hostsDir, this.host(name).name));
    if (pid === undefined) throw new LabError(`${name}: not running`);
    return (await run("nsenter", ["-t", String(pid), "-n", ...args])).stdout;
  }

  /**
   * Runs a command on the lab machine inside a host's mount namespace: a small tmpfs mounted
   * there is a full disk the host cannot grow (the host's own root may not mount).
   */
  async inMountNs(name: string, args: readonly string[]): Promise<string> {
    const pid = initPid(containerDirs(this.paths.hostsDir, this.host(name).name));
    if (pid === undefined) throw new LabError(`${name}: not running`);
    return (await run("nsenter", ["-t", String(pid), "-m", ...args])).stdout;
  }

  /**
   * Reserved-IP emulation: after this, traffic to `ip` (from the lab machine and from every lab
   * host) reaches `to` and no longer the host that held it; `to = null` unassigns it. The address
   * moves into the new holder's namespace and every neighbour cache forgets the old MAC, which is
   * what DigitalOcean's network does for a reserved IP's anchor.
   */
  async moveAddress(ip: string, to: string | null): Promise<void> {
    const running = this.topology.hosts.filter((h) => nspawnPid(containerDirs(this.paths.hostsDir, h.name)) !== undefined);
    for (const h of running) {
      if (h.name === to) continue;
      const addrs = await this.inNetns(h.name, ["ip", "-o", "-4", "addr", "show", "dev", "host0"]);
      if (addrs.includes(` ${ip}/32 `)) await this.inNetns(h.name, ["ip", "addr", "del", `${ip}/32`, "dev", "host0"]);
    }
    if (to !== null) {
      const addrs = await this.inNetns(to, ["ip", "-o", "-4", "addr", "show", "dev", "host0"]);
      if (!addrs.includes(` ${ip}/32 `)) await this.inNetns(to, ["ip", "addr", "add", `${ip}/32`, "dev", "host0"]);
    }
    await run("ip", ["neigh", "flush", "to", ip], { allowFailure: true });
    await Promise.all(running.map((h) => this.inNetns(h.name, ["ip", "neigh", "flush", "to", ip]).catch(() => "")));
  }

  /**
   * Pulls the plug on a host: its nspawn and every process in it are killed at once, as a droplet
   * that loses power; its file system stays mounted at rootOf(name) for inspection. The next
   * up() boots a fresh host in its place.
   */
  async powerOff(name: string): Promise<void> {
    const d = containerDirs(this.paths.hostsDir, this.host(name).name);
    const init = initPid(d);
    const nspawn = nspawnPid(d);
    for (const p of [init, nspawn]) if (p !== undefined) signal(p, "SIGKILL");
    await waitForExit([init, nspawn].filter((p): p is number => p !== undefined), 10_000);
  }

  /**
   * Powers a host back on after powerOff(), with its disk as it was (a droplet power cycle, not a
   * rebuild): the same overlay boots again and the call returns once sshd answers.
   */
  async powerOn(name: string): Promise<void> {
    const h = this.host(name);
    const d = containerDirs(this.paths.hostsDir, h.name);
    if (nspawnPid(d) !== undefined) return;
    if (!existsSync(d.merged)) throw new LabError(`${name}: no disk to boot (run up() to create the host)`);
    boot(d, h.name, this.topology.bridge);
    await waitForSsh(h.name, h.privateIpv4, SSH_BOOT_TIMEOUT_MS);
    // A reserved IP stays assigned to a droplet across a power cycle; the address emulating it
    // lived in the old network namespace, so put it back where the API says it belongs.
    if (this.topology.digitalocean) {
      this.apiInfo ??= await ensureApi(this.paths.stateDir, this.topology);
      for (const ip of await this.reservedIpsOf(h.dropletId)) await this.moveAddress(ip, h.name);
    }
  }

  /** The reserved IPs the lab's API has assigned to a droplet. */
  private async reservedIpsOf(dropletId: number): Promise<string[]> {
    const res = await fetch(`${this.api.url}/v2/reserved_ips?per_page=200`, { headers: { authorization: `Bearer ${this.api.token}` } });
    if (!res.ok) throw new LabError(`the lab's API answered ${res.status} to GET /v2/reserved_ips`);
    const body = (await res.json()) as { reserved_ips: { ip: string; droplet: { id: number } | null }[] };
    return body.reserved_ips.filter((r) => r.droplet?.id === dropletId).map((r) => r.ip);
  }

  /** Where a host's root file system is mounted on the lab machine. */
  rootOf(name: string): string {
    return containerDirs(this.paths.hostsDir, this.host(name).name).merged;
  }

  private hostDirs(): string[] {
    try {
      return readdirSync(this.paths.hostsDir).sort();
    } catch {
      return [];
    }
  }

  private writeKnownHosts(): void {
    const lines = this.topology.hosts.flatMap((h) => {
      const keys = readFileSync(join(containerDirs(this.paths.hostsDir, h.name).dir, "host_keys"), "utf8").trim().split("\n");
      return keys.map((k) => `${h.name},${h.privateIpv4},${h.publicIpv4} ${k}`);
    });
    writeFileSync(this.paths.knownHostsFile, `${lines.join("\n")}\n`);
  }
}
