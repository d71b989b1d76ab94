import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJumpSpec, resolveSshConfig } from "../../../src/transport/ssh-config.js";

// Expectations were checked against OpenSSH 9.2's own resolution (`ssh -G -F file host`), except
// the two tests marked "deliberate difference": Match blocks (which ssh applies) and Include loops
// (which ssh rejects with an error).

let home = "";
let savedHome: string | undefined;
let ssh = "";

/** Writes a config file under the fake ~/.ssh and returns its path. */
function config(name: string, text: string): string {
  const path = join(ssh, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(() => {
  savedHome = process.env.HOME;
  home = mkdtempSync(join(tmpdir(), "do-converge-ssh-config-"));
  ssh = join(home, ".ssh");
  mkdirSync(ssh);
  // os.homedir() reads $HOME, so `~` and relative Include resolve inside the fake home.
  process.env.HOME = home;
});
afterAll(() => {
  if (savedHome === undefined) delete process.env.HOME;
  else process.env.HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

const MAIN = `# comment
Host web1
  HostName 10.0.0.5
  User deploy
  IdentityFile ~/.ssh/web1_ed25519

Host web* !web-legacy
  Port 2222
  User ignored
  IdentityFile ~/.ssh/%h_%r

Host bastion
  ProxyJump none
  HostName bastion.example.com

host db?
  proxyjump ops@bastion:2200,[::1]:2222
  PORT=2201
  IdentityFile="/keys/db key"
  HostName %h.internal

Host *
  User root
  Port 22
  ProxyJump bastion
  IdentityFile ~/.ssh/id_ed25519
  ConnectTimeout 10
  ServerAliveInterval=15
  StrictHostKeyChecking Yes
  UserKnownHostsFile ~/.ssh/known_hosts ~/.ssh/known_hosts2
`;

describe("resolveSshConfig", () => {
  let main = "";
  beforeAll(() => {
    main = config("config", MAIN);
  });

  const defaults = () => ({
    connectTimeout: 10,
    serverAliveInterval: 15,
    strictHostKeyChecking: "yes",
    userKnownHostsFiles: [join(home, ".ssh/known_hosts"), join(home, ".ssh/known_hosts2")],
  });

  it("takes the first value of each option across matching blocks, and accumulates IdentityFile", () => {
    expect(resolveSshConfig("web1", main)).toEqual({
      ...defaults(),
      hostName: "10.0.0.5",
      user: "deploy", // web1's, not the later "ignored" or "root"
      port: 2222, // from `Host web*`, before `Host *`'s 22
      identityFiles: [join(home, ".ssh/web1_ed25519"), join(home, ".ssh/10.0.0.5_deploy"), join(home, ".ssh/id_ed25519")],
      proxyJump: ["bastion"],
    });
  });

  it("expands %h to the HostName (or the host) and %r to the resolved user in IdentityFile", () => {
    expect(resolveSshConfig("web2", main)).toEqual({
      ...defaults(),
      user: "ignored",
      port: 2222,
      identityFiles: [join(home, ".ssh/web2_ignored"), join(home, ".ssh/id_ed25519")],
      proxyJump: ["bastion"],
    });
  });

  it("a negated pattern keeps a block from matching", () => {
    expect(resolveSshConfig("web-legacy", main)).toEqual({
      ...defaults(),
      user: "root",
      port: 22,
      identityFiles: [join(home, ".ssh/id_ed25519")],
      proxyJump: ["bastion"],
    });
  });

  it("ProxyJump none in an earlier block wins over the Host * jump", () => {
    expect(resolveSshConfig("bastion", main)).toEqual({
      ...defaults(),
      hostName: "bastion.example.com",
      user: "root",
      port: 22,
      identityFiles: [join(home, ".ssh/id_ed25519")],
      proxyJump: [],
    });
  });

  it("reads case-insensitive keywords, Key=Value, quoted values, ProxyJump lists and %h in HostName", () => {
    expect(resolveSshConfig("db2", main)).toEqual({
      ...defaults(),
      hostName: "db2.internal",
      user: "root",
      port: 2201,
      identityFiles: ["/keys/db key", join(home, ".ssh/id_ed25519")],
      proxyJump: ["ops@bastion:2200", "[::1]:2222"],
    });
  });

  it("`Host *` gives the defaults to any other host", () => {
    expect(resolveSshConfig("other.example.com", main)).toEqual({
      ...defaults(),
      user: "root",
      port: 22,
      identityFiles: [join(home, ".ssh/id_ed25519")],
      proxyJump: ["bastion"],
    });
  });

  it("matches Host patterns case-sensitively, as OpenSSH does", () => {
    const file = config("case", "Host Web-Upper\n  Port 1111\nHost web-lower\n  Port 2222\nHost *\n  Port 3333\n");
    expect(resolveSshConfig("Web-Upper", file).port).toBe(1111);
    expect(resolveSshConfig("web-upper", file).port).toBe(3333);
    expect(resolveSshConfig("web-lower", file).port).toBe(2222);
    expect(resolveSshConfig("WEB-LOWER", file).port).toBe(3333);
  });

  it("options before the first Host apply to every host", () => {
    const file = config("toplevel", "User early\nPort 2022\nHost a\n  User late\n");
    expect(resolveSshConfig("a", file)).toMatchObject({ user: "early", port: 2022 });
    expect(resolveSshConfig("b", file)).toMatchObject({ user: "early", port: 2022 });
  });

  it("a Host line with several patterns matches any of them; ? matches one character", () => {
    const file = config("multi", "Host alpha beta gamm?\n  User multi\n");
    expect(resolveSshConfig("beta", file).user).toBe("multi");
    expect(resolveSshConfig("gamma", file).user).toBe("multi");
    expect(resolveSshConfig("gammas", file).user).toBeUndefined();
    expect(resolveSshConfig("alphabet", file).user).toBeUndefined();
  });

  it("a block with only negated patterns never matches", () => {
    const file = config("onlyneg", "Host !secret\n  User nobody\n");
    expect(resolveSshConfig("public", file).user).toBeUndefined();
    expect(resolveSshConfig("secret", file).user).toBeUndefined();
  });

  it("does not apply Match blocks (deliberate difference: ssh -G gives user matched here)", () => {
    const file = config("match", "Match host web\n  User matched\nHost web\n  Port 2200\n");
    expect(resolveSshConfig("web", file)).toMatchObject({ port: 2200 });
    expect(resolveSshConfig("web", file).user).toBeUndefined();
  });

  it("expands %% and %n, and falls back to the local user for %r without a User", () => {
    const file = config("tokens", "Host alias\n  HostName real.example.com\n  IdentityFile /k/%n-%h-%r-%%\n");
    expect(resolveSshConfig("alias", file).identityFiles).toEqual([`/k/alias-real.example.com-${userInfo().username}-%`]);
  });

  it("returns empty lists and no fields for a missing config file", () => {
    expect(resolveSshConfig("any", join(home, "no-such-config"))).toEqual({ identityFiles: [], proxyJump: [], userKnownHostsFiles: [] });
  });

  it("Include of a relative file reads it from ~/.ssh, in place", () => {
    config("extra.conf", "Host inc-host\n  Port 2022\n  User incuser\n");
    const file = config("with-include", "Include extra.conf\nHost *\n  User fallback\n  Port 22\n");
    expect(resolveSshConfig("inc-host", file)).toMatchObject({ port: 2022, user: "incuser" });
    expect(resolveSshConfig("other", file)).toMatchObject({ port: 22, user: "fallback" });
  });

  it("top-level options after an Include apply to every host again (the included Host block ends with the file)", () => {
    config("inc-blocks.conf", "User incuser\nHost inc-host\n  Port 2022\n");
    const file = config("after-include", "Include inc-blocks.conf\nServerAliveInterval 5\nHost *\n  User fallback\n");
    // ssh -G: every host gets serveraliveinterval 5 and user incuser; only inc-host port 2022.
    expect(resolveSshConfig("inc-host", file)).toMatchObject({ serverAliveInterval: 5, user: "incuser", port: 2022 });
    expect(resolveSshConfig("other", file)).toMatchObject({ serverAliveInterval: 5, user: "incuser" });
    expect(resolveSshConfig("other", file).port).toBeUndefined();
  });

  it("an Include inside a Host block applies only to that block's hosts, and the block continues after it", () => {
    config("scoped.conf", "ConnectTimeout 7\nHost scoped\n  Port 2323\nHost inc-host\n  ConnectTimeout 9\n");
    const file = config("scoped-include", "Host scoped\n  Include scoped.conf\n  HostName scoped.example.com\nHost *\n  User fallback\n");
    // ssh -G scoped: hostname scoped.example.com, port 2323, connecttimeout 7
    expect(resolveSshConfig("scoped", file)).toMatchObject({ hostName: "scoped.example.com", port: 2323, connectTimeout: 7, user: "fallback" });
    // ssh -G inc-host / other: none of scoped.conf applies
    const incHost = resolveSshConfig("inc-host", file);
    expect([incHost.hostName, incHost.port, incHost.connectTimeout, incHost.user]).toEqual([undefined, undefined, undefined, "fallback"]);
    const other = resolveSshConfig("other", file);
    expect([other.hostName, other.port, other.connectTimeout, other.user]).toEqual([undefined, undefined, undefined, "fallback"]);
  });

  it("an Include loop does not recurse forever (deliberate difference: ssh fails with too many includes)", () => {
    config("loop-a", "Include loop-b\nHost loop\n  User a\n");
    config("loop-b", "Include loop-a\nHost loop\n  Port 2002\n");
    expect(resolveSshConfig("loop", join(ssh, "loop-a"))).toMatchObject({ user: "a", port: 2002 });
  });

  it("Include accepts an absolute path and a ~/ path", () => {
    const abs = join(home, "abs.conf");
    writeFileSync(abs, "Host x\n  User absuser\n");
    mkdirSync(join(home, "conf.d"), { recursive: true });
    writeFileSync(join(home, "conf.d", "tilde.conf"), "Host y\n  User tildeuser\n");
    const file = config("abs-include", `Include ${abs} ~/conf.d/tilde.conf\n`);
    expect(resolveSshConfig("x", file).user).toBe("absuser");
    expect(resolveSshConfig("y", file).user).toBe("tildeuser");
  });
});

describe("parseJumpSpec", () => {
  it.each([
    ["host", { host: "host" }],
    ["bastion.example.com", { host: "bastion.example.com" }],
    ["user@host", { user: "user", host: "host" }],
    ["host:2222", { host: "host", port: 2222 }],
    ["ops@bastion:2200", { user: "ops", host: "bastion", port: 2200 }],
    ["[::1]:2222", { host: "::1", port: 2222 }],
    ["[::1]", { host: "::1" }],
    ["me@[2001:db8::1]:22", { user: "me", host: "2001:db8::1", port: 22 }],
    ["10.0.0.1:22", { host: "10.0.0.1", port: 22 }],
    ["first.last@corp@jump:2022", { user: "first.last@corp", host: "jump", port: 2022 }],
  ] as const)("%s", (spec, want) => {
    expect(parseJumpSpec(spec)).toEqual(want);
  });
});
