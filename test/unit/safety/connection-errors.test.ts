import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DSL, cli, scratchDir } from "./cli-helpers.js";

const dir = scratchDir("connection-errors");
mkdirSync(join(dir, "home"));
const key = join(dir, "id_ed25519");
execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]);
const twoPlays = `import { play, site } from ${JSON.stringify(DSL)};
const touch = async (h) => { await h.file({ path: ${JSON.stringify(join(dir, "ran"))}, state: "touch" }); };
export default site({ plays: [play({ name: "one", hosts: "all", gatherFacts: false, tasks: touch }), play({ name: "two", hosts: "all", gatherFacts: false, tasks: touch })] });
`;
writeFileSync(join(dir, "two-plays.ts"), twoPlays);
// No agent, no ~/.ssh of the machine running the tests: only the key named in the inventory.
const env = { HOME: join(dir, "home"), SSH_AUTH_SOCK: "" };

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  await new Promise((r) => server.close(r));
  return typeof address === "object" && address !== null ? address.port : 0;
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe("a connection error is said once", { timeout: 60_000 }, () => {
  it("a refused port on 127.0.0.1: once in stdout and stderr, its code once (it read 'ECONNREFUSED: connect ECONNREFUSED ...')", async () => {
    const port = await closedPort();
    writeFileSync(join(dir, "closed.yml"), `all:\n  hosts:\n    web1: { ansible_host: 127.0.0.1, ansible_port: ${port}, ansible_user: root, ansible_ssh_private_key_file: ${key} }\n`);
    const r = await cli(dir, ["two-plays.ts", "-i", "closed.yml", "--no-typecheck"], env);
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(4);
    expect(count(out, `connect ECONNREFUSED 127.0.0.1:${port}`), out).toBe(1);
    expect(count(out, "ECONNREFUSED"), out).toBe(1);
    expect(out).toContain(`unreachable: [web1] file ${join(dir, "ran")} => web1: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });

  it("a connection setting the inventory gets wrong: one problem, though every play selecting the host met it", async () => {
    writeFileSync(join(dir, "bad-port.yml"), "all:\n  hosts:\n    web1: { ansible_host: 127.0.0.1, ansible_port: 99999 }\n");
    const r = await cli(dir, ["two-plays.ts", "-i", "bad-port.yml", "--no-typecheck"], env);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toBe(
      `ERROR: 1 problem before any host was touched:\n  host web1: ansible_port (set at ${join(dir, "bad-port.yml")}:3): must be a port number (1-65535), found 99999\n`,
    );
  });
});
