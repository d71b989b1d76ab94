import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parse, stringify } from "yaml";
import { labInventory } from "../lab/inventory.js";
import type { Lab } from "../lab/lab.js";
import { readBanner } from "../lab/net.js";
import { lookupName } from "../../src/transport/known-hosts.js";
import { addNetem, netemProblem, removeNetem } from "./netem.js";
import type { DelayMethod } from "./options.js";
import { DelayRelay } from "./relay.js";

// What the tools connect to when the bench adds a round-trip delay, and how the delay is undone.

export interface DelayedPath {
  /** One line for the figures: how the delay was added and what a probe through it measured. */
  describe: string;
  /** The tools' inventory: every host reached through the delayed path. */
  inventory: string;
  knownHostsFile: string;
  remove(): Promise<void>;
}

/** The time from connecting to a host's sshd to its identification line: two round trips (handshake, banner). */
async function bannerMs(host: string, port: number): Promise<number> {
  const started = performance.now();
  const banner = await readBanner(host, port, 30_000);
  if (!banner?.startsWith("SSH-2.0-")) throw new Error(`no SSH banner from ${host}:${port} through the delayed path`);
  return performance.now() - started;
}

/** The lab's known_hosts lines, each host's names replaced by the name its relay endpoint is looked up by. */
export function relayKnownHosts(labKnownHosts: string, endpoints: ReadonlyMap<string, { host: string; port: number }>): string {
  const out: string[] = [];
  for (const line of labKnownHosts.split("\n")) {
    const [names, ...key] = line.trim().split(/\s+/);
    const name = (names ?? "").split(",")[0] ?? "";
    const e = endpoints.get(name);
    if (e && key.length >= 2) out.push(`${lookupName(e.host, e.port)} ${key.join(" ")}`);
  }
  return `${out.join("\n")}\n`;
}

/** labInventory with each host's address and port replaced by its relay endpoint. */
export function relayInventory(lab: Lab, endpoints: ReadonlyMap<string, { host: string; port: number }>): string {
  const inv = parse(labInventory(lab.topology, lab.keyFile)) as { all: { hosts: Record<string, Record<string, unknown>> } };
  for (const [name, vars] of Object.entries(inv.all.hosts)) {
    const e = endpoints.get(name);
    if (!e) throw new Error(`no relay endpoint for ${name}`);
    Object.assign(vars, { ansible_host: e.host, ansible_port: e.port });
  }
  return stringify(inv);
}

/** Why the delay cannot be added this way on this machine, or undefined: asked before any host boots. */
export async function delayProblem(via: DelayMethod): Promise<string | undefined> {
  if (via !== "netem") return undefined;
  const problem = await netemProblem();
  return problem && `--delay-ms: ${problem}; --delay-via relay adds the delay in a TCP relay on the control node instead`;
}

/** Adds `ms` of round-trip delay between the control node and the lab's hosts; `work` holds the relay's files. */
export async function delayPath(lab: Lab, ms: number, via: DelayMethod, work: string): Promise<DelayedPath> {
  const first = lab.topology.hosts[0];
  if (!first) throw new Error("the lab has no hosts");
  const direct = await bannerMs(first.privateIpv4, 22);
  if (via === "netem") {
    const bridge = lab.topology.bridge;
    await addNetem(bridge, ms);
    const delayed = await bannerMs(first.privateIpv4, 22).catch(async (err: unknown) => {
      await removeNetem(bridge);
      throw err;
    });
    return {
      describe: `delay: ${ms} ms round trip by netem on ${bridge} (what the control node sends to the hosts); SSH banner from ${first.name} in ${delayed.toFixed(0)} ms (${direct.toFixed(0)} ms without)`,
      inventory: labInventory(lab.topology, lab.keyFile),
      knownHostsFile: lab.knownHostsFile,
      remove: () => removeNetem(bridge),
    };
  }
  const relay = await DelayRelay.start(
    lab.topology.hosts.map((h) => ({ name: h.name, host: h.privateIpv4, port: 22 })),
    ms,
  );
  const endpoints = new Map(lab.topology.hosts.map((h) => [h.name, relay.endpoint(h.name)]));
  const knownHostsFile = join(work, "known_hosts.relay");
  writeFileSync(knownHostsFile, relayKnownHosts(readFileSync(lab.knownHostsFile, "utf8"), endpoints));
  const e = relay.endpoint(first.name);
  const delayed = await bannerMs(e.host, e.port).catch(async (err: unknown) => {
    await relay.close();
    throw err;
  });
  return {
    describe: `delay: ${ms} ms round trip by a TCP relay on the control node (SSH only); SSH banner from ${first.name} in ${delayed.toFixed(0)} ms (${direct.toFixed(0)} ms without)`,
    inventory: relayInventory(lab, endpoints),
    knownHostsFile,
    remove: () => relay.close(),
  };
}
