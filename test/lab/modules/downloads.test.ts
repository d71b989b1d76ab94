import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markerRel } from "../../../src/modules/archives.js";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { type Converge, RootShells, TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { closeSite, playSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-dl";
/** unarchive's marker for the archive unpacked into DIR/app, in root's state directory (the site's tasks become root). */
const APP_MARKER = `/var/lib/do-converge/${markerRel({ src: "app-1.0.tar.gz", dest: `${DIR}/app` })}`;
const HELLO = "hello from the lab bridge\n";
const SECRET = "only with the right token\n";
const TOKEN = "Bearer t0ken-\"quoted\" \\ and spaces";
const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");
const sha1 = (b: Buffer | string) => createHash("sha1").update(b).digest("hex");
const hasCommand = (c: string) => spawnSync("sh", ["-c", `command -v ${c}`]).status === 0;

/** A tiny project tree, packed as tar.gz, tar.xz and (if zip is installed here) zip. */
function buildArchives(): { dir: string; files: Record<string, Buffer>; zip: boolean } {
  const dir = mkdtempSync(join(tmpdir(), "dcv-archives-"));
  const tree = join(dir, "app-1.0");
  mkdirSync(join(tree, "bin"), { recursive: true });
  mkdirSync(join(tree, "conf"), { recursive: true });
  writeFileSync(join(tree, "bin/run.sh"), "#!/bin/sh\necho running\n");
  chmodSync(join(tree, "bin/run.sh"), 0o755);
  writeFileSync(join(tree, "conf/app.conf"), "port = 8080\n");
  writeFileSync(join(tree, "README"), "app 1.0\n");
  const tar = (flags: string, out: string) => execFileSync("tar", [flags, out, "--owner=0", "--group=0", "app-1.0"], { cwd: dir });
  tar("-czf", "app-1.0.tar.gz");
  tar("-cJf", "app-1.0.tar.xz");
  const zip = hasCommand("zip");
  if (zip) execFileSync("zip", ["-qr", "app-1.0.zip", "app-1.0"], { cwd: dir });
  const files: Record<string, Buffer> = {};
  for (const f of ["app-1.0.tar.gz", "app-1.0.tar.xz", ...(zip ? ["app-1.0.zip"] : [])]) files[f] = readFileSync(join(dir, f));
  return { dir, files, zip };
}

describe.skipIf(skip !== undefined)("get_url and unarchive on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let server: Server;
  let base = "";
  let archives: ReturnType<typeof buildArchives>;
  const requests = new Map<string, number>();
  const count = (path: string) => requests.get(path) ?? 0;
  let installed: string[] = [];

  const failedMsg = (r: Converge) => r.report?.tasks.find((t) => t.status === "failed")?.msg ?? "";

  const site_ = (tasks: string) => playSite("downloads", { BASE: base, DIR }, tasks);

  /** Writes another site file with these tasks, for a one-off run. */
  const extraSite = (name: string, tasks: string) => site.write(name, site_(tasks));

  const MAIN = () =>
    site_(`
    await h.file({ path: DIR, state: "directory" });
    await h.file({ path: DIR + "/by-name", state: "directory" });
    await h.file({ path: DIR + "/app", state: "directory" });
    await h.file({ path: DIR + "/app-remote", state: "directory" });
    await h.get_url({ url: BASE + "/files/hello.txt", dest: DIR + "/hello.txt", checksum: "sha256:${sha256(HELLO)}", mode: "0640", owner: "deploy" });
    await h.get_url({ url: BASE + "/auth/secret.txt", dest: DIR + "/secret.txt", headers: { Authorization: ${JSON.stringify(TOKEN)} }, timeout: 5 });
    await h.get_url({ url: BASE + "/files/app-1.0.tar.gz", dest: DIR + "/by-name", checksum: "sha1:${sha1(archives.files["app-1.0.tar.gz"] ?? "")}" });
    await h.unarchive({ src: "app-1.0.tar.gz", dest: DIR + "/app", strip_components: 1, owner: "deploy", group: "deploy" }, { name: "unpack from the control node" });
    await h.unarchive({ src: DIR + "/by-name/app-1.0.tar.gz", remote_src: true, dest: DIR + "/app-remote", mode: "0600" }, { name: "unpack on the host" });
    await h.unarchive({ src: "app-1.0.tar.gz", dest: DIR + "/app", creates: DIR + "/app/README" }, { name: "skipped by creates" });
`);

  beforeAll(async () => {
    await lab.up();
    archives = buildArchives();
    server = createServer((req, res) => {
      const path = req.url ?? "";
      requests.set(path, count(path) + 1);
      const file = path.startsWith("/files/") ? path.slice("/files/".length) : undefined;
      if (path === "/files/hello.txt") return void res.end(HELLO);
      if (file && archives.files[file]) return void res.end(archives.files[file]);
      if (path === "/auth/secret.txt") {
        if (req.headers.authorization !== TOKEN) return void res.writeHead(401).end("no\n");
        return void res.end(SECRET);
      }
      res.writeHead(404).end("not here\n");
    });
    await new Promise<void>((resolve) => server.listen(0, lab.topology.gatewayPrivate, resolve));
    base = `http://${lab.topology.gatewayPrivate}:${(server.address() as AddressInfo).port}`;
    await sh(`rm -rf ${DIR}`);
    const files: Record<string, string> = { "site.ts": MAIN() };
    site = new TestSite(lab, files, [HOST]);
    for (const [name, bytes] of Object.entries(archives.files)) {
      mkdirSync(join(site.dir, "files"), { recursive: true });
      writeFileSync(join(site.dir, "files", name), bytes);
    }
  });
  afterAll(async () => {
    server?.close();
    await closeSite(root, site, async () => {
      await sh(`rm -rf ${DIR}`).catch(() => "");
      if (installed.length) await sh(`DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq ${installed.join(" ")} >/dev/null`);
    });
    if (archives) rmSync(archives.dir, { recursive: true, force: true });
  });

  it("downloads and unpacks; a second converge changes nothing and sends no HTTP request", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual([
      `file ${DIR}`,
      `file ${DIR}/by-name`,
      `file ${DIR}/app`,
      `file ${DIR}/app-remote`,
      `get_url ${DIR}/hello.txt`,
      `get_url ${DIR}/secret.txt`,
      `get_url ${DIR}/by-name`,
      "unpack from the control node",
      "unpack on the host",
    ]);
    expect(await sh(`cd ${DIR}; stat -c '%a %U %n' hello.txt; cat hello.txt secret.txt; sha256sum < by-name/app-1.0.tar.gz | cut -c1-64`)).toBe(
      `640 deploy hello.txt\n${HELLO}${SECRET}${sha256(archives.files["app-1.0.tar.gz"] ?? "")}\n`,
    );
    expect(await sh(`cd ${DIR}/app; find . | sort; stat -c '%a %U:%G %n' bin/run.sh README; cat conf/app.conf`)).toBe(
      ".\n./README\n./bin\n./bin/run.sh\n./conf\n./conf/app.conf\n755 deploy:deploy bin/run.sh\n644 deploy:deploy README\nport = 8080\n",
    );
    expect(await sh(`head -n 1 ${APP_MARKER}; tail -n +2 ${APP_MARKER} | sort`)).toBe(
      `${sha256(archives.files["app-1.0.tar.gz"] ?? "")}\nREADME\nbin\nbin/run.sh\nconf\nconf/app.conf\n`,
    );
    expect(await sh(`cd ${DIR}/app-remote; stat -c '%a %n' app-1.0/bin/run.sh app-1.0/bin; ls -A ${DIR} | grep -c dcv- || true; ls -A /tmp | grep -c dcv-unarchive || true`)).toBe(
      "600 app-1.0/bin/run.sh\n755 app-1.0/bin\n0\n0\n",
    );
    expect([count("/files/hello.txt"), count("/auth/secret.txt"), count("/files/app-1.0.tar.gz")]).toEqual([1, 1, 1]);

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
    expect([count("/files/hello.txt"), count("/auth/secret.txt"), count("/files/app-1.0.tar.gz")]).toEqual([1, 1, 1]);
  });

  it("--check reports drift made by hand without downloading or unpacking; a converge repairs it", async () => {
    await sh(`cd ${DIR}; echo tampered > hello.txt; chmod 0666 secret.txt; rm app/conf/app.conf; chown root app/README; chmod 0644 app-remote/app-1.0/README`);
    const before = await sh(`cd ${DIR}; cat hello.txt; stat -c '%a %U %n' secret.txt app/README app-remote/app-1.0/README; ls app/conf`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual([`get_url ${DIR}/hello.txt`, "unpack from the control node", "unpack on the host"]);
    expect(check.stdout).toMatch(/sha256 differs/);
    expect(check.stdout).toMatch(/1 unpacked path\(s\) missing/);
    expect(check.stdout).toMatch(/owner\/group\/mode of 1 path/);
    expect(await sh(`cd ${DIR}; cat hello.txt; stat -c '%a %U %n' secret.txt app/README app-remote/app-1.0/README; ls app/conf`)).toBe(before);
    expect(count("/files/hello.txt")).toBe(1);

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual([`get_url ${DIR}/hello.txt`, "unpack from the control node", "unpack on the host"]);
    expect(count("/files/hello.txt")).toBe(2);
    // secret.txt: no checksum and no force, so an existing file is left alone (mode included: none asked).
    expect(await sh(`cd ${DIR}; cat hello.txt; stat -c '%a %U:%G %n' app/README app/conf/app.conf app-remote/app-1.0/README`)).toBe(
      `${HELLO}644 deploy:deploy app/README\n644 deploy:deploy app/conf/app.conf\n600 root:root app-remote/app-1.0/README\n`,
    );
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a new archive version is unpacked again, once", async () => {
    const v2 = Buffer.concat([archives.files["app-1.0.tar.gz"] ?? Buffer.alloc(0)]);
    // Same name, new content: rebuild with a changed README.
    writeFileSync(join(archives.dir, "app-1.0/README"), "app 1.0 patched\n");
    execFileSync("tar", ["-czf", "app-1.0.tar.gz", "--owner=0", "--group=0", "app-1.0"], { cwd: archives.dir });
    const patched = readFileSync(join(archives.dir, "app-1.0.tar.gz"));
    expect(sha256(patched)).not.toBe(sha256(v2));
    writeFileSync(join(site.dir, "files/app-1.0.tar.gz"), patched);
    const r = await site.converge();
    expect(r.code, explain(r)).toBe(0);
    expect(changedTasks(r)).toEqual(["unpack from the control node"]);
    expect(await sh(`cat ${DIR}/app/README; head -n 1 ${APP_MARKER}`)).toBe(`app 1.0 patched\n${sha256(patched)}\n`);
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a wrong checksum fails and leaves no file behind; an HTTP error fails with its status", async () => {
    extraSite(
      "bad.ts",
      `
    await h.get_url({ url: BASE + "/files/hello.txt", dest: DIR + "/wrong.txt", checksum: "sha256:${"0".repeat(64)}" }, { ignoreErrors: true });
    await h.get_url({ url: BASE + "/nothing-here", dest: DIR + "/missing.txt" });
`,
    );
    const r = await site.converge([], { site: "bad.ts" });
    expect(r.code, explain(r)).toBe(2);
    const tasks = r.report?.tasks ?? [];
    expect(tasks[0]?.status).toBe("ignored");
    expect(tasks[0]?.msg).toMatch(/checksum mismatch: expected sha256:0{64}, the download has sha256:[0-9a-f]{64}; \/srv\/dcv-dl\/wrong.txt left as it was/);
    expect(failedMsg(r)).toMatch(/cannot download http:\/\/.*\/nothing-here: HTTP status 404/);
    expect(await sh(`ls -A ${DIR} | grep -E 'wrong|missing|dcv-get_url' || echo none`)).toBe("none\n");
  });

  it("force downloads again and reports ok when the content is the same", async () => {
    extraSite("force.ts", `    await h.get_url({ url: BASE + "/files/hello.txt", dest: DIR + "/hello.txt", force: true, mode: "0640", owner: "deploy" });`);
    const n = count("/files/hello.txt");
    const check = await site.converge(["--check"], { site: "force.ts" });
    expect(check.report?.tasks[0]?.status, explain(check)).toBe("skipped");
    expect(count("/files/hello.txt")).toBe(n);
    const r = await site.converge([], { site: "force.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(r.report?.tasks[0]?.status, explain(r)).toBe("ok");
    expect(count("/files/hello.txt")).toBe(n + 1);
  });

  it("zip and tar.xz need unzip and xz on the host: a clear failure, then unpacked once installed", async () => {
    const zipTask = archives.zip
      ? `    await h.unarchive({ src: "app-1.0.zip", dest: DIR + "/zip", strip_components: 1, owner: "deploy" });\n`
      : "";
    if (!archives.zip) console.warn("zip is not installed on the control node: the zip case is skipped");
    extraSite(
      "formats.ts",
      `
    await h.file({ path: DIR + "/zip", state: "directory" });
    await h.file({ path: DIR + "/xz", state: "directory" });
${zipTask}    await h.unarchive({ src: "app-1.0.tar.xz", dest: DIR + "/xz" });
`,
    );
    const missing = (await sh("for c in unzip xz; do command -v $c >/dev/null || echo $c; done")).split("\n").filter(Boolean);
    if (missing.length) {
      const r = await site.converge([], { site: "formats.ts" });
      expect(r.code, explain(r)).toBe(2);
      expect(failedMsg(r)).toMatch(missing.includes("unzip") && archives.zip ? /unzip is not installed on the host: install the unzip package first/ : /xz is not installed on the host: install the xz-utils package first/);
      const pkgs = missing.map((c) => (c === "xz" ? "xz-utils" : c));
      await sh(`apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkgs.join(" ")} >/dev/null`);
      installed = pkgs;
    }
    const r = await site.converge([], { site: "formats.ts" });
    expect(r.code, explain(r)).toBe(0);
    const zipped = archives.zip ? ["zip/README", "zip/bin", "zip/bin/run.sh", "zip/conf", "zip/conf/app.conf"] : [];
    const xzed = ["xz/app-1.0", "xz/app-1.0/README", "xz/app-1.0/bin", "xz/app-1.0/bin/run.sh", "xz/app-1.0/conf", "xz/app-1.0/conf/app.conf"];
    expect(await sh(`cd ${DIR}; find xz zip | LC_ALL=C sort`)).toBe(`${["xz", ...xzed, "zip", ...zipped].join("\n")}\n`);
    if (archives.zip) expect(await sh(`stat -c '%a %U' ${DIR}/zip/README ${DIR}/zip/bin/run.sh`)).toBe("644 deploy\n755 deploy\n");
    const again = await site.converge([], { site: "formats.ts" });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });
});
