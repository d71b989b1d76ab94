import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, explain, everything, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite, statuses } from "./helpers.js";

// Arguments of modules we already had, as Ansible roles use them, on one real host: uri's
// credentials, file's recurse/follow, apt's deb (a file on the host, and a URL), unarchive's
// extra_opts.

const skip = labSkipReason();
const HOST = "web1";
const DIR = "/srv/dcv-args";
const USER = "deployer";
const PASSWORD = "args-s3cret-pw";
const GOOD = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;
/** Packages the test installs: one built on the host, one served by URL. */
const PKG_FILE = "dcv-args-local";
const PKG_URL = "dcv-args-remote";

/** A package of one file and no dependencies, built with dpkg-deb --build under `dir`. */
function debTreeScript(dir: string, name: string, version: string): string {
  return [
    `rm -rf ${dir}/${name} && mkdir -p ${dir}/${name}/DEBIAN ${dir}/${name}/usr/share/${name}`,
    `printf 'Package: ${name}\\nVersion: ${version}\\nArchitecture: all\\nMaintainer: dcv <dcv@example.com>\\nDescription: do-converge test package\\n' > ${dir}/${name}/DEBIAN/control`,
    `echo ${version} > ${dir}/${name}/usr/share/${name}/version`,
  ].join(" && ");
}

