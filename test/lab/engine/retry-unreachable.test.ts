import { readFileSync, writeFileSync } from "node:fs";
import { type Server, type Socket, createConnection, createServer } from "node:net";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { defaultSshOptions } from "../../../src/transport/ssh.js";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, explain } from "./harness.js";

const skip = labSkipReason();
const DIR = "/srv/dcv-retry";
/** spare1 again, through a forwarder on loopback that the test can keep shut for a while. */
const FWD = "spare1-fwd";

/**
 * A TCP forwarder on 127.0.0.1 to spare1's sshd that resets the first `refuse` connections: one
 * failed connect of do-converge is its first try plus its own connect retries, so the host is
 * unreachable on the first try and reachable on the next, whatever the timing.
 */
async function forwarder(target: string, refuse: number): Promise<{ server: Server; port: number; seen: () => number }> {
  let seen = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    if (++seen <= refuse) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: target, port: 22 });
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
  });
  server.on("close", () => {
    for (const s of sockets) s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the forwarder has no port");
  return { server, port: address.port, seen: () => seen };
}

const touch = (what: string) => `async (h) => { await h.copy({ dest: "${DIR}/${what}-" + h.name, content: "${what}\\n" }); }`;
const SITE = `
import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({ name: "one", hosts: "all", become: true, gatherFacts: false, tasks: ${touch("one")} }),
    play({ name: "two", hosts: "all", become: true, gatherFacts: false, tasks: ${touch("two")} }),
  ],
});
`;
// The forwarded host alone in the first play: losing it ends that batch, so it is retried there.
const ALONE = `
import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({ name: "alone", hosts: "${FWD}", become: true, gatherFacts: false, tasks: ${touch("alone")} }),
    play({ name: "everyone", hosts: "all", become: true, gatherFacts: false, tasks: ${touch("everyone")} }),
  ],
});
`;

describe.skipIf(skip !== undefined)("--retry-unreachable: a host that comes back later in the run", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  let t: TestSite;
  let fwd: Awaited<ReturnType<typeof forwarder>> | undefined;
  /** Connections one unreachable try makes: the first and do-converge's connect retries. */
  const perTry = 1 + defaultSshOptions().retries;

  const open = async (refuse: number) => {
    fwd = await forwarder(lab.host("spare1").privateIpv4, refuse);
    const spare1 = lab.host("spare1");
    t.write(
      "inventory.yml",
      stringify({
        all: {
          vars: { ansible_user: DEPLOY_USER, ansible_ssh_private_key_file: lab.keyFile },
          hosts: { spare1: { ansible_host: spare1.privateIpv4 }, [FWD]: { ansible_host: "127.0.0.1", ansible_port: fwd.port } },
        },
      }),
    );
    // spare1's own host keys, under the name the forwarded connection looks them up by.
    const keys = readFileSync(lab.knownHostsFile, "utf8")
      .split("\n")
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= 3 && (f[0] ?? "").split(",").includes("spare1"))
      .map((f) => `[127.0.0.1]:${fwd?.port} ${f[1]} ${f[2]}`);
    expect(keys.length).toBeGreaterThan(0);
    writeFileSync(join(t.dir, "known_hosts"), `${keys.join("\n")}\n`);
    return ["--known-hosts", join(t.dir, "known_hosts")];
  };

  beforeAll(async () => {
    await lab.up();
    await root.run("spare1", `rm -rf ${DIR}; mkdir -p ${DIR}`);
    t = new TestSite(lab, { "site.ts": SITE, "alone.ts": ALONE }, ["spare1"]);
  });
  afterEach(() => {
    fwd?.server.close();
    fwd = undefined;
  });
  afterAll(async () => {
    await root.run("spare1", `rm -rf ${DIR}`).catch(() => "");
    root.close();
    t.remove();
  });

  it("0 (the default): the host stays unreachable, exit 4", async () => {
    const args = await open(Number.MAX_SAFE_INTEGER);
    const r = await t.converge(args);
    expect(r.code, explain(r)).toBe(4);
    expect(r.report?.recap[FWD]?.unreachable, explain(r)).toBe(1);
    expect(r.report?.recap.spare1?.unreachable, explain(r)).toBe(0);
    expect(fwd?.seen()).toBe(perTry);
    expect(r.stdout).not.toContain("RETRY");
  });

  it("N: retried at the end of the run, it runs the plays it missed; the recap has it once, ok; exit 0", async () => {
    await root.run("spare1", `rm -f ${DIR}/*`);
    const args = await open(perTry);
    const r = await t.converge([...args, "--retry-unreachable", "2"]);
    expect(r.code, explain(r)).toBe(0);
    const out = r.stdout;
    // After every other host's whole run, one retry (the second is not needed).
    expect(out.indexOf(`RETRY [${FWD}] 1/2: unreachable in play one`), out).toBeGreaterThan(out.indexOf(`changed: [spare1] copy ${DIR}/two-spare1`));
    expect(out).not.toContain(`RETRY [${FWD}] 2/2`);
    expect(out.indexOf(`changed: [${FWD}] copy ${DIR}/one-${FWD}`)).toBeGreaterThan(out.indexOf(`RETRY [${FWD}]`));
    expect(out.indexOf(`changed: [${FWD}] copy ${DIR}/two-${FWD}`)).toBeGreaterThan(out.indexOf(`changed: [${FWD}] copy ${DIR}/one-${FWD}`));
    const recap = out.slice(out.indexOf("PLAY RECAP"));
    expect(recap.split("\n").filter((l) => l.startsWith(FWD))).toEqual([expect.stringMatching(/ok=2 +changed=2 +unreachable=0 +failed=0 /)]);
    expect(r.report?.exit_code).toBe(0);
    expect(r.report?.recap[FWD]).toMatchObject({ unreachable: 0, failed: 0, changed: 2 });
    expect(await root.run("spare1", `cat ${DIR}/one-${FWD} ${DIR}/two-${FWD}`)).toBe("one\ntwo\n");
  });

  it("a play it was alone in is retried before its loss ends the run, and the run goes on", async () => {
    await root.run("spare1", `rm -f ${DIR}/*`);
    const args = await open(perTry);
    const r = await t.converge([...args, "--retry-unreachable", "1"], { site: "alone.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).not.toContain("aborted");
    expect(r.report?.recap[FWD]).toMatchObject({ unreachable: 0, failed: 0, changed: 2 });
    expect(r.report?.recap.spare1).toMatchObject({ unreachable: 0, failed: 0, changed: 1 });
    expect(await root.run("spare1", `cat ${DIR}/alone-${FWD} ${DIR}/everyone-${FWD} ${DIR}/everyone-spare1`)).toBe("alone\neveryone\neveryone\n");
  });
});
