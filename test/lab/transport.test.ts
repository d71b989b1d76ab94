import { spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RemoteShell } from "../../src/remote/shell.js";
import { ConnectError, HostKeyError } from "../../src/transport/errors.js";
import { type SshOptions, connectSsh, defaultSshOptions } from "../../src/transport/ssh.js";
import { labSkipReason } from "./availability.js";
import { DEPLOY_USER } from "./base.js";
import { Lab } from "./lab.js";

const skip = labSkipReason();

describe.skipIf(skip !== undefined)("transport and remote shell over SSH to lab hosts", () => {
  const lab = Lab.fromFile();
  const tmp = mkdtempSync(join(tmpdir(), "dcv-transport-"));
  let opts: SshOptions;
  const target = (name: string) => ({ name, address: lab.host(name).privateIpv4, user: DEPLOY_USER, privateKeyFiles: [lab.keyFile] });

  beforeAll(async () => {
    await lab.up();
    opts = { ...defaultSshOptions(), knownHostsFiles: [lab.knownHostsFile], useAgent: false, sshConfigFile: join(tmp, "none") };
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("connects with strict host-key checking against known_hosts", async () => {
    const conn = await connectSsh(target("db1"), opts);
    const sh = await RemoteShell.open(conn);
    expect((await sh.run("hostname")).stdout).toBe("db1\n");
    await conn.close();
  });

  it("authenticates with a key held by ssh-agent (SSH_AUTH_SOCK), no key file given", async () => {
    const sock = join(tmp, "agent.sock");
    const agent = spawnSync("ssh-agent", ["-a", sock], { encoding: "utf8" });
    const pid = /SSH_AGENT_PID=(\d+)/.exec(agent.stdout)?.[1];
    try {
      expect(spawnSync("ssh-add", [lab.keyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } }).status).toBe(0);
      const saved = process.env.SSH_AUTH_SOCK;
      process.env.SSH_AUTH_SOCK = sock;
      try {
        const conn = await connectSsh({ name: "db1", address: lab.host("db1").privateIpv4, user: DEPLOY_USER, privateKeyFiles: ["/nonexistent"] }, { ...opts, useAgent: true });
        expect((await (await RemoteShell.open(conn)).run("hostname")).stdout).toBe("db1\n");
        await conn.close();
      } finally {
        if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = saved;
      }
    } finally {
      if (pid) process.kill(Number(pid));
    }
  });

  it("refuses an unknown host key in strict mode, naming host and SHA256 fingerprint", async () => {
    const empty = join(tmp, "empty_known_hosts");
    writeFileSync(empty, "");
    const err = await connectSsh(target("db2"), { ...opts, knownHostsFiles: [empty] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect(String(err)).toMatch(/^HostKeyError: db2: unknown host key ssh-ed25519 SHA256:[A-Za-z0-9+/]{43} for 10\.77\.0\.11/);
  });

  it("records an unknown key on first use with accept-new, then trusts only that key", async () => {
    const file = join(tmp, "tofu_known_hosts");
    writeFileSync(file, "");
    const first = await connectSsh(target("db3"), { ...opts, knownHostsFiles: [file], hostKeyPolicy: "accept-new" });
    await first.close();
    const recorded = readFileSync(file, "utf8");
    expect(recorded).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 [A-Za-z0-9+/=]+\n$/);
    const again = await connectSsh(target("db3"), { ...opts, knownHostsFiles: [file] });
    await again.close();
  });

  it("fails hard on a changed host key, naming the known_hosts line", async () => {
    const lb1Key = readFileSync(lab.knownHostsFile, "utf8").split("\n").find((l) => l.startsWith("lb1,") && l.includes("ssh-ed25519"));
    const forged = join(tmp, "forged_known_hosts");
    writeFileSync(forged, `# db1's address with lb1's key\n${lab.host("db1").privateIpv4} ${lb1Key?.split(" ").slice(1).join(" ")}\n`);
    const err = await connectSsh(target("db1"), { ...opts, knownHostsFiles: [forged], hostKeyPolicy: "accept-new" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyError);
    expect(String(err)).toContain(`HOST KEY CHANGED for ${lab.host("db1").privateIpv4}`);
    expect(String(err)).toContain(`${forged}:2`);
  });

  it("reports a refused port as a connect error after its retries", async () => {
    const err = await connectSsh({ ...target("db1"), port: 2 }, { ...opts, retries: 1, retryDelayMs: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(String(err)).toMatch(/db1: connect ECONNREFUSED /);
  });

  it("reaches a host through ProxyJump from ~/.ssh/config", async () => {
    const config = join(tmp, "ssh_config");
    writeFileSync(
      config,
      [
        "Host web1-via-db1",
        `  HostName ${lab.host("web1").privateIpv4}`,
        `  ProxyJump ${DEPLOY_USER}@${lab.host("db1").privateIpv4}`,
        "Host *",
        `  IdentityFile ${lab.keyFile}`,
        `  User ${DEPLOY_USER}`,
        "",
      ].join("\n"),
    );
    const conn = await connectSsh({ name: "web1", address: "web1-via-db1" }, { ...opts, sshConfigFile: config });
    const sh = await RemoteShell.open(conn);
    // The SSH client address seen by web1 is db1's: the session really went through the jump host.
    expect((await sh.run("hostname; echo $SSH_CLIENT")).stdout).toMatch(new RegExp(`^web1\\n${lab.host("db1").privateIpv4.replace(/\./g, "\\.")} `));
    await conn.close();
  });

  it("becomes root with a sudo password, and says so when the password is wrong", async () => {
    // A user whose sudo asks for a password, as on hosts without NOPASSWD.
    const admin = await RemoteShell.open(await connectSsh(target("spare1"), opts), { user: "root" });
    await admin.run(
      "id ops >/dev/null 2>&1 || useradd -m -s /bin/sh ops; echo 'ops:s3cret pass' | chpasswd; " +
        "echo 'ops ALL=(ALL) ALL' > /etc/sudoers.d/91-ops; chmod 0440 /etc/sudoers.d/91-ops; " +
        `install -d -m 0700 -o ops -g ops ~ops/.ssh; install -m 0600 -o ops -g ops ~${DEPLOY_USER}/.ssh/authorized_keys ~ops/.ssh/authorized_keys`,
    );
    const ops = { ...target("spare1"), user: "ops" };
    const good = await connectSsh(ops, opts);
    const root = await RemoteShell.open(good, { user: "root", password: "s3cret pass" });
    expect((await root.run("id -un")).stdout).toBe("root\n");
    await good.close();
    const bad = await connectSsh(ops, opts);
    await expect(RemoteShell.open(bad, { user: "root", password: "wrong" })).rejects.toThrow(/sudo did not accept the become password/);
    await expect(RemoteShell.open(bad, { user: "root" })).rejects.toThrow(/remote shell \(become root\) ended.*password is required/);
    await bad.close();
  });

  describe("the framed remote shell", () => {
    let sh: RemoteShell;
    let root: RemoteShell;
    beforeAll(async () => {
      const conn = await connectSsh(target("spare1"), opts);
      sh = await RemoteShell.open(conn);
      root = await RemoteShell.open(conn, { user: "root" });
    });

    it("keeps stdout, stderr and exit codes of each command apart", async () => {
      expect(await sh.run("echo out; echo err >&2; exit 3")).toEqual({ stdout: "out\n", stderr: "err\n", rc: 3 });
      expect(await sh.run("printf 'no newline'")).toEqual({ stdout: "no newline", stderr: "", rc: 0 });
      expect(await sh.run("printf '\\n\\n'")).toEqual({ stdout: "\n\n", stderr: "", rc: 0 });
    });

    it("survives syntax errors, exit, cd and set -e in a command", async () => {
      const bad = await sh.run("if then fi '");
      expect(bad.rc).not.toBe(0);
      await sh.run("cd /tmp; set -e; exit 0");
      expect((await sh.run("pwd")).stdout).toBe(`/home/${DEPLOY_USER}\n`);
    });

    it("feeds binary stdin intact", async () => {
      const data = randomBytes(200_000);
      const r = await sh.run("sha256sum | cut -d' ' -f1", { stdin: data });
      expect(r.stdout.trim()).toBe(createHash("sha256").update(data).digest("hex"));
    });

    it("runs many commands in order on one shell, and becomes root once", async () => {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => sh.run(`echo ${i}`)));
      expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 50 }, (_, i) => `${i}\n`));
      expect((await root.run("id -u; echo $HOME; echo $LC_ALL")).stdout).toBe("0\n/root\nC\n");
    });
  });
});
