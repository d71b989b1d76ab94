import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type AddressInfo, type Socket, createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { closeSite, openSite } from "./helpers.js";

// apt, apt_repository and apt_signing_key against lb1 (this family's host: nothing else runs there).
const skip = labSkipReason();
const HOST = "lb1";
const PKGS = "tree libpopt0 jq libjq1 libonig5 dcv-hello";
const REPO = "/srv/dcv-aptrepo";

// One site, its apt task's arguments passed in with -e: each test states exactly what it asks.
const APT_SITE = `import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "apt", hosts: "${HOST}", become: true, gatherFacts: false, tasks: async (h) => {
    await h.apt(h.vars.apt as Parameters<typeof h.apt>[0], { name: "apt" });
  } })],
});
`;

// A signed file: repository on the host itself, its key written by apt_signing_key.
const REPO_SITE = `import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "repo", hosts: "${HOST}", become: true, gatherFacts: false, tasks: async (h) => {
    const arch = String(h.vars.arch);
    const bin = "dists/dcvtest/main/binary-" + arch;
    await h.file({ path: "${REPO}/pool", state: "directory" });
    await h.file({ path: "${REPO}/" + bin, state: "directory" });
    for (const f of ["pool/dcv-hello_1.0_all.deb", "dists/dcvtest/InRelease", bin + "/Packages"]) {
      await h.copy({ src: "repo/" + f, dest: "${REPO}/" + f });
    }
    const key = await h.apt_signing_key({ name: "dcv-test", src: "key.asc" });
    await h.apt_repository({ name: "dcv-test", uris: "file:${REPO}", suites: "dcvtest", components: "main", signed_by: key.path });
    await h.apt({ name: "dcv-hello" });
  } })],
});
`;

// The one-line form of the same repository, after the deb822 file is gone.
const LINE_SITE = `import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "line", hosts: "${HOST}", become: true, gatherFacts: false, tasks: async (h) => {
    const state = h.vars.line_state === "absent" ? "absent" : "present";
    await h.apt_repository({ name: "dcv-test", state: "absent" });
    await h.apt_repository({ repo: "deb [signed-by=/etc/apt/keyrings/dcv-test.asc] file:${REPO} dcvtest main", filename: "dcv-test-line", state });
    if (state === "present") await h.apt({ name: "dcv-hello", state: "latest" });
  } })],
});
`;

// A repository whose Signed-By key did not sign it: apt-get update must refuse it.
const BADKEY_SITE = `import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "bad key", hosts: "${HOST}", become: true, gatherFacts: false, tasks: async (h) => {
    const key = await h.apt_signing_key({ name: "dcv-other", content: String(h.vars.other_key) });
    await h.apt_repository({ name: "dcv-bad", uris: "file:${REPO}", suites: "dcvtest", components: "main", signed_by: key.path });
  } })],
});
`;

/**
 * Holds an fcntl write lock on a file, as apt and dpkg lock theirs (flock(1) takes a different
 * kind of lock that apt never sees), then prints the epoch second it let go.
 */
const HOLD_LOCK = `use Fcntl;
my ($path, $secs) = @ARGV;
open(my $fh, ">>", $path) or die "open $path: $!";
my $fl = pack("s s x4 q q l x4", F_WRLCK, 0, 0, 0, 0);
fcntl($fh, F_SETLKW, $fl) or die "lock $path: $!";
open(my $ready, ">", "/run/dcv-lock.held"); close($ready);
sleep $secs;
print time, "\\n";
`;

const json = (v: unknown) => JSON.stringify(v);

