import { spawn } from "node:child_process";
import { mkdirSync, openSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import type { AptSource } from "./apt-sources.js";
import { LabError } from "./errors.js";
import { run } from "./exec.js";
import { portOpen, waitUntil } from "./net.js";
import { cmdline, isAlive, readPid, terminate } from "./processes.js";

// Not 3142: a system apt-cacher-ng started by its package would hold that port on every address.
export const APT_PROXY_PORT = 3149;

export interface AptProxyPaths {
  stateDir: string;
  aptCacheDir: string;
}

function pidFile(p: AptProxyPaths): string {
  return join(p.stateDir, "apt-cacher-ng.pid");
}

/** The recorded pid, if it is still our apt-cacher-ng (a stale file may name a reused pid). */
function runningPid(p: AptProxyPaths): number | undefined {
  const pid = readPid(pidFile(p));
  return pid !== undefined && isAlive(pid) && (cmdline(pid)[0] ?? "").endsWith("apt-cacher-ng") ? pid : undefined;
}

/** An upstream proxy the lab machine's own apt uses, if any: apt-cacher-ng must go through it too. */
async function hostAptProxy(): Promise<string | undefined> {
  const { stdout } = await run("apt-config", ["dump", "Acquire::http::Proxy"], { allowFailure: true });
  const m = /^Acquire::http::Proxy "([^"]+)";/m.exec(stdout);
  return m?.[1] && m[1] !== "DIRECT" ? m[1] : undefined;
}

/**
 * apt-cacher-ng for the lab, listening only on the bridge address. It runs as a forward proxy:
 * lab hosts keep the lab machine's own archive URLs (see apt-sources.ts) and set it as their apt
 * proxy, so its "backend" is whatever mirror this machine uses, decided at run time. Its cache
 * survives `down`, so a second `up` installs packages without the network.
 */
export async function ensureAptProxy(p: AptProxyPaths, bindAddress: string): Promise<string> {
  const url = `http://${bindAddress}:${APT_PROXY_PORT}`;
  if (runningPid(p) !== undefined && (await portOpen(bindAddress, APT_PROXY_PORT))) return url;
  await stopAptProxy(p);

  const confDir = join(p.stateDir, "apt-cacher-ng");
  const logDir = join(confDir, "log");
  mkdirSync(logDir, { recursive: true });
  mkdirSync(p.aptCacheDir, { recursive: true });
  const upstream = await hostAptProxy();
  const conf = [
    `CacheDir: ${p.aptCacheDir}`,
    `LogDir: ${logDir}`,
    "SupportDir: /usr/lib/apt-cacher-ng",
    `Port: ${APT_PROXY_PORT}`,
    `BindAddress: ${bindAddress}`,
    "ForeGround: 1",
    "ExThreshold: 4",
    "ReportPage: acng-report.html",
    // Index files change under a fixed URL, so apt-cacher-ng refreshes them after this many
    // seconds. Its refresh races when several clients ask at once (seen: 8 hosts' apt-get update
    // hung for good on "Failure to move file ... out of the way"): up() refreshes them alone
    // first (warmAptProxy), and lab hosts accept a cached index (host-files.ts, Max-Age).
    "FreshIndexMaxAge: 86400",
    ...(upstream ? [`Proxy: ${upstream}`] : []),
  ];
  writeFileSync(join(confDir, "acng.conf"), `${conf.join("\n")}\n`);
  const out = openSync(join(logDir, "console.log"), "a");
  const child = spawn("apt-cacher-ng", ["-c", confDir], { detached: true, stdio: ["ignore", out, out] });
  child.on("error", () => undefined); // reported below as "did not start"
  child.unref();
  if (child.pid === undefined) throw new LabError("apt-cacher-ng did not start: is the apt-cacher-ng package installed?");
  writeFileSync(pidFile(p), `${child.pid}\n`);
  if (!(await waitUntil(() => portOpen(bindAddress, APT_PROXY_PORT), 15_000))) {
    throw new LabError(`apt-cacher-ng did not listen on ${bindAddress}:${APT_PROXY_PORT}; see ${logDir}`);
  }
  return url;
}

/** GET through the proxy (a forward proxy: absolute URL in the request line); resolves on any answer. */
function fetchThrough(proxy: URL, url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: proxy.hostname, port: proxy.port, path: url, method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new LabError(`${url} through ${proxy.host}: no answer within ${timeoutMs / 1000} s`)));
    req.on("error", reject);
    req.end();
  });
}

/**
 * Refreshes every suite's InRelease in the proxy, one request at a time, so that hosts booted
 * together and running `apt-get update` together find fresh index files instead of racing
 * apt-cacher-ng's refresh of them. A failure here is reported by the hosts' own apt later.
 */
export async function warmAptProxy(proxyUrl: string, sources: readonly AptSource[]): Promise<void> {
  const proxy = new URL(proxyUrl);
  for (const s of sources) {
    for (const suite of s.suites) {
      await fetchThrough(proxy, `${s.uri.replace(/\/+$/, "")}/dists/${suite}/InRelease`, 60_000).catch(() => 0);
    }
  }
}

export async function stopAptProxy(p: AptProxyPaths): Promise<void> {
  const pid = runningPid(p);
  if (pid !== undefined) await terminate(pid);
}
