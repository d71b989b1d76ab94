import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeDigitalOcean, startFakeDigitalOcean } from "../../fake-do/index.js";
import { gate } from "../../fake-do/test-helpers.js";
import { reservedIpSettings } from "../../../roles/keepalived/settings.js";

// The keepalived role's notify script, run for real (sh, curl, flock) against the in-process fake
// DigitalOcean API and metadata service: what the lab shows working, plus what the lab never does
// (a pending action to wait out, a MASTER lost while retrying, the token kept off command lines).

const SCRIPT = resolve(import.meta.dirname, "../../../roles/keepalived/files/do-reserved-ip.sh");
const TOKEN = "dop_v1_notify-test-token-0123456789";
const IP = "203.0.113.50";
const LB1 = 601;
const LB2 = 602;

let fake: FakeDigitalOcean | undefined;
let dir: string | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function setUp(opts: { onMove?: () => Promise<void>; token?: string; attempts?: number; metadataUrl?: (real: string) => Promise<string> } = {}) {
  fake = await startFakeDigitalOcean({
    token: TOKEN,
    actionDelayMs: 0,
    ...(opts.onMove ? { onReservedIpMove: opts.onMove } : {}),
    droplets: [
      { id: LB1, name: "lb1", privateIpv4: "10.2.0.1", publicIpv4: "198.51.100.1" },
      { id: LB2, name: "lb2", privateIpv4: "10.2.0.2", publicIpv4: "198.51.100.2" },
    ],
    reservedIps: [{ ip: IP, region: "nyc3", dropletId: LB2 }],
    // Every caller is lb1: the script runs on this machine.
    metadata: { host: "127.0.0.1", port: 0, identifyCaller: () => LB1 },
  });
  dir = mkdtempSync(join(tmpdir(), "do-reserved-ip-"));
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, `${opts.token ?? TOKEN}\n`, { mode: 0o600 });
  const settings = join(dir, "settings.env");
  const metadataUrl = opts.metadataUrl ? await opts.metadataUrl(fake.metadataUrl ?? "") : (fake.metadataUrl ?? "");
  writeFileSync(settings, reservedIpSettings({ reservedIp: IP, apiUrl: fake.url, metadataUrl, tokenFile, attempts: opts.attempts ?? 5, delaySeconds: 1 }));
  return { fake, settings, stateDir: join(dir, "state") };
}

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
}

function run(what: string, settings: string, stateDir: string): Run {
  const child = spawn("sh", [SCRIPT, what, settings], {
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", DO_RESERVED_IP_STATE_DIR: stateDir, DO_RESERVED_IP_LOG: "stderr" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((res) => child.on("close", (code) => res({ code, stderr })));
  return { child, done };
}

const assigns = (f: FakeDigitalOcean) => f.requests.filter((r) => r.service === "api" && r.method === "POST");

/** Every process's command line on this machine (Linux /proc), as ps would show them. */
function allCommandLines(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      out.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" "));
    } catch {
      // the process is gone
    }
  }
  return out;
}

