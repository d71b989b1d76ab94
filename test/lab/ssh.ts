import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import ssh2 from "ssh2";
import type { Client as Ssh2Client } from "ssh2";
import { LabError } from "./errors.js";

// ssh2's ESM named exports are incomplete on plain Node: take Client from the default export.
const { Client } = ssh2;

/** SHA256 fingerprint of a raw host key blob, as OpenSSH prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

/** Host key blobs listed in a known_hosts file for a name or address (plain, unhashed entries). */
export function knownKeys(knownHostsFile: string, host: string): Buffer[] {
  return readFileSync(knownHostsFile, "utf8")
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && (f[0] ?? "").split(",").includes(host))
    .map((f) => Buffer.from(f[2] ?? "", "base64"));
}

export interface LabSsh {
  client: Ssh2Client;
  /** Fingerprint of the key the server presented. */
  hostKey: string;
  exec(command: string): Promise<{ stdout: string; stderr: string; code: number }>;
  close(): void;
}

/**
 * A test-side ssh2 session to a lab host that accepts only the given host keys: the lab's own
 * check that each host presents the key it was given (the engine's transport has its own).
 */
export function labSsh(opts: { host: string; user: string; keyFile: string; acceptKeys: Buffer[] }): Promise<LabSsh> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let presented = "";
    client
      .on("ready", () =>
        resolve({
          client,
          hostKey: presented,
          exec: (command) => execOn(client, command),
          close: () => client.end(),
        }),
      )
      .on("error", (err) => reject(new LabError(`ssh ${opts.user}@${opts.host}: ${err.message} (host key ${presented || "?"})`)))
      .connect({
        host: opts.host,
        username: opts.user,
        privateKey: readFileSync(opts.keyFile),
        readyTimeout: 15_000,
        hostVerifier: (key: Buffer) => {
          presented = fingerprint(key);
          return opts.acceptKeys.some((k) => k.equals(key));
        },
      });
  });
}

function execOn(client: Ssh2Client, command: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = "";
      let stderr = "";
      stream.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
      stream.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
      stream.on("close", (code: number | null) => resolve({ stdout, stderr, code: code ?? -1 }));
    });
  });
}
