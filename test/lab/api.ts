import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "./errors.js";
import { portOpen, waitUntil } from "./net.js";
import { cmdline, isAlive, readPid, terminate } from "./processes.js";
import type { Topology } from "./topology.js";

/** Port of the lab's fake DigitalOcean API on the bridge's private address. */
export const API_PORT = 8089;

export function apiStateFiles(stateDir: string) {
  const dir = join(stateDir, "fake-do");
  return { dir, pid: join(dir, "pid"), token: join(dir, "token"), topology: join(dir, "topology.json"), log: join(dir, "log") };
}

export interface LabApi {
  /** Base URL, e.g. http://10.77.0.1:8089: pass it as DIGITALOCEAN_API_URL. */
  url: string;
  /** The bearer token the fake accepts (stored 0600 in the lab's state). */
  token: string;
}

function runningPid(stateDir: string): number | undefined {
  const pid = readPid(apiStateFiles(stateDir).pid);
  return pid !== undefined && isAlive(pid) && cmdline(pid).some((a) => a.endsWith("api-daemon.ts")) ? pid : undefined;
}

/**
 * Starts the lab's fake DigitalOcean (API + metadata service) as a detached process that lives
 * as long as the lab, unless it already runs for this topology.
 */
export async function ensureApi(stateDir: string, topology: Topology): Promise<LabApi> {
  const f = apiStateFiles(stateDir);
  mkdirSync(f.dir, { recursive: true, mode: 0o700 });
  const url = `http://${topology.gatewayPrivate}:${API_PORT}`;
  const topoJson = JSON.stringify(topology);
  const same = existsSync(f.topology) && readFileSync(f.topology, "utf8") === topoJson;
  if (same && runningPid(stateDir) !== undefined && (await portOpen(topology.gatewayPrivate, API_PORT))) {
    return { url, token: readFileSync(f.token, "utf8").trim() };
  }
  await stopApi(stateDir);
  if (!existsSync(f.token)) writeFileSync(f.token, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  writeFileSync(f.topology, topoJson);
  const log = openSync(f.log, "a");
  const daemon = new URL("./api-daemon.ts", import.meta.url).pathname;
  const root = new URL("../..", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--import", "tsx", daemon, stateDir], { cwd: root, detached: true, stdio: ["ignore", log, log] });
  child.unref();
  if (child.pid === undefined) throw new LabError("the fake DigitalOcean API did not start");
  writeFileSync(f.pid, `${child.pid}\n`);
  if (!(await waitUntil(() => portOpen(topology.gatewayPrivate, API_PORT), 20_000))) {
    throw new LabError(`the fake DigitalOcean API did not listen on ${url}; see ${f.log}`);
  }
  return { url, token: readFileSync(f.token, "utf8").trim() };
}

export async function stopApi(stateDir: string): Promise<void> {
  const pid = runningPid(stateDir);
  if (pid !== undefined) await terminate(pid);
}