describe("keepalived notify script", () => {
  it("MASTER: assigns the Reserved IP to this droplet, with the droplet id from the metadata service", async () => {
    const { fake, settings, stateDir } = await setUp();
    const { code, stderr } = await run("master", settings, stateDir).done;
    expect(stderr).toContain(`assigned ${IP} to droplet ${LB1} (HTTP 201, attempt 1)`);
    expect(code).toBe(0);
    await fake.idle();
    expect(fake.reservedIp(IP)?.dropletId).toBe(LB1);
    expect(assigns(fake).map((r) => r.body)).toEqual([{ type: "assign", droplet_id: LB1 }]);
    expect(readFileSync(join(stateDir, "state"), "utf8")).toBe("master\n");
    expect(stderr).not.toContain(TOKEN);
  });

  it("MASTER on the droplet that already holds the address: no API call", async () => {
    const { fake, settings, stateDir } = await setUp();
    await run("master", settings, stateDir).done;
    await fake.idle();
    fake.clearRequests();
    const { code, stderr } = await run("master", settings, stateDir).done;
    expect(code).toBe(0);
    expect(stderr).toContain(`droplet ${LB1} already holds ${IP}`);
    expect(assigns(fake)).toEqual([]);
  });

  it("waits out a pending action on the address, retrying", async () => {
    const held = gate();
    let first = true;
    const { fake, settings, stateDir } = await setUp({
      onMove: async () => {
        if (first) {
          first = false;
          await held.promise;
        }
      },
    });
    // Another assignment (lb2's) is in progress: the API answers 422 until it completes.
    const other = await fetch(`${fake.url}/v2/reserved_ips/${IP}/actions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ type: "assign", droplet_id: LB2 }),
    });
    expect(other.status).toBe(201);
    const r = run("master", settings, stateDir);
    await new Promise((res) => setTimeout(res, 1500));
    held.open();
    const { code, stderr } = await r.done;
    expect(stderr).toMatch(/failed \(HTTP 422, attempt 1 of 5\): .*pending/);
    expect(stderr).toMatch(/assigned 203\.0\.113\.50 to droplet 601 \(HTTP 201, attempt [2-5]\)/);
    expect(code).toBe(0);
    await fake.idle();
    expect(fake.reservedIp(IP)?.dropletId).toBe(LB1);
  });

  it("hands the token to curl on stdin: it is in the request, never on a command line", async () => {
    const { settings, stateDir } = await setUp();
    // An API that answers only after looking at every command line while curl waits for it.
    let authorization: string | undefined;
    let lines: string[] = [];
    const api = createServer((req, res) => {
      authorization = req.headers.authorization;
      lines = allCommandLines().filter((c) => c.includes("curl"));
      req.resume();
      res.writeHead(201, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((res) => api.listen(0, "127.0.0.1", res));
    const port = (api.address() as AddressInfo).port;
    writeFileSync(settings, readFileSync(settings, "utf8").replace(/^DO_API_URL=.*$/m, `DO_API_URL='http://127.0.0.1:${port}'`));
    try {
      const { code } = await run("master", settings, stateDir).done;
      expect(code).toBe(0);
    } finally {
      await new Promise((res) => api.close(res));
    }
    expect(authorization).toBe(`Bearer ${TOKEN}`);
    expect(lines.some((c) => c.includes(`/v2/reserved_ips/${IP}/actions`))).toBe(true);
    expect(lines.filter((c) => c.includes(TOKEN))).toEqual([]);
  });

  it("stops retrying once keepalived reports BACKUP: the address now belongs to the new MASTER", async () => {
    const { fake, settings, stateDir } = await setUp({ token: "dop_v1_revoked", attempts: 30 });
    const r = run("master", settings, stateDir);
    await new Promise((res) => setTimeout(res, 1500));
    const backup = await run("backup", settings, stateDir).done;
    expect(backup.code).toBe(0);
    const { code, stderr } = await r.done;
    expect(stderr).toMatch(/failed \(HTTP 401, attempt 1 of 30\)/);
    expect(stderr).toContain(`no longer MASTER: leaving ${IP} alone`);
    expect(code).toBe(0);
    expect(assigns(fake).length).toBeLessThan(5);
    expect(fake.reservedIp(IP)?.dropletId).toBe(LB2);
  });

  it("retries reading the droplet id while the metadata service does not answer", async () => {
    // A metadata service that fails its first two requests, as when a dead peer's bridge port left
    // the network reconverging, then answers as the real one.
    let failures = 2;
    const flaky = createServer((req, res) => {
      if (failures-- > 0) {
        res.writeHead(503).end();
        return;
      }
      fetch(`${real}${req.url ?? "/"}`).then(
        async (r) => res.writeHead(r.status).end(await r.text()),
        () => res.writeHead(502).end(),
      );
    });
    let real = "";
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
    try {
      const { fake, settings, stateDir } = await setUp({
        metadataUrl: async (url) => {
          real = url;
          return `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
        },
      });
      const { code, stderr } = await run("master", settings, stateDir).done;
      expect(stderr).toContain("metadata/v1/id (attempt 2 of 5)");
      expect(stderr).toContain(`assigned ${IP} to droplet ${LB1}`);
      expect(code).toBe(0);
      await fake.idle();
      expect(fake.reservedIp(IP)?.dropletId).toBe(LB1);
    } finally {
      await new Promise((r) => flaky.close(r));
    }
  });

  it("gives up after its attempts with a failure, and refuses an unknown state", async () => {
    const { settings, stateDir } = await setUp({ token: "dop_v1_revoked", attempts: 2 });
    const { code, stderr } = await run("master", settings, stateDir).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/attempt 2 of 2/);
    expect((await run("sideways", settings, stateDir).done).code).toBe(2);
  });
});
