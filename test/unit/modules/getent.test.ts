import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModuleContext } from "../../../src/modules/contract.js";
import { getent, parseGetent } from "../../../src/modules/getent.js";
import { RemoteShell } from "../../../src/remote/shell.js";
import { LocalConnection } from "../../../src/transport/local.js";
import { ANSIBLE_PYTHON } from "./ansible-oracle/oracle.js";

describe("getent's output as Ansible's getent reads it", () => {
  it("splits colon databases on ':' and keeps empty fields", () => {
    expect(parseGetent("root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/nonexistent:/usr/sbin/nologin\n", ":")).toEqual({
      root: ["x", "0", "0", "root", "/root", "/bin/bash"],
      nobody: ["x", "65534", "65534", "", "/nonexistent", "/usr/sbin/nologin"],
    });
  });

  it("splits on runs of whitespace without a separator, and lists a key seen several times", () => {
    const hosts = "127.0.0.1       localhost\n::1             localhost ip6-localhost ip6-loopback\n127.0.0.1  other\n127.0.0.1 third\n";
    expect(parseGetent(hosts, undefined)).toEqual({
      "127.0.0.1": [["localhost"], ["other"], ["third"]],
      "::1": ["localhost", "ip6-localhost", "ip6-loopback"],
    });
  });

  it("refuses what Ansible refuses", () => {
    expect(getent.args.safeParse({ key: "root" }).success).toBe(false);
    expect(getent.args.safeParse({ database: "passwd", split: "" }).success).toBe(false);
    expect(getent.args.safeParse({ database: "passwd", keys: "root" }).success).toBe(false);
    expect(getent.args.parse({ database: "passwd", key: 0 })).toEqual({ database: "passwd", key: "0", fail_key: true });
  });
});

describe("getent on this machine, against ansible.builtin.getent", () => {
  let sh: RemoteShell;
  let ctx: ModuleContext;
  let work: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "dcv-getent-"));
    sh = await RemoteShell.open(new LocalConnection("local"));
    ctx = { host: "local", check: false, wantDiff: false, sh, renderTemplate: () => "", readControlFile: () => Buffer.alloc(0) };
  });
  afterAll(() => {
    sh.close();
    rmSync(work, { recursive: true, force: true });
  });

  const ansible = (args: Record<string, unknown>): { failed?: boolean; msg?: string; ansible_facts?: unknown } => {
    const file = join(work, "args.json");
    writeFileSync(file, JSON.stringify({ ANSIBLE_MODULE_ARGS: { ...args, _ansible_remote_tmp: join(work, "rtmp") } }));
    try {
      return JSON.parse(execFileSync(ANSIBLE_PYTHON, ["-m", "ansible.modules.getent", file], { encoding: "utf8", cwd: work })) as { ansible_facts?: unknown };
    } catch (err) {
      // A failing module exits 1 with its JSON on stdout.
      return JSON.parse(String((err as { stdout?: string }).stdout)) as { failed: boolean; msg: string };
    }
  };

  it.each([
    ["a user", { database: "passwd", key: "root" }],
    ["every group", { database: "group" }],
    ["a group, split given", { database: "group", key: "root", split: ":" }],
    ["services, whitespace", { database: "services", key: "ssh" }],
    ["a missing key, fail_key false", { database: "passwd", key: "dcv-nobody-here", fail_key: false }],
    ["from files only", { database: "passwd", key: "root", service: "files" }],
  ])("%s", async (_name, args) => {
    const ours = await getent.probe(ctx, getent.args.parse(args));
    const theirs = ansible(args);
    expect(ours.ansible_facts).toEqual(theirs.ansible_facts);
    expect(ours.msg).toEqual(theirs.msg);
  });

  it.each([
    ["a missing key", { database: "passwd", key: "dcv-nobody-here" }, "getent passwd dcv-nobody-here: One or more supplied key could not be found in the database."],
    ["an unknown database", { database: "nosuchdb" }, "getent nosuchdb: Missing arguments, or database unknown."],
  ])("fails on %s with Ansible's message", async (_name, args, message) => {
    const theirs = ansible(args);
    expect(theirs.failed).toBe(true);
    await expect(getent.probe(ctx, getent.args.parse(args))).rejects.toMatchObject({ name: "ModuleError", message });
    expect(message).toContain(theirs.msg);
  });
});