/** A tiny signed repository built on the control node: a .deb, Packages, InRelease, keys. */
function buildRepo(dir: string, arch: string): { key: string; otherKey: string } {
  const gnupg = mkdtempSync(join(tmpdir(), "dcv-gpg-"));
  const gpg = (...args: string[]) => execFileSync("gpg", ["--batch", "--quiet", "--homedir", gnupg, "--pinentry-mode", "loopback", "--passphrase", "", ...args], { encoding: "utf8" });
  try {
    gpg("--quick-gen-key", "dcv test repository <dcv@example.invalid>", "ed25519", "sign", "never");
    gpg("--quick-gen-key", "dcv other <other@example.invalid>", "ed25519", "sign", "never");
    const key = gpg("--armor", "--export", "dcv@example.invalid");
    const otherKey = gpg("--armor", "--export", "other@example.invalid");

    const pkg = join(dir, "build/dcv-hello");
    mkdirSync(join(pkg, "DEBIAN"), { recursive: true });
    mkdirSync(join(pkg, "usr/share/dcv-hello"), { recursive: true });
    writeFileSync(join(pkg, "usr/share/dcv-hello/hello.txt"), "hello from a signed repository\n");
    const control = "Package: dcv-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: do-converge tests <dcv@example.invalid>\nSection: misc\nPriority: optional\nDescription: apt_repository test package\n";
    writeFileSync(join(pkg, "DEBIAN/control"), control);
    const deb = join(dir, "files/repo/pool/dcv-hello_1.0_all.deb");
    mkdirSync(dirname(deb), { recursive: true });
    execFileSync("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", pkg, deb], { stdio: "ignore" });
    const debBytes = readFileSync(deb);
    const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

    const packages = `${control.replace(/Description:/, `Installed-Size: 1\nFilename: pool/dcv-hello_1.0_all.deb\nSize: ${debBytes.length}\nSHA256: ${sha256(debBytes)}\nDescription:`)}\n`;
    const pkgPath = `main/binary-${arch}/Packages`;
    mkdirSync(join(dir, "files/repo/dists/dcvtest", dirname(pkgPath)), { recursive: true });
    writeFileSync(join(dir, "files/repo/dists/dcvtest", pkgPath), packages);
    const date = new Date(Date.now() - 60_000).toUTCString();
    const release = `Origin: dcv\nLabel: dcv\nSuite: dcvtest\nCodename: dcvtest\nDate: ${date}\nArchitectures: ${arch}\nComponents: main\nSHA256:\n ${sha256(packages)} ${Buffer.byteLength(packages)} ${pkgPath}\n`;
    writeFileSync(join(dir, "build/Release"), release);
    gpg("--local-user", "dcv@example.invalid", "--clearsign", "--output", join(dir, "files/repo/dists/dcvtest/InRelease"), join(dir, "build/Release"));
    writeFileSync(join(dir, "files/key.asc"), key);
    return { key, otherKey };
  } finally {
    execFileSync("gpgconf", ["--homedir", gnupg, "--kill", "gpg-agent"], { stdio: "ignore" });
    rmSync(gnupg, { recursive: true, force: true });
  }
}

