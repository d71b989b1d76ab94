// The lab's DigitalOcean: the fake API on the lab bridge (reachable from lab hosts, as
// api.digitalocean.com is from droplets) and the metadata service (on 169.254.169.254:80, or on
// the gateway for a second lab: topology.ts), with reserved-IP actions moving the address between
// lab hosts for real. Started detached by
// `lab up` (see api.ts) and stopped by `lab down`; argv[2] is the lab's state directory.
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { dropletsFromTopology, reservedIpsFromTopology, startFakeDigitalOcean } from "../fake-do/index.js";
import { API_PORT, apiStateFiles } from "./api.js";
import { Lab } from "./lab.js";
import { labPaths } from "./paths.js";
import type { Topology } from "./topology.js";

const stateDir = process.argv[2];
if (!stateDir) throw new Error("usage: api-daemon.ts STATE_DIR");
const files = apiStateFiles(stateDir);
const topology = JSON.parse(readFileSync(files.topology, "utf8")) as Topology;
const lab = new Lab(topology, labPaths(dirname(stateDir), basename(stateDir)));
const nameOf = (id: number | null) => (id === null ? null : (topology.hosts.find((h) => h.dropletId === id)?.name ?? null));

const fake = await startFakeDigitalOcean({
  host: topology.gatewayPrivate,
  port: API_PORT,
  token: readFileSync(files.token, "utf8").trim(),
  droplets: dropletsFromTopology(topology),
  reservedIps: reservedIpsFromTopology(topology),
  metadata: { host: topology.metadata.host, port: topology.metadata.port },
  onReservedIpMove: async ({ ip, to }) => {
    await lab.moveAddress(ip, nameOf(to));
  },
});
process.stdout.write(`api ${fake.url} metadata ${fake.metadataUrl ?? "-"}\n`);

const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
