import { existsSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import ssh2 from "ssh2";
import type { AgentAuthMethod, ClientChannel, PublicKeyAuthMethod, Client as Ssh2Client, ConnectConfig } from "ssh2";
import { UnchangedFileCache } from "../control-node/unchanged-file-cache.js";
import { ConnectError, HostKeyError } from "./errors.js";
import { KnownHosts, keyTypeOf, lookupName, sha256Fingerprint } from "./known-hosts.js";
import { parseJumpSpec, resolveSshConfig } from "./ssh-config.js";
import type { Connection, ProcessChannel } from "./types.js";

// ssh2's ESM named exports are incomplete on plain Node: take the classes from the default.
const { Client, utils } = ssh2;

export interface SshTarget {
  /** Inventory name: used in messages and as a second known_hosts name. */
  name: string;
  /** Address or DNS name to connect to (ansible_host). */
  address: string;
  port?: number;
  user?: string;
  privateKeyFiles?: string[];
}

export interface SshOptions {
  /** known_hosts files consulted; the first is where accept-new records keys. */
  knownHostsFiles: string[];
  hostKeyPolicy: "strict" | "accept-new";
  /** Use the agent at SSH_AUTH_SOCK when set. */
  useAgent: boolean;
  connectTimeoutMs: number;
  /** Extra attempts after a failed connect (refused, timed out); never for auth or host keys. */
  retries: number;
  retryDelayMs: number;
  keepaliveIntervalMs: number;
  sshConfigFile?: string;
}

export function defaultSshOptions(): SshOptions {
  const ssh = join(homedir(), ".ssh");
  return {
    knownHostsFiles: [join(ssh, "known_hosts"), "/etc/ssh/ssh_known_hosts"],
    hostKeyPolicy: "strict",
    useAgent: true,
    connectTimeoutMs: 10_000,
    retries: 2,
    retryDelayMs: 1000,
    keepaliveIntervalMs: 5_000,
  };
}

const DEFAULT_IDENTITIES = ["id_ed25519", "id_ecdsa", "id_rsa"].map((f) => join(homedir(), ".ssh", f));
const HOST_KEY_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
] as const;
type HostKeyAlgorithm = (typeof HOST_KEY_ALGORITHMS)[number];

/** Key types as known_hosts names them, mapped to the algorithms that present them. */
function algorithmsFor(keyType: string): HostKeyAlgorithm[] {
  if (keyType === "ssh-rsa") return ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];
  return HOST_KEY_ALGORITHMS.filter((a) => a === keyType);
}

interface ResolvedTarget {
  name: string;
  address: string;
  port: number;
  user: string;
  keyFiles: string[];
  jumps: string[];
}

function resolveTarget(t: SshTarget, opts: SshOptions): ResolvedTarget {
  const cfg = resolveSshConfig(t.address, opts.sshConfigFile);
  const keyFiles = t.privateKeyFiles?.length ? t.privateKeyFiles : cfg.identityFiles.length ? cfg.identityFiles : DEFAULT_IDENTITIES;
  return {
    name: t.name,
    address: cfg.hostName ?? t.address,
    port: t.port ?? cfg.port ?? 22,
    user: t.user ?? cfg.user ?? process.env.USER ?? "root",
    keyFiles: keyFiles.filter((f) => existsSync(f)),
    jumps: cfg.proxyJump,
  };
}

function authStrategies(t: ResolvedTarget, opts: SshOptions): (AgentAuthMethod | PublicKeyAuthMethod)[] {
  const out: (AgentAuthMethod | PublicKeyAuthMethod)[] = [];
  const agent = opts.useAgent ? process.env.SSH_AUTH_SOCK : undefined;
  if (agent) out.push({ type: "agent", username: t.user, agent });
  for (const file of t.keyFiles) {
    const key = privateKey(file);
    // An encrypted key without a passphrase cannot be used; the agent may hold it instead.
    if (key !== undefined) out.push({ type: "publickey", username: t.user, key });
  }
  return out;
}