describe.skipIf(skip !== undefined)("apt modules on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const apt = (args: unknown, extra: string[] = []) => site.converge(["-e", json({ apt: args }), ...extra], { site: "apt.ts" });
  const status = (names: string) => sh(`dpkg-query -W -f='\${Package} \${Status} \${Version}\\n' ${names} 2>/dev/null | sort; true`);
  const cleanup = () =>
    sh(
      `dpkg --purge ${PKGS} >/dev/null 2>&1; rm -f /etc/apt/sources.list.d/dcv-* /etc/apt/keyrings/dcv-* /etc/apt/apt.conf.d/99dcv-*; ` +
        `rm -rf ${REPO} /run/dcv-lock.* /tmp/dcv-holdlock.pl; rm -f /var/lib/apt/lists/*dcv-aptrepo*; true`,
    );

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "apt.ts": APT_SITE, "repo.ts": REPO_SITE, "line.ts": LINE_SITE, "badkey.ts": BADKEY_SITE }, cleanup);
  });
  afterAll(() => closeSite(root, site, cleanup));

  it("update_cache with cache_valid_time updates stale lists once; wiped lists or a changed source make them stale again", async () => {
    const lists = () => sh("stat -c '%n %.9Y' /var/lib/apt/lists/* /var/lib/apt/periodic/update-success-stamp 2>/dev/null");
    await sh("touch -d '-3 hours' /var/lib/apt/lists/*_* /var/lib/apt/periodic/update-success-stamp 2>/dev/null; true");
    const args = { update_cache: true, cache_valid_time: 3600 };

    const first = await apt(args);
    expect(first.code, explain(first)).toBe(0);
    expect(first.stdout).toMatch(/changed: \[lb1\] apt \(update cache \((lists are \d+ s old|sources changed)/);
    const after = await lists();
    expect(after).toMatch(/_Packages /);

    const second = await apt(args);
    expect(total(second, "changed"), explain(second)).toBe(0);
    expect(await lists()).toBe(after);

    // docs/debian12-notes.md, 9: the lists wiped, the directory and lock touched by opening the cache.
    await sh("rm -f /var/lib/apt/lists/*_*; apt-cache policy >/dev/null 2>&1; true");
    const wiped = await apt(args);
    expect(wiped.stdout, explain(wiped)).toContain("update cache (no package lists)");
    expect(await sh("ls /var/lib/apt/lists | grep -c _Packages")).not.toBe("0\n");

    // A source changed after the last update (a repository added without update_cache).
    await sh("touch /etc/apt/sources.list");
    const sources = await apt(args);
    expect(sources.stdout, explain(sources)).toContain("update cache (sources changed since the last update)");
    expect(total(await apt(args), "changed")).toBe(0);
  });

  it("installs several packages in one apt-get transaction; a second converge changes nothing", async () => {
    const first = await apt({ name: ["tree", "libpopt0"] }, ["-vvv"]);
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["apt"]);
    expect(first.stdout).toContain("changed: [lb1] apt (install tree, libpopt0)");
    // -vvv shows every command sent: exactly one apt-get run, naming both packages.
    const runs = first.stdout.match(/^\s*apt-get -q -y .*$/gm) ?? [];
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/ -o APT::Install-Recommends=false install tree libpopt0$/);
    // dpkg's own record agrees: one apt history entry installed both.
    const history = await sh("awk 'BEGIN{RS=\"\"} END{print}' /var/log/apt/history.log");
    expect(history).toMatch(/Install: .*tree:\w+ \(/);
    expect(history).toMatch(/Install: .*libpopt0:\w+ \(/);
    expect(await status("tree libpopt0")).toMatch(/^libpopt0 install ok installed \S+\ntree install ok installed \S+\n$/);

    const again = await apt({ name: ["tree", "libpopt0"] });
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a named package installed as another's dependency is marked manually installed (as Ansible's apt), once", async () => {
    const manual = () => sh("apt-mark showmanual libjq1 libonig5; true");
    const deps = await apt({ name: "jq" });
    expect(deps.code, explain(deps)).toBe(0);
    expect(await manual()).toBe("");

    const check = await apt({ name: ["jq", "libonig5"] }, ["--check"]);
    expect(changedTasks(check), explain(check)).toEqual(["apt"]);
    expect(check.stdout).toContain("changed: [lb1] apt (mark libonig5 manually installed (installed as dependencies))");
    expect(await manual()).toBe("");

    const mark = await apt({ name: ["jq", "libonig5"] });
    expect(changedTasks(mark), explain(mark)).toEqual(["apt"]);
    expect(await manual()).toBe("libonig5\n");
    expect(total(await apt({ name: ["jq", "libonig5"] }), "changed")).toBe(0);
    await sh("dpkg --purge jq libjq1 libonig5 >/dev/null 2>&1; true");
  });

  it("--check reports a package removed by hand and installs nothing; the next converge reinstalls it", async () => {
    await sh("DEBIAN_FRONTEND=noninteractive apt-get remove -y -q tree >/dev/null 2>&1");
    const check = await apt({ name: ["tree", "libpopt0"] }, ["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["apt"]);
    expect(check.stdout).toContain("changed: [lb1] apt (install tree)");
    expect(check.stdout).toMatch(/^-tree \(not installed\)\n\+tree 2\./m);
    expect(await status("tree")).toBe("");

    const fix = await apt({ name: ["tree", "libpopt0"] });
    expect(changedTasks(fix), explain(fix)).toEqual(["apt"]);
    expect(await status("tree")).toMatch(/^tree install ok installed/);
    expect(total(await apt({ name: ["tree", "libpopt0"] }), "changed")).toBe(0);
  });

  it("state=absent removes in one transaction, purge clears leftovers; then nothing is left to do", async () => {
    const check = await apt({ name: "tree,libpopt0", state: "absent" }, ["--check"]);
    expect(check.stdout, explain(check)).toContain("changed: [lb1] apt (remove tree");
    expect(await status("tree libpopt0")).toMatch(/tree install ok installed/);

    const gone = await apt({ name: "tree,libpopt0", state: "absent", purge: true });
    expect(gone.code, explain(gone)).toBe(0);
    expect(changedTasks(gone)).toEqual(["apt"]);
    expect(await status("tree libpopt0")).not.toMatch(/installed|config-files/);
    expect(total(await apt({ name: ["tree", "libpopt0"], state: "absent", purge: true }), "changed")).toBe(0);
  });

  it("name=version pins, then state=latest upgrades to the candidate (check mode names the dependency too)", async (ctx) => {
    const madison = await sh("apt-cache madison jq | awk '{print $3}'");
    const versions = madison.trim().split("\n").filter(Boolean);
    const candidate = (await sh("apt-cache policy jq | awk '/Candidate:/ {print $2}'")).trim();
    const older = versions.find((v) => v !== candidate);
    if (!older) ctx.skip(); // the archive offers one jq version only: nothing to upgrade from
    const pinned = await apt({ name: [`jq=${older}`, `libjq1=${older}`] });
    expect(pinned.code, explain(pinned)).toBe(0);
    expect(await status("jq libjq1")).toBe(`jq install ok installed ${older}\nlibjq1 install ok installed ${older}\n`);
    expect(total(await apt({ name: [`jq=${older}`, `libjq1=${older}`] }), "changed")).toBe(0);

    const check = await apt({ name: "jq", state: "latest" }, ["--check"]);
    expect(check.stdout, explain(check)).toContain(`changed: [lb1] apt (upgrade jq ${older} -> ${candidate}; and install libjq1)`);
    expect(await status("jq")).toBe(`jq install ok installed ${older}\n`);

    const latest = await apt({ name: "jq", state: "latest" });
    expect(changedTasks(latest), explain(latest)).toEqual(["apt"]);
    expect(await status("jq libjq1")).toBe(`jq install ok installed ${candidate}\nlibjq1 install ok installed ${candidate}\n`);
    expect(total(await apt({ name: "jq", state: "latest" }), "changed")).toBe(0);
    // A pin to the old version now means a downgrade, which apt refuses without allow_downgrade.
    const down = await apt({ name: [`jq=${older}`, `libjq1=${older}`] });
    expect(down.code).toBe(2);
    expect(down.stdout).toMatch(/downgraded .*allow-downgrades/);
  });

  it("waits for another apt/dpkg run's lock instead of failing", async () => {
    await sh(`cat > /tmp/dcv-holdlock.pl <<'EOF'\n${HOLD_LOCK}EOF\nrm -f /run/dcv-lock.*`);
    await sh("setsid sh -c 'perl /tmp/dcv-holdlock.pl /var/lib/dpkg/lock-frontend 8 > /run/dcv-lock.released 2>&1' </dev/null >/dev/null 2>&1 &");
    await sh("for i in $(seq 50); do [ -e /run/dcv-lock.held ] && break; sleep 0.1; done");
    // The lock is the one apt and dpkg take: dpkg itself refuses to run now.
    expect(await sh("dpkg --configure -a 2>&1; echo rc=$?")).toMatch(/frontend lock was locked by another process[\s\S]*rc=2/);

    const r = await apt({ name: "tree" }, ["-v"]);
    expect(r.code, explain(r)).toBe(0);
    expect(r.stdout).toContain("Waiting for cache lock");
    const released = Number(await sh("cat /run/dcv-lock.released"));
    const installed = Number(await sh("stat -c %.3Y /var/lib/dpkg/info/tree.list"));
    expect(released).toBeGreaterThan(0);
    expect(installed).toBeGreaterThanOrEqual(released);

    // apt-get update takes the lists lock, which DPkg::Lock::Timeout does not cover: the module waits itself.
    await sh("rm -f /run/dcv-lock.*");
    await sh("setsid sh -c 'perl /tmp/dcv-holdlock.pl /var/lib/apt/lists/lock 6 > /run/dcv-lock.released 2>&1' </dev/null >/dev/null 2>&1 &");
    await sh("for i in $(seq 50); do [ -e /run/dcv-lock.held ] && break; sleep 0.1; done");
    expect(await sh("apt-get -q update 2>&1; echo rc=$?")).toMatch(/Could not get lock \/var\/lib\/apt\/lists\/lock[\s\S]*rc=100/);
    const update = await apt({ update_cache: true });
    expect(update.code, explain(update)).toBe(0);
    const listsReleased = Number(await sh("cat /run/dcv-lock.released"));
    const stamp = Number(await sh("stat -c %.3Y /var/lib/apt/periodic/update-success-stamp"));
    expect(listsReleased).toBeGreaterThan(0);
    expect(stamp).toBeGreaterThanOrEqual(listsReleased);
  });

  it("an apt-get update stalled by a silent server is killed after update_cache_timeout and retried, then fails naming it", async () => {
    // A server on the lab bridge that accepts and never answers: apt's own http timeout is 120 s.
    const held = new Set<Socket>();
    let connections = 0;
    const server = createServer((s) => {
      connections++;
      held.add(s);
      s.on("error", () => undefined);
      s.on("close", () => held.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, lab.topology.gatewayPrivate, resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await sh(
        `echo 'deb [trusted=yes] http://${lab.topology.gatewayPrivate}:${port}/silent silent main' > /etc/apt/sources.list.d/dcv-silent.list; ` +
          `echo 'Acquire::http::Proxy::${lab.topology.gatewayPrivate} "DIRECT";' > /etc/apt/apt.conf.d/99dcv-silent`,
      );
      const r = await apt({ update_cache: true, update_cache_timeout: 10, update_cache_retries: 1 });
      expect(r.code, explain(r)).toBe(2);
      expect(r.stdout).toContain("apt-get update did not finish within 10 s (update_cache_timeout); killed");
      // The first attempt and the retry each opened a connection the server never answered.
      expect(connections).toBeGreaterThanOrEqual(2);
    } finally {
      for (const s of held) s.destroy();
      server.close();
      await sh("rm -f /etc/apt/sources.list.d/dcv-silent.list /etc/apt/apt.conf.d/99dcv-silent");
    }
    // The killed attempts left no lists lock behind: the next update runs at once.
    const again = await apt({ update_cache: true });
    expect(again.code, explain(again)).toBe(0);
  });

  describe("a signed repository with its key", () => {
    let keys: { key: string; otherKey: string };
    let arch: string;

    beforeAll(async () => {
      arch = (await sh("dpkg --print-architecture")).trim();
      keys = buildRepo(site.dir, arch);
    });

    it("writes the key and a deb822 source apt accepts (the package installs); a second converge changes nothing", async () => {
      const first = await site.converge(["-e", `arch=${arch}`], { site: "repo.ts" });
      expect(first.code, explain(first)).toBe(0);
      expect(first.stdout).toContain("changed: [lb1] apt_signing_key dcv-test (create /etc/apt/keyrings/dcv-test.asc)");
      expect(first.stdout).toContain("changed: [lb1] apt_repository dcv-test (create /etc/apt/sources.list.d/dcv-test.sources)");
      expect(await sh("cat /etc/apt/keyrings/dcv-test.asc")).toBe(keys.key);
      expect(await sh("cat /etc/apt/sources.list.d/dcv-test.sources; stat -c %a /etc/apt/sources.list.d/dcv-test.sources")).toBe(
        "# Managed by do-converge: changes made here are overwritten.\n" +
          `Types: deb\nURIs: file:${REPO}\nSuites: dcvtest\nComponents: main\nSigned-By: /etc/apt/keyrings/dcv-test.asc\n644\n`,
      );
      // Installed from the new source: apt fetched it and checked InRelease against Signed-By.
      expect(await status("dcv-hello")).toBe("dcv-hello install ok installed 1.0\n");
      expect(await sh("cat /usr/share/dcv-hello/hello.txt")).toBe("hello from a signed repository\n");

      const again = await site.converge(["-e", `arch=${arch}`], { site: "repo.ts" });
      expect(total(again, "changed"), explain(again)).toBe(0);
    });

    it("--check --diff reports a source edited by hand and leaves it; the converge restores it", async () => {
      await sh("sed -i 's/^Components: main$/Components: main contrib/' /etc/apt/sources.list.d/dcv-test.sources; chmod 600 /etc/apt/sources.list.d/dcv-test.sources");
      const check = await site.converge(["-e", `arch=${arch}`, "--check", "--diff"], { site: "repo.ts" });
      expect(check.code, explain(check)).toBe(0);
      expect(changedTasks(check)).toEqual(["apt_repository dcv-test"]);
      expect(check.stdout).toContain("-Components: main contrib\n+Components: main\n");
      expect(check.stdout).toContain("-mode: 0600\n+mode: 0644\n");
      expect(await sh("grep Components /etc/apt/sources.list.d/dcv-test.sources")).toBe("Components: main contrib\n");

      const fix = await site.converge(["-e", `arch=${arch}`], { site: "repo.ts" });
      expect(changedTasks(fix), explain(fix)).toEqual(["apt_repository dcv-test"]);
      expect(await sh("grep Components /etc/apt/sources.list.d/dcv-test.sources; stat -c %a /etc/apt/sources.list.d/dcv-test.sources")).toBe("Components: main\n644\n");
      expect(total(await site.converge(["-e", `arch=${arch}`], { site: "repo.ts" }), "changed")).toBe(0);
    });

    it("the one-line form: a line in its own .list file, which apt uses; absent removes the file", async () => {
      const line = `deb [signed-by=/etc/apt/keyrings/dcv-test.asc] file:${REPO} dcvtest main`;
      const first = await site.converge([], { site: "line.ts" });
      expect(first.code, explain(first)).toBe(0);
      expect(changedTasks(first)).toEqual(["apt_repository dcv-test", "apt_repository"]);
      expect(await sh("cat /etc/apt/sources.list.d/dcv-test-line.list; ls /etc/apt/sources.list.d")).toBe(`${line}\ndcv-test-line.list\n`);
      // apt knows the package through the .list source alone (state=latest needed a candidate).
      expect(await sh("apt-cache policy dcv-hello | grep -c 'file:/srv/dcv-aptrepo dcvtest/main'")).toBe("1\n");
      expect(total(await site.converge([], { site: "line.ts" }), "changed")).toBe(0);

      const removed = await site.converge(["-e", "line_state=absent"], { site: "line.ts" });
      expect(changedTasks(removed), explain(removed)).toEqual(["apt_repository"]);
      expect(await sh("ls /etc/apt/sources.list.d")).toBe("");
    });

    it("a source whose key did not sign the repository fails apt-get update and is put back (removed)", async () => {
      const bad = await site.converge(["-e", json({ other_key: keys.otherKey })], { site: "badkey.ts" });
      expect(bad.code, explain(bad)).toBe(2);
      expect(bad.stdout).toMatch(/fatal: \[lb1\] apt_repository dcv-bad => apt-get update failed .*(NO_PUBKEY|not signed).*put back/);
      expect(await sh("ls /etc/apt/sources.list.d")).toBe("");
      expect(await sh("apt-get update -q >/dev/null 2>&1; echo rc=$?")).toBe("rc=0\n");
    });
  });
});
