import { randomBytes } from "node:crypto";
import { chmodSync, chownSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEPLOY_USER } from "./base.js";
import { METADATA_IPV4 } from "./bridge.js";
import { LabError } from "./errors.js";
import { run } from "./exec.js";
import type { LabHost, Topology } from "./topology.js";

function userIds(root: string, user: string): { uid: number; gid: number; home: string } {
  const line = readFileSync(join(root, "etc/passwd"), "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${user}:`));
  const f = line?.split(":");
  if (!f || f.length < 7) throw new LabError(`${root}: no user ${user} in etc/passwd`);
  return { uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? `/home/${user}` };
}

function authorize(root: string, user: string, publicKey: string): void {
  const { uid, gid, home } = userIds(root, user);
  const ssh = join(root, home, ".ssh");
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  const keys = join(ssh, "authorized_keys");
  writeFileSync(keys, `${publicKey}\n`, { mode: 0o600 });
  chmodSync(ssh, 0o700);
  chownSync(ssh, uid, gid);
  chownSync(keys, uid, gid);
}

/**
 * Everything that makes a copy of the base one particular droplet: name, machine-id, its own
 * SSH host keys, addresses on both lab networks, the route to the metadata service, the lab
 * key for root and deploy (as DigitalOcean's cloud-config does), and apt through the lab proxy.
 * Returns the host's public host keys, one known_hosts key ("type base64") per line.
 */
export async function writeHostFiles(root: string, host: LabHost, topo: Topology, labPublicKey: string, aptProxy: string): Promise<string[]> {
  writeFileSync(join(root, "etc/hostname"), `${host.name}\n`);
  writeFileSync(join(root, "etc/machine-id"), `${randomBytes(16).toString("hex")}\n`);
  const peers = topo.hosts.map((h) => `${h.privateIpv4}\t${h.name}`).join("\n");
  writeFileSync(
    join(root, "etc/hosts"),
    `127.0.0.1\tlocalhost\n127.0.1.1\t${host.name}\n::1\tlocalhost ip6-localhost ip6-loopback\n${peers}\n`,
  );

  await run("ssh-keygen", ["-A", "-f", root]);
  const hostKeys = readdirSync(join(root, "etc/ssh"))
    .filter((f) => f.startsWith("ssh_host_") && f.endsWith(".pub"))
    .map((f) => readFileSync(join(root, "etc/ssh", f), "utf8").trim().split(/\s+/).slice(0, 2).join(" "));

  mkdirSync(join(root, "etc/systemd/network"), { recursive: true });
  writeFileSync(
    join(root, "etc/systemd/network/10-lab.network"),
    [
      "# The droplet's private (VPC) and public addresses. No default route: the lab has no internet.",
      "[Match]",
      "Name=host0",
      "",
      "[Network]",
      `Address=${host.privateIpv4}/24`,
      `Address=${host.publicIpv4}/24`,
      "LinkLocalAddressing=no",
      "IPv6AcceptRA=no",
      "",
      "[Route]",
      `Destination=${METADATA_IPV4}/32`,
      "Scope=link",
      "",
    ].join("\n"),
  );

  // apt asks proxies for index files with "Cache-Control: max-age=0" unless told otherwise, which
  // makes apt-cacher-ng refresh InRelease for every client; several hosts updating at once then
  // race its refresh and hang ("Failure to move file ... out of the way"). A day-old index from
  // the proxy is fresh enough for the lab; `up` refreshes them (warmAptProxy). And no HTTP
  // pipelining: with apt's default (10 requests in flight on one connection) fresh hosts updating
  // together stalled on apt-cacher-ng (3 of 8 in one e2e run, each cut by the apt module's
  // update_cache_timeout and retried); without it, none in the 16 updates measured after.
  writeFileSync(join(root, "etc/apt/apt.conf.d/01do-converge-lab-proxy"), `Acquire::http::Proxy "${aptProxy}";\nAcquire::http::Max-Age "86400";\nAcquire::http::Pipeline-Depth "0";\n`);
  authorize(root, "root", labPublicKey);
  authorize(root, DEPLOY_USER, labPublicKey);
  return hostKeys;
}