type ParsedKey = Exclude<ReturnType<typeof utils.parseKey>, Error | unknown[]>;

// Every host's connection offers the same key: parsed once while the file is unchanged, and
// handed to ssh2 parsed (it takes a parsed key as it is instead of parsing the text again).
// An encrypted key without a passphrase is undefined: unusable here.
const privateKeys = new UnchangedFileCache((content): ParsedKey | undefined => {
  const parsed = utils.parseKey(content);
  return parsed instanceof Error ? undefined : Array.isArray(parsed) ? parsed[0] : parsed;
});

function privateKey(file: string): ParsedKey | undefined {
  return privateKeys.get(file, statSync(file));
}

export class SshConnection implements Connection {
  readonly kind = "ssh";
  readonly lost: Promise<Error | undefined>;
  private markLost: (e: Error | undefined) => void = () => undefined;
  private readonly channels = new Set<ClientChannel>();

  constructor(
    readonly host: string,
    private readonly client: Ssh2Client,
    private readonly via: SshConnection | undefined,
  ) {
    this.lost = new Promise((resolve) => (this.markLost = resolve));
    let lastError: Error | undefined;
    client.on("error", (e: Error) => (lastError = e));
    client.on("close", () => this.markLost(new ConnectError(host, `connection lost${lastError ? `: ${lastError.message}` : ""}`)));
  }

  spawn(command: string): Promise<ProcessChannel> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, stream) => {
        if (err) return reject(new ConnectError(this.host, `cannot open a channel: ${err.message}`));
        this.channels.add(stream);
        const exited = new Promise<number | null>((done) => {
          let code: number | null = null;
          stream.on("exit", (c: number | null) => (code = c));
          stream.on("close", () => {
            this.channels.delete(stream);
            done(code);
          });
        });
        stream.on("error", () => undefined);
        resolve({
          stdin: stream,
          stdout: stream,
          stderr: stream.stderr as Readable,
          exited,
          kill: () => stream.close(),
        });
      });
    });
  }

  /** A TCP stream from this host to another, for ProxyJump. */
  forward(address: string, port: number): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.forwardOut("127.0.0.1", 0, address, port, (err, stream) =>
        err ? reject(new ConnectError(this.host, `cannot forward to ${address}:${port}: ${err.message}`)) : resolve(stream),
      );
    });
  }

  async close(): Promise<void> {
    for (const c of this.channels) c.close();
    this.client.end();
    await this.via?.close();
    this.markLost(undefined);
  }
}

function classify(host: string, err: Error & { level?: string; code?: string }): ConnectError {
  if (err instanceof ConnectError) return err;
  if (err.level === "client-authentication") {
    return new ConnectError(host, `authentication failed (${err.message})`, false);
  }
  if (err.level === "client-timeout") return new ConnectError(host, `timed out (${err.message})`);
  // Node's own messages already start with their code ("connect ECONNREFUSED 127.0.0.1:22").
  return new ConnectError(host, err.code && !err.message.includes(err.code) ? `${err.code}: ${err.message}` : err.message);
}

