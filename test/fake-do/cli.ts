import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from "../lab/topology.js";
import { dropletsFromTopology, reservedIpsFromTopology, startFakeDigitalOcean } from "./index.js";

// Serves the lab's droplets from a topology file, for poking at the fake by hand (curl, the
// do-converge inventory) or from a process that cannot import it:
//
//   tsx test/fake-do/cli.ts --topology test/lab/topology.yml --port 8088 [--token-file F]
//       [--host H] [--metadata-host H --metadata-port N] [--action-delay-ms N] [--verbose]
//
// stdout gets the API base URL on the first line and, when the metadata service runs, its base
// URL on the second, so a script can read them; everything for humans goes to stderr. Reserved
// IP moves only change the fake's state here: moving addresses for real needs the in-process
// onReservedIpMove hook.

const USAGE =
  "usage: tsx test/fake-do/cli.ts [--topology FILE] [--host H] [--port N] [--token-file F]\n" +
  "       [--metadata-host H] [--metadata-port N] [--action-delay-ms N] [--verbose]";

function fail(message: string): never {
  process.stderr.write(`fake-do: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a non-negative integer, got ${value}`);
  return Number(value);
}

function readToken(file: string | undefined): { token: string; generated: boolean } {
  if (file === undefined) return { token: randomBytes(24).toString("hex"), generated: true };
  let token: string;
  try {
    token = readFileSync(file, "utf8").trim();
  } catch (err) {
    fail(`cannot read --token-file ${file}: ${(err as Error).message}`);
  }
  if (token === "") fail(`--token-file ${file} is empty`);
  return { token, generated: false };
}

async function run(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        topology: { type: "string" },
        host: { type: "string" },
        port: { type: "string" },
        "token-file": { type: "string" },
        "metadata-host": { type: "string" },
        "metadata-port": { type: "string" },
        "action-delay-ms": { type: "string" },
        verbose: { type: "boolean" },
        help: { type: "boolean" },
      },
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const topology = loadTopology(values.topology ?? DEFAULT_TOPOLOGY_FILE);
  const { token, generated } = readToken(values["token-file"]);
  const metadataPort = values["metadata-port"];
  const fake = await startFakeDigitalOcean({
    host: values.host ?? "127.0.0.1",
    port: intOption("port", values.port, 0),
    token,
    droplets: dropletsFromTopology(topology),
    reservedIps: reservedIpsFromTopology(topology),
    actionDelayMs: intOption("action-delay-ms", values["action-delay-ms"], 300),
    metadata:
      metadataPort === undefined
        ? undefined
        : { host: values["metadata-host"] ?? "127.0.0.1", port: intOption("metadata-port", metadataPort, 0) },
    onRequest: values.verbose
      ? (r) => process.stderr.write(`${r.service} ${r.remoteAddress} ${r.method} ${r.path} → ${r.status}\n`)
      : undefined,
  });
  process.stdout.write(`${fake.url}\n${fake.metadataUrl === undefined ? "" : `${fake.metadataUrl}\n`}`);
  process.stderr.write(`fake-do: serving ${topology.hosts.length} droplets at ${fake.url}/v2\n`);
  if (fake.metadataUrl) process.stderr.write(`fake-do: metadata service at ${fake.metadataUrl}/metadata/v1/\n`);
  if (generated) process.stderr.write(`fake-do: token (generated; choose one with --token-file): ${token}\n`);

  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

run().catch((err: unknown) => {
  process.stderr.write(`fake-do: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