describe.skipIf(skip !== undefined)("module arguments Ansible roles use (uri, file, apt, unarchive) on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let local: Server;
  let lan: Server;
  let base = "";
  let lanBase = "";
  let work = "";
  const debs: Record<string, Buffer> = {};
  const auth: (string | undefined)[] = [];

  const siteFile = (tasks: string) => playSite("args", { BASE: base, LAN: lanBase, DIR, USER, PASSWORD }, tasks);

  const MAIN = () =>
    siteFile(`
    const who = await h.uri({ url: BASE + "/api/whoami", url_username: USER, url_password: PASSWORD }, { name: "uri challenged" });
    await h.uri({ url: BASE + "/api/silent", url_username: USER, url_password: PASSWORD, force_basic_auth: true, return_content: true }, { name: "uri forced" });
    await h.file({ path: DIR + "/tree", recurse: true, owner: "www-data", group: "www-data", mode: "0750" }, { name: "tree" });
    await h.copy({ dest: DIR + "/who", content: String((who.json as { user?: string } | undefined)?.user) + "\\n" }, { name: "who" });
    await h.file({ path: DIR + "/current", state: "directory", mode: "0711" }, { name: "followed link" });
    await h.apt({ deb: DIR + "/${PKG_FILE}_1.0_all.deb" }, { name: "deb file" });
    await h.apt({ deb: LAN + "/debs/${PKG_URL}_2.0_all.deb" }, { name: "deb url" });
    await h.unarchive({ src: "app.tar.gz", dest: DIR + "/app", extra_opts: ["--strip-components=1"] }, { name: "unpack" });
`);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "dcv-args-"));
    // The package served by URL, and the archive, are built here.
    execFileSync("sh", ["-c", `${debTreeScript(work, PKG_URL, "2.0")} && dpkg-deb --build --root-owner-group ${work}/${PKG_URL} ${work}/${PKG_URL}_2.0_all.deb >/dev/null`]);
    debs[`${PKG_URL}_2.0_all.deb`] = readFileSync(join(work, `${PKG_URL}_2.0_all.deb`));
    mkdirSync(join(work, "app-1.0", "bin"), { recursive: true });
    writeFileSync(join(work, "app-1.0", "README"), "app\n");
    writeFileSync(join(work, "app-1.0", "bin", "run"), "run\n");
    execFileSync("tar", ["-C", work, "--owner=0", "--group=0", "-czf", join(work, "app.tar.gz"), "app-1.0"]);

    // uri runs on the control node: loopback. The host downloads the deb: the lab's network.
    local = createServer((req, res) => {
      auth.push(req.headers.authorization);
      const ok = req.headers.authorization === GOOD;
      if (req.url === "/api/whoami") return void (ok ? res.writeHead(200, { "content-type": "application/json" }).end(`{"user":"${USER}"}`) : res.writeHead(401, { "www-authenticate": 'Basic realm="dcv"' }).end("who?"));
      if (req.url === "/api/silent") return void res.writeHead(ok ? 200 : 401).end(ok ? `hello ${USER}:${PASSWORD}` : "no");
      res.writeHead(404).end();
    });
    lan = createServer((req, res) => {
      const f = req.url?.startsWith("/debs/") ? debs[req.url.slice("/debs/".length)] : undefined;
      if (f) return void res.end(f);
      res.writeHead(404).end("not here\n");
    });
    await new Promise<void>((resolve) => local.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => lan.listen(0, lab.topology.gatewayPrivate, resolve));
    base = `http://127.0.0.1:${(local.address() as AddressInfo).port}`;
    lanBase = `http://${lab.topology.gatewayPrivate}:${(lan.address() as AddressInfo).port}`;

    site = await openSite(lab, HOST, { "site.ts": MAIN() }, () =>
      sh(
        [
          `dpkg -P ${PKG_FILE} ${PKG_URL} >/dev/null 2>&1 || true`,
          `rm -rf ${DIR} /srv/dcv-args-target /srv/dcv-args-other`,
          `mkdir -p ${DIR}/tree/sub ${DIR}/app /srv/dcv-args-target /srv/dcv-args-other/inner`,
          `echo a > ${DIR}/tree/a.txt && echo b > ${DIR}/tree/sub/b.txt && chmod 700 ${DIR}/tree/sub`,
          `echo t > /srv/dcv-args-target/t.txt && ln -s /srv/dcv-args-target ${DIR}/tree/linked && ln -s nowhere ${DIR}/tree/broken`,
          `ln -s /srv/dcv-args-other/inner ${DIR}/current`,
          `${debTreeScript(DIR, PKG_FILE, "1.0")} && dpkg-deb --build --root-owner-group ${DIR}/${PKG_FILE} ${DIR}/${PKG_FILE}_1.0_all.deb >/dev/null`,
        ].join(" && "),
      ),
    );
    mkdirSync(join(site.dir, "files"), { recursive: true });
    writeFileSync(join(site.dir, "files", "app.tar.gz"), readFileSync(join(work, "app.tar.gz")));
  });
  afterAll(async () => {
    local?.close();
    lan?.close();
    await closeSite(root, site, () => sh(`dpkg -P ${PKG_FILE} ${PKG_URL} >/dev/null 2>&1; rm -rf ${DIR} /srv/dcv-args-target /srv/dcv-args-other`));
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("converges; the host has it all; the password shows nowhere; a second run changes nothing", async () => {
    const first = await site.converge(["-v"]);
    expect(first.code, explain(first)).toBe(0);
    expect(statuses(first)).toEqual([
      "uri challenged: ok",
      "uri forced: ok",
      "tree: changed",
      "who: changed",
      "followed link: changed",
      "deb file: changed",
      "deb url: changed",
      "unpack: changed",
    ]);
    // Challenged: first without credentials, then with; forced: with them at once.
    expect(auth.slice(0, 3)).toEqual([undefined, GOOD, GOOD]);
    expect(everything(site, first)).not.toContain(PASSWORD);
    expect(first.stdout).toContain(`hello ${USER}:********`);

    expect(await sh(`cat ${DIR}/who; cd ${DIR}/tree; stat -c '%a %U:%G %n' . a.txt sub sub/b.txt /srv/dcv-args-target /srv/dcv-args-target/t.txt; stat -c '%U %N' linked broken`)).toBe(
      [
        USER,
        "750 www-data:www-data .",
        "750 www-data:www-data a.txt",
        "750 www-data:www-data sub",
        "750 www-data:www-data sub/b.txt",
        "750 www-data:www-data /srv/dcv-args-target",
        "750 www-data:www-data /srv/dcv-args-target/t.txt",
        "www-data 'linked' -> '/srv/dcv-args-target'",
        "www-data 'broken' -> 'nowhere'",
        "",
      ].join("\n"),
    );
    // The followed link's target got the mode; the link is still a link.
    expect(await sh(`stat -c '%a' /srv/dcv-args-other/inner; readlink ${DIR}/current`)).toBe("711\n/srv/dcv-args-other/inner\n");
    expect(await sh(`dpkg-query -W -f='\${Package} \${Version} \${db:Status-Abbrev}\\n' ${PKG_FILE} ${PKG_URL}; cat /usr/share/${PKG_URL}/version`)).toBe(
      `${PKG_FILE} 1.0 ii \n${PKG_URL} 2.0 ii \n2.0\n`,
    );
    expect(await sh(`cd ${DIR}/app && find . | LC_ALL=C sort`)).toBe(".\n./README\n./bin\n./bin/run\n");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("drift is reported by --check --diff without being changed, and repaired by the next converge", async () => {
    await sh(`chmod 644 ${DIR}/tree/sub/b.txt && chown root /srv/dcv-args-target/t.txt && dpkg -r ${PKG_FILE} >/dev/null && rm ${DIR}/app/bin/run`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(statuses(check)).toEqual([
      "uri challenged: ok",
      "uri forced: ok",
      "tree: changed",
      "who: ok",
      "followed link: ok",
      "deb file: changed",
      "deb url: ok",
      "unpack: changed",
    ]);
    expect(check.stdout).toContain(`-${DIR}/tree/sub/b.txt: mode 0644`);
    expect(check.stdout).toContain(`+${DIR}/tree/sub/b.txt: mode 0750`);
    // Reached through the link the tree holds, and named so.
    expect(check.stdout).toContain(`-${DIR}/tree/linked/t.txt: owner root`);
    expect(check.stdout).toContain(`-${PKG_FILE} (not installed)`);
    expect(check.stdout).toContain(`+${PKG_FILE} 1.0`);
    expect(await sh(`stat -c '%a' ${DIR}/tree/sub/b.txt; dpkg-query -W -f='\${db:Status-Abbrev}' ${PKG_FILE} 2>/dev/null | grep -q '^ii' || echo not-installed; test -e ${DIR}/app/bin/run || echo gone`)).toBe("644\nnot-installed\ngone\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(total(fix, "changed"), explain(fix)).toBe(3);
    expect(await sh(`stat -c '%a %U' ${DIR}/tree/sub/b.txt /srv/dcv-args-target/t.txt; dpkg-query -W -f='\${Version}' ${PKG_FILE}; echo; cat ${DIR}/app/bin/run`)).toBe("750 www-data\n750 www-data\n1.0\nrun\n");
    expect(total(await site.converge(), "changed")).toBe(0);
  });

  it("fails clearly: a wrong password, a missing .deb, an older .deb than installed, a URL that is not there", async () => {
    await sh(`${debTreeScript(DIR, PKG_FILE, "0.9")} && dpkg-deb --build --root-owner-group ${DIR}/${PKG_FILE} ${DIR}/old.deb >/dev/null`);
    site.write(
      "bad.ts",
      siteFile(`
    await h.uri({ url: BASE + "/api/whoami", url_username: USER, url_password: "wrong-password-here" }, { name: "wrong password", ignoreErrors: true });
    await h.apt({ deb: DIR + "/missing.deb" }, { name: "missing deb", ignoreErrors: true });
    await h.apt({ deb: DIR + "/old.deb" }, { name: "older deb", ignoreErrors: true });
    await h.apt({ deb: LAN + "/debs/nothing.deb" }, { name: "deb url 404", ignoreErrors: true });
`),
    );
    const r = await site.converge([], { site: "bad.ts" });
    expect(r.code, explain(r)).toBe(0);
    expect(r.report?.tasks.map((t) => `${t.task}: ${t.status}: ${t.msg ?? ""}`)).toEqual([
      `wrong password: ignored: GET ${base}/api/whoami: status code was 401 and not 200: who?`,
      `missing deb: ignored: deb ${DIR}/missing.deb does not exist on the host`,
      `older deb: ignored: ${DIR}/old.deb: a later version of ${PKG_FILE} is installed (1.0); allow_downgrade: true installs 0.9`,
      `deb url 404: ignored: cannot download ${lanBase}/debs/nothing.deb: HTTP status 404; curl: (22) The requested URL returned error: 404`,
    ]);
    expect(await sh(`dpkg-query -W -f='\${Version}' ${PKG_FILE}`)).toBe("1.0");

    // allow_downgrade installs it.
    site.write("down.ts", siteFile(`    await h.apt({ deb: DIR + "/old.deb", allow_downgrade: true }, { name: "downgrade" });`));
    const down = await site.converge([], { site: "down.ts" });
    expect(statuses(down), explain(down)).toEqual(["downgrade: changed"]);
    expect(await sh(`dpkg-query -W -f='\${Version}' ${PKG_FILE}`)).toBe("0.9");
    expect(statuses(await site.converge([], { site: "down.ts" }))).toEqual(["downgrade: ok"]);
  });
});