async function connectOnce(t: ResolvedTarget, opts: SshOptions, sock: Readable | undefined, via: SshConnection | undefined): Promise<SshConnection> {
  const known = KnownHosts.load(opts.knownHostsFiles);
  const names = [...new Set([lookupName(t.address, t.port), lookupName(t.name, t.port)])];
  const preferred = known.knownTypes(names).flatMap(algorithmsFor);
  const order = [...new Set<HostKeyAlgorithm>([...preferred, ...HOST_KEY_ALGORITHMS])];
  let hostKeyFailure: HostKeyError | undefined;
  const auth = authStrategies(t, opts);
  if (auth.length === 0) {
    throw new ConnectError(t.name, `no usable SSH key (${t.keyFiles.join(", ") || "no identity file exists"}) and no agent`, false);
  }

  const config: ConnectConfig = {
    host: t.address,
    port: t.port,
    username: t.user,
    readyTimeout: opts.connectTimeoutMs,
    keepaliveInterval: opts.keepaliveIntervalMs,
    keepaliveCountMax: 3, // a host silent for ~15 s is lost: a dead droplet must not stall the run
    algorithms: { serverHostKey: order },
    authHandler: auth,
    hostVerifier: (key: Buffer) => {
      const verdict = known.verify(names, key);
      const fp = sha256Fingerprint(key);
      switch (verdict.kind) {
        case "match":
          return true;
        case "revoked":
          hostKeyFailure = new HostKeyError(t.name, `host key ${fp} is revoked (${verdict.entry.file}:${verdict.entry.line})`);
          return false;
        case "changed":
          hostKeyFailure = new HostKeyError(
            t.name,
            `HOST KEY CHANGED for ${names[0]}: it now presents ${keyTypeOf(key)} ${fp}, ` +
              `not the key recorded at ${verdict.entry.file}:${verdict.entry.line}. ` +
              "This may be an attack; if the host was rebuilt, remove the old entry.",
          );
          return false;
        case "unknown":
          if (opts.hostKeyPolicy === "accept-new" && opts.knownHostsFiles[0]) {
            known.record(opts.knownHostsFiles[0], lookupName(t.address, t.port), key);
            return true;
          }
          hostKeyFailure = new HostKeyError(
            t.name,
            `unknown host key ${keyTypeOf(key)} ${fp} for ${names[0]}: not in ${opts.knownHostsFiles.join(", ")}; ` +
              "verify it and add it, or run with --accept-new-host-keys",
          );
          return false;
      }
    },
    ...(sock ? { sock } : {}),
  };

  const client = new Client();
  return new Promise((resolve, reject) => {
    let settled = false;
    // Not `once`: a connection reset before the handshake brings a second error ("Connection lost
    // before handshake"), which, with no listener left, would end the whole process.
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners("ready");
      client.end();
      reject(hostKeyFailure ?? classify(t.name, err));
    };
    client.on("error", fail);
    client.once("ready", () => {
      settled = true;
      client.removeListener("error", fail);
      resolve(new SshConnection(t.name, client, via));
    });
    client.connect(config);
  });
}

/**
 * One SSH connection to a host, reused for the whole run. Honours ~/.ssh/config (HostName, User,
 * Port, IdentityFile, ProxyJump), verifies host keys against known_hosts (strict, or recording
 * unknown keys on first use), and retries refused or timed-out connects, never auth or key errors.
 */
export async function connectSsh(target: SshTarget, opts: SshOptions): Promise<SshConnection> {
  const t = resolveTarget(target, opts);
  // ProxyJump hops, each resolved through ssh config like the target itself, then the target.
  const hops: ResolvedTarget[] = t.jumps.map((spec) => {
    const j = parseJumpSpec(spec);
    return { ...resolveTarget({ name: j.host, address: j.host, ...(j.port ? { port: j.port } : {}), ...(j.user ? { user: j.user } : {}) }, opts), jumps: [] };
  });
  hops.push(t);
  let attempt = 0;
  for (;;) {
    let via: SshConnection | undefined;
    try {
      let sock: Readable | undefined;
      for (const [i, hop] of hops.entries()) {
        const conn = await connectOnce(hop, opts, sock, via);
        const next = hops[i + 1];
        if (!next) return conn;
        via = conn;
        sock = await conn.forward(next.address, next.port);
      }
      throw new ConnectError(t.name, "no hop to connect to", false);
    } catch (err) {
      await via?.close();
      const e = classify(t.name, err as Error);
      if (!e.retryable || attempt >= opts.retries) throw e;
      attempt++;
      await sleep(opts.retryDelayMs * attempt);
    }
  }
}
