import { writeFileSync } from "node:fs";
import { type Socket, createServer } from "node:net";
import { join } from "node:path";
import ssh2 from "ssh2";
import { describe, expect, it } from "vitest";
import { ConnectError } from "../../../src/transport/errors.js";
import { connectSsh, defaultSshOptions } from "../../../src/transport/ssh.js";
import { tempTree } from "../inventory/helpers.js";

// A server that resets every connection before the SSH handshake (a port forward with nothing
// behind it, sshd's MaxStartups): ssh2 reports two errors for it, and the second must not be an
// unhandled 'error' event, which would end the whole run with a stack trace.

describe("connecting to a port that resets the connection", () => {
  it("fails that host's connect (retryable), nothing else", async () => {
    const dir = await tempTree({});
    const key = join(dir, "id_ed25519");
    writeFileSync(key, ssh2.utils.generateKeyPairSync("ed25519").private, { mode: 0o600 });
    let seen = 0;
    const server = createServer((s: Socket) => {
      seen++;
      // Once the client has sent its version line: it knows it was connected, then lost.
      s.once("data", () => s.resetAndDestroy());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("no port");
    try {
      const err = await connectSsh(
        { name: "h", address: "127.0.0.1", port: address.port, user: "nobody", privateKeyFiles: [key] },
        { ...defaultSshOptions(), useAgent: false, retries: 1, retryDelayMs: 1, knownHostsFiles: [join(dir, "known_hosts")] },
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ConnectError);
      expect((err as ConnectError).retryable).toBe(true);
      expect(seen).toBe(2);
    } finally {
      server.close();
    }
  });
});
