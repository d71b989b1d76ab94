import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { markerId, markerRel, unarchive } from "../../../src/modules/archives.js";
import { cli, scratchDir, siteSource } from "../safety/cli-helpers.js";

// unarchive's extra_opts: tar's and unzip's own options, passed as Ansible passes them, on real
// archives unpacked over the local connection.

const tasksOf = (json: string) => (JSON.parse(readFileSync(json, "utf8")) as { tasks: { status: string; msg?: string }[] }).tasks;

describe("unarchive extra_opts", () => {
  it("the schema: a list, or a string split at commas; the marker tells options apart", () => {
    const base = { src: "/tmp/a.tar.gz", dest: "/srv", remote_src: true };
    expect(unarchive.args.parse(base).extra_opts).toEqual([]);
    expect(unarchive.args.parse({ ...base, extra_opts: "--strip-components=1, --no-same-owner" }).extra_opts).toEqual(["--strip-components=1", "--no-same-owner"]);
    expect(markerId({ extra_opts: [] }, "abc")).toBe("abc");
    expect(markerId({ extra_opts: ["--strip-components=1"] }, "abc")).toMatch(/^abc opts:[0-9a-f]{16}$/);
    expect(markerId({ extra_opts: ["--strip-components=1"] }, "abc")).not.toBe(markerId({ extra_opts: ["--strip-components=2"] }, "abc"));
  });

  it("copy, Ansible's older spelling: copy: false is remote_src: true; the two exclude each other", () => {
    const base = { src: "/tmp/a.tar.gz", dest: "/srv" };
    expect(unarchive.args.parse({ ...base, copy: false }).remote_src).toBe(true);
    expect(unarchive.args.parse({ ...base, copy: true }).remote_src).toBe(false);
    expect(unarchive.args.parse(base).remote_src).toBe(false);
    expect("copy" in unarchive.args.parse({ ...base, copy: false })).toBe(false);
    const both = unarchive.args.safeParse({ ...base, copy: false, remote_src: true });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.message).toContain("mutually exclusive");
    // copy: false still needs a path on the host.
    expect(unarchive.args.safeParse({ src: "a.tar.gz", dest: "/srv", copy: false }).error?.issues[0]?.message).toContain("absolute path on the host");
  });

  const work = scratchDir("unarchive-opts");
  const src = join(work, "src");
  // The markers go to do-converge's state directory on the host: here one of the test's own.
  const state = join(work, "state");
  const inventory = `all:\n  hosts:\n    localhost: { ansible_connection: local, do_converge_state_dir: ${state} }\n`;
  const markerOf = (archive: string, dest: string) => join(state, markerRel({ src: join(work, archive), dest: join(work, dest) }));

  async function converge(body: string, extra: string[] = []) {
    writeFileSync(join(work, "site.ts"), siteSource(body));
    const json = join(work, "report.json");
    const r = await cli(work, ["site.ts", "-i", "inventory.yml", "--no-typecheck", "--json", json, ...extra]);
    return { ...r, tasks: tasksOf(json) };
  }

  it("tar: --strip-components and --transform name what lands in dest; a second run is ok; a deleted member unpacks again; other options unpack again", { timeout: 120_000 }, async () => {
    writeFileSync(join(work, "inventory.yml"), inventory);
    mkdirSync(join(src, "app-1.0", "bin"), { recursive: true });
    writeFileSync(join(src, "app-1.0", "README"), "readme\n");
    writeFileSync(join(src, "app-1.0", "bin", "run"), "run\n");
    execFileSync("tar", ["-C", src, "-czf", join(work, "app.tar.gz"), "app-1.0"]);
    mkdirSync(join(work, "strip"));
    mkdirSync(join(work, "renamed"));
    const body = (opts: string) => `await h.unarchive({ src: ${JSON.stringify(join(work, "app.tar.gz"))}, remote_src: true, dest: ${JSON.stringify(join(work, "strip"))}, extra_opts: ["--strip-components=1"] });
await h.unarchive({ src: ${JSON.stringify(join(work, "app.tar.gz"))}, remote_src: true, dest: ${JSON.stringify(join(work, "renamed"))}, extra_opts: ${opts} });`;
    const first = await converge(body(`["--transform", "s/^app-1.0/app/"]`));
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.tasks.map((t) => t.status)).toEqual(["changed", "changed"]);
    expect(readFileSync(join(work, "strip", "bin", "run"), "utf8")).toBe("run\n");
    expect(existsSync(join(work, "strip", "app-1.0"))).toBe(false);
    expect(readFileSync(join(work, "renamed", "app", "README"), "utf8")).toBe("readme\n");
    expect(readFileSync(markerOf("app.tar.gz", "strip"), "utf8").split("\n").slice(1).sort()).toEqual(["", "README", "bin", "bin/run"]);
    // dest holds what the archive holds, and nothing of do-converge's.
    expect(readdirSync(join(work, "strip")).sort()).toEqual(["README", "bin"]);

    expect((await converge(body(`["--transform", "s/^app-1.0/app/"]`))).tasks.map((t) => t.status)).toEqual(["ok", "ok"]);
    rmSync(join(work, "strip", "bin", "run"));
    const check = await converge(body(`["--transform", "s/^app-1.0/app/"]`), ["--check"]);
    expect(check.tasks.map((t) => t.status)).toEqual(["changed", "ok"]);
    expect(existsSync(join(work, "strip", "bin", "run"))).toBe(false);
    const other = await converge(body(`["--transform", "s/^app-1.0/other/"]`));
    expect(other.tasks.map((t) => t.status)).toEqual(["changed", "changed"]);
    expect(readFileSync(join(work, "strip", "bin", "run"), "utf8")).toBe("run\n");
    expect(readFileSync(join(work, "renamed", "other", "README"), "utf8")).toBe("readme\n");
  });

  it("zip: unzip's options (-j junks paths) go before the archive; the run after is ok", { timeout: 120_000 }, async () => {
    execFileSync("zip", ["-q", "-r", join(work, "app.zip"), "app-1.0"], { cwd: src });
    mkdirSync(join(work, "flat"));
    const body = `await h.unarchive({ src: ${JSON.stringify(join(work, "app.zip"))}, remote_src: true, dest: ${JSON.stringify(join(work, "flat"))}, extra_opts: ["-j"] });`;
    const first = await converge(body);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(readFileSync(join(work, "flat", "run"), "utf8")).toBe("run\n");
    expect(existsSync(join(work, "flat", "app-1.0"))).toBe(false);
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok"]);
  });

  it("the marker of an earlier version inside dest is not read, and goes when the archive is unpacked again", { timeout: 120_000 }, async () => {
    mkdirSync(join(work, "legacy"));
    const legacy = join(work, "legacy", ".do-converge-unarchive-app.tar.gz");
    writeFileSync(legacy, `${markerId({ extra_opts: [] }, "0".repeat(64))}\nREADME\n`);
    const body = `await h.unarchive({ src: ${JSON.stringify(join(work, "app.tar.gz"))}, remote_src: true, dest: ${JSON.stringify(join(work, "legacy"))}, extra_opts: ["--strip-components=1"] });`;
    const first = await converge(body);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.tasks.map((t) => t.status)).toEqual(["changed"]);
    expect(existsSync(legacy)).toBe(false);
    expect(readdirSync(join(work, "legacy")).sort()).toEqual(["README", "bin"]);
    expect(readFileSync(markerOf("app.tar.gz", "legacy"), "utf8").split("\n")[0]).toMatch(/^[0-9a-f]{64} opts:/);
    expect((await converge(body)).tasks.map((t) => t.status)).toEqual(["ok"]);
  });

  it("a URL as src with remote_src: the host downloads it; unchanged bytes are no change; new bytes at the URL unpack again", { timeout: 120_000 }, async () => {
    let served = readFileSync(join(work, "app.tar.gz"));
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      if (req.url === "/dl/app.tar.gz") res.end(served);
      else res.writeHead(404).end("not here\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dl`;
      mkdirSync(join(work, "web"));
      const body = (name: string) =>
        `await h.unarchive({ src: ${JSON.stringify(`${base}/${name}`)}, remote_src: true, dest: ${JSON.stringify(join(work, "web"))}, extra_opts: ["--strip-components=1"] });`;
      const first = await converge(body("app.tar.gz"));
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(first.tasks.map((t) => t.status)).toEqual(["changed"]);
      expect(readFileSync(join(work, "web", "bin", "run"), "utf8")).toBe("run\n");
      expect(readdirSync(join(work, "web")).sort()).toEqual(["README", "bin"]);
      // Downloaded for its sha256, then again to unpack: nothing left in the host's temp directory.
      expect(requests).toBe(2);
      expect(readdirSync("/tmp").filter((f) => f.startsWith(".dcv-unarchive"))).toEqual([]);
      expect((await converge(body("app.tar.gz"))).tasks.map((t) => t.status)).toEqual(["ok"]);
      expect(requests).toBe(3);

      writeFileSync(join(src, "app-1.0", "README"), "readme 2\n");
      execFileSync("tar", ["-C", src, "-czf", join(work, "app2.tar.gz"), "app-1.0"]);
      served = readFileSync(join(work, "app2.tar.gz"));
      const again = await converge(body("app.tar.gz"));
      expect(again.tasks.map((t) => t.status)).toEqual(["changed"]);
      expect(readFileSync(join(work, "web", "README"), "utf8")).toBe("readme 2\n");

      const missing = await converge(body("gone.tar.gz"));
      expect(missing.tasks[0]?.status).toBe("failed");
      expect(missing.tasks[0]?.msg).toMatch(/cannot download http:\/\/127\.0\.0\.1:\d+\/dl\/gone\.tar\.gz/);
      expect(missing.tasks[0]?.msg).toMatch(/404/);
    } finally {
      server.close();
    }
  });

  it("a URL src needs remote_src", () => {
    expect(unarchive.args.safeParse({ src: "https://example.com/a.tar.gz", dest: "/srv" }).error?.issues[0]?.message).toMatch(/needs remote_src: true/);
    expect(unarchive.args.safeParse({ src: "https://example.com/a.tar.gz?x=1", dest: "/srv", remote_src: true }).success).toBe(true);
  });

  it("one marker per dest and archive name, whatever dest's trailing slashes", () => {
    expect(markerRel({ src: "/a/app.tar.gz", dest: "/srv/x/" })).toBe(markerRel({ src: "/b/app.tar.gz", dest: "/srv/x" }));
    expect(markerRel({ src: "/a/app.tar.gz", dest: "/srv/x" })).not.toBe(markerRel({ src: "/a/app.tar.gz", dest: "/srv/y" }));
    expect(markerRel({ src: "/a/app.tar.gz", dest: "/srv/x" })).not.toBe(markerRel({ src: "/a/other.tar.gz", dest: "/srv/x" }));
    expect(markerRel({ src: "/a/app.tar.gz", dest: "/srv/x" })).toMatch(/^unarchive\/[0-9a-f]{32}$/);
  });

  it("an option tar refuses fails with tar's message", { timeout: 120_000 }, async () => {
    const r = await converge(`await h.unarchive({ src: ${JSON.stringify(join(work, "app.tar.gz"))}, remote_src: true, dest: ${JSON.stringify(join(work, "renamed"))}, extra_opts: ["--no-such-option"] });`);
    expect(r.tasks[0]?.status).toBe("failed");
    expect(r.tasks[0]?.msg).toMatch(/^cannot unpack .*app\.tar\.gz into .*renamed: tar: unrecognized option '--no-such-option'/);
  });
});
