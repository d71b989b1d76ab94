import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { blackhole, bytesSent, shape, unshape } from "../link.js";
import { closeSite, openSite, playSite } from "../modules/helpers.js";
import { type Converge, RootShells, type TestSite, explain, total } from "./harness.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-faults";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * Faults of the world around a run, on a real host: the network gone mid-transfer, sudo refusing,
 * a full disk. Each: no torn or partial file, the recap and exit code say what happened, and the
 * next converge (the fault repaired) finishes the work.
 */
describe.skipIf(skip !== undefined)("faults during a run: network, sudo, disk (web2)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const next = randomBytes(30 * 1024 * 1024);
  const leftovers = (dir: string) => sh(`find ${dir} -name '.dcv-*'`);

  beforeAll(async () => {
    site = await openSite(lab, HOST, {}, () => sh(`rm -rf ${DIR} && mkdir -p ${DIR}`));
    writeFileSync(join(site.dir, "next.bin"), next);
  });
  afterAll(async () => {
    await unshape(HOST);
    await lab.inMountNs(HOST, ["umount", `${DIR}/full`]).catch(() => "");
    await closeSite(root, site, () => sh(`rm -rf ${DIR}; userdel -r dcvnosudo 2>/dev/null; rm -f /etc/sudoers.d/91-dcvnosudo`));
  });

  it("the network to the host gone mid-transfer: the host is unreachable within the keepalive, the file is whole, the next run repairs", async () => {
    await sh(`head -c 20971520 /dev/urandom > ${DIR}/big.bin`);
    const before = (await sh(`sha256sum < ${DIR}/big.bin`)).split(" ")[0];
    site.write("site.ts", playSite("network", { DIR, SRC: join(site.dir, "next.bin") }, `
    await h.copy({ src: SRC, dest: DIR + "/big.bin" });
    await h.copy({ content: "after\\n", dest: DIR + "/after.txt" });`));
    await shape(HOST, "16mbit");
    let r: Converge;
    try {
      let seen = false;
      r = await site.converge(["-vvv", "--no-typecheck"], {
        onSpawn: (child) =>
          child.stdout?.on("data", (d: Buffer) => {
            if (seen || !/\(stdin: \d{5,} KiB, not shown\)/.test(d.toString())) return;
            seen = true;
            void (async () => {
              // Cut after 5 MB of the transfer went out (the link's counter, not a clock).
              const from = await bytesSent(HOST);
              while ((await bytesSent(HOST)) < from + 5 * 1024 * 1024 && child.exitCode === null) await new Promise((res) => setTimeout(res, 20));
              await blackhole(HOST);
            })();
          }),
      });
    } finally {
      await unshape(HOST);
    }
    expect(r.code, explain(r)).toBe(4);
    expect(r.report?.recap[HOST]?.unreachable, explain(r)).toBe(1);
    expect((await sh(`sha256sum < ${DIR}/big.bin`)).split(" ")[0]).toBe(before);
    expect(await leftovers(DIR)).toBe("");
    expect(await sh(`cat ${DIR}/after.txt 2>/dev/null || echo absent`)).toBe("absent\n");

    const done = await site.converge(["--no-typecheck"]);
    expect(done.code, explain(done)).toBe(0);
    expect((await sh(`sha256sum < ${DIR}/big.bin`)).split(" ")[0]).toBe(sha(next));
    expect(total(await site.converge(["--no-typecheck"]), "changed")).toBe(0);
  });

  it("sudo refusing: the host fails with sudo's reason, nothing is changed; with sudo granted the next run converges", async () => {
    // A login that works, and a sudo that asks for a password nobody has.
    await sh("id dcvnosudo >/dev/null 2>&1 || useradd -m -s /bin/sh dcvnosudo; install -d -m 0700 -o dcvnosudo ~dcvnosudo/.ssh; install -m 0600 -o dcvnosudo ~deploy/.ssh/authorized_keys ~dcvnosudo/.ssh/authorized_keys");
    site.write("inventory.yml", site.read("inventory.yml").replace(/ansible_user: \S+/, "ansible_user: dcvnosudo"));
    site.write("site.ts", playSite("sudo", { DIR }, `await h.copy({ content: "with sudo\\n", dest: DIR + "/sudo.txt" });`));
    const r = await site.converge(["--no-typecheck"]);
    expect([2, 4], explain(r)).toContain(r.code);
    expect(r.stdout).toMatch(/sudo/);
    expect(r.stdout).not.toMatch(/Error: |    at /);
    expect(await sh(`cat ${DIR}/sudo.txt 2>/dev/null || echo absent`)).toBe("absent\n");

    await sh("echo 'dcvnosudo ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/91-dcvnosudo && chmod 0440 /etc/sudoers.d/91-dcvnosudo");
    const ok = await site.converge(["--no-typecheck"]);
    expect(ok.code, explain(ok)).toBe(0);
    expect(await sh(`cat ${DIR}/sudo.txt`)).toBe("with sudo\n");
    site.write("inventory.yml", site.read("inventory.yml").replace(/ansible_user: dcvnosudo/, "ansible_user: deploy"));
  });

  it("a full disk: the write fails with the system's reason, the old file stays whole, nothing is left; with room the next run repairs", async () => {
    const full = `${DIR}/full`;
    await sh(`mkdir -p ${full}`);
    await lab.inMountNs(HOST, ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full]);
    await sh(`printf 'old\\n' > ${full}/app.conf; head -c 2000000 /dev/zero > ${full}/filler 2>/dev/null; true`);
    const content = "x".repeat(200_000);
    site.write("site.ts", playSite("disk", { DIR: full, CONTENT: content }, `await h.copy({ content: CONTENT, dest: DIR + "/app.conf" });`));
    const r = await site.converge(["--no-typecheck"]);
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toMatch(/No space left on device/);
    expect(await sh(`cat ${full}/app.conf`)).toBe("old\n");
    expect(await leftovers(full)).toBe("");

    await sh(`rm -f ${full}/filler`);
    const ok = await site.converge(["--no-typecheck"]);
    expect(ok.code, explain(ok)).toBe(0);
    expect((await sh(`wc -c < ${full}/app.conf`)).trim()).toBe("200000");
    expect(total(await site.converge(["--no-typecheck"]), "changed")).toBe(0);
  });
});
