import type { ConnectionSpec } from "../inventory/connection.js";
import { RemoteShell } from "../remote/shell.js";
import { ConnectError } from "../transport/errors.js";
import { LocalConnection } from "../transport/local.js";
import { type SshOptions, connectSsh } from "../transport/ssh.js";
import type { Connection } from "../transport/types.js";
import { HostUnreachableError } from "./errors.js";
import type { Emit } from "./events.js";

const MAX_SHELLS = 8;

/**
 * A command's stdin size for -vvv, in KiB rounded up: enough to tell a config file from a
 * password, too coarse to tell a secret's length (a password sent on stdin alone is "1 KiB").
 */
export function stdinSize(bytes: number): string {
  return `${Math.max(1, Math.ceil(bytes / 1024))} KiB`;
}

/** A shell lent to one task; give it back with release() when the task ends. */
export interface ShellLease {
  sh: RemoteShell;
  release(): void;
}

/**
 * One connection per host for the whole run (across plays), opened on first use, and one
 * long-lived shell per (host, become-user) on top of it. A host that could not be reached
 * stays unreachable for the rest of the run instead of being retried by every task (until
 * --retry-unreachable has the pool forget it).
 */
export class HostConnection {
  private conn: Promise<Connection> | undefined;
  private readonly pools = new Map<string, { idle: RemoteShell[]; count: number; waiters: (() => void)[] }>();

  constructor(
    readonly spec: ConnectionSpec,
    private readonly ssh: SshOptions,
    private readonly becomePassword: string | undefined,
    private readonly emit: Emit,
  ) {}

  private connection(): Promise<Connection> {
    this.conn ??= this.spec.connection === "local"
      ? Promise.resolve(new LocalConnection(this.spec.name))
      : connectSsh(
          {
            name: this.spec.name,
            address: this.spec.host,
            port: this.spec.port,
            ...(this.spec.user ? { user: this.spec.user } : {}),
            ...(this.spec.privateKeyFile ? { privateKeyFiles: [this.spec.privateKeyFile] } : {}),
          },
          this.ssh,
        );
    return this.conn;
  }

  /**
   * A shell for a become user (undefined: the login user), held until `release`. A host's own
   * tasks run one at a time and always find the same idle shell; tasks delegated to this host
   * from several others at once get extra shells (channels on the same connection, up to
   * MAX_SHELLS, below sshd's default MaxSessions of 10) instead of queueing behind each other.
   */
  async acquire(becomeUser: string | undefined): Promise<ShellLease> {
    const key = becomeUser ?? "";
    let p = this.pools.get(key);
    if (!p) {
      p = { idle: [], count: 0, waiters: [] };
      this.pools.set(key, p);
    }
    const pool = p;
    for (;;) {
      let sh = pool.idle.pop();
      if (!sh && pool.count < MAX_SHELLS) {
        pool.count++;
        try {
          sh = await this.open(becomeUser);
        } catch (err) {
          pool.count--;
          pool.waiters.shift()?.();
          throw err;
        }
      }
      if (!sh) {
        await new Promise<void>((resolve) => pool.waiters.push(resolve));
        continue;
      }
      const held = sh;
      return {
        sh: held,
        release: () => {
          // A shell that died (its channel closed) is dropped; a waiter then opens a new one.
          if (held.alive) pool.idle.push(held);
          else pool.count--;
          pool.waiters.shift()?.();
        },
      };
    }
  }

  private async open(becomeUser: string | undefined): Promise<RemoteShell> {
    let conn: Connection;
    try {
      conn = await this.connection();
    } catch (err) {
      throw new HostUnreachableError(this.spec.name, err instanceof ConnectError ? err.message : String(err));
    }
    const password = this.spec.becomePassword ?? this.becomePassword;
    const become = becomeUser === undefined ? undefined : { user: becomeUser, ...(password !== undefined ? { password } : {}) };
    return RemoteShell.open(conn, become, (command, stdinBytes) =>
      this.emit({ type: "command", host: this.spec.name, user: becomeUser, command, ...(stdinBytes === undefined ? {} : { stdin: stdinSize(stdinBytes) }) }),
    );
  }

  async close(): Promise<void> {
    if (!this.conn) return;
    const conn = await this.conn.catch(() => undefined);
    await conn?.close();
  }
}

export class ConnectionPool {
  private readonly hosts = new Map<string, HostConnection>();

  constructor(
    private readonly ssh: SshOptions,
    private readonly becomePassword: string | undefined,
    private readonly emit: Emit,
  ) {}

  get(spec: ConnectionSpec): HostConnection {
    let h = this.hosts.get(spec.name);
    if (!h) {
      h = new HostConnection(spec, this.ssh, this.becomePassword, this.emit);
      this.hosts.set(spec.name, h);
    }
    return h;
  }

  /** Closes a host's connection and forgets it: the next use connects again (a retry of an unreachable host). */
  async forget(name: string): Promise<void> {
    const h = this.hosts.get(name);
    this.hosts.delete(name);
    await h?.close();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.hosts.values()].map((h) => h.close()));
  }
}
