import { createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { bytesSent, shape, unshape } from "../link.js";
import { closeSite, openSite, playSite } from "../modules/helpers.js";
import { type Converge, RootShells, type TestSite, explain, total } from "./harness.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-killed";
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/**
 * The control node killed with SIGKILL in the middle of a run, as a power cut or the OOM killer
 * does: the host must hold the old file or the new one (never a torn one), no temporary file and
 * no process of the run, and the next converge must finish the work.
 */
describe.skipIf(skip !== undefined)("a killed control node leaves no torn file and nothing running (web2)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  // Large enough that the kill lands while its content is on the wire.
  const next = randomBytes(30 * 1024 * 1024);
  let before = "";

  const SITE = playSite("killed", { DIR, SRC: "" }, `
    await h.file({ path: DIR, state: "directory", mode: "0755" });
    await h.copy({ src: SRC, dest: DIR + "/big.bin", mode: "0644" });
    await h.copy({ content: "step three\\n", dest: DIR + "/three.txt" });
    await h.copy({ content: "step four\\n", dest: DIR + "/four.txt" });
`);

  /**
   * Converges, killing the CLI with SIGKILL once its output matches `when` and, after that, `bytes`
   * more bytes went out to the host (the link's counter: progress of the transfer, not time).
   */
  function killWhen(when: RegExp, bytes = 0): Promise<{ r: Converge; killed: boolean }> {
    let killed = false;
    let seen = false;
    let out = "";
    return site
      .converge(["-vvv"], {
        onSpawn: (child) => {
          child.stdout?.on("data", (d: Buffer) => {
            out += d.toString();
            if (seen || !when.test(out)) return;
            seen = true;
            void (async () => {
              const from = await bytesSent(HOST);
              while (bytes > 0 && (await bytesSent(HOST)) < from + bytes && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
              killed = child.kill("SIGKILL");
            })();
          });
        },
      })
      .then((r) => ({ r, killed }));
  }

  /** What the run must not leave behind: its temporary files, and its shells (their sudo names the ready marker). */
  async function leftovers(): Promise<string> {
    // sshd notices the closed connection at once, the shell a moment later: wait for it, do not race.
    for (let i = 0; i < 50; i++) {
      const left = await sh(`ls -A ${DIR} | grep '^\\.dcv-' ; pgrep -af '__DCV_READY' | grep -v pgrep || true`);
      if (left.trim() === "") return "";
      await new Promise((r) => setTimeout(r, 200));
    }
    return sh(`ls -lA ${DIR}; pgrep -af '__DCV_READY' | grep -v pgrep || true`);
  }

  beforeAll(async () => {
    site = await openSite(lab, HOST, {}, async () => {
      await sh(`rm -rf ${DIR} && mkdir -p ${DIR} && head -c 20971520 /dev/urandom > ${DIR}/big.bin`);
      before = (await sh(`sha256sum < ${DIR}/big.bin`)).split(" ")[0] ?? "";
    });
    const src = join(site.dir, "next.bin");
    writeFileSync(src, next);
    site.write("site.ts", SITE.replace('const SRC = "";', `const SRC = ${JSON.stringify(src)};`));
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  it("killed while a 30 MB file is on the wire: the old content stays whole, nothing is left, the next run finishes", async () => {
    // 30 MB is about 41 MB of base64: at 16 Mbit/s the transfer takes some 20 s, and the kill falls
    // after 1, 12 and 30 MB of it went out, each time well inside the transfer.
    await shape(HOST, "16mbit");
    try {
      for (const mb of [1, 12, 30]) {
        // -vvv names each command before it is sent: this one carries the file.
        const { r, killed } = await killWhen(/\(stdin: \d{5,} KiB, not shown\)/, mb * 1024 * 1024);
        expect(killed, explain(r)).toBe(true);
        expect(r.code).toBe(null);
        const now = (await sh(`sha256sum < ${DIR}/big.bin`)).split(" ")[0];
        expect(now, `killed after ${mb} MB: big.bin is no longer the old content`).toBe(before);
        expect(await leftovers()).toBe("");
      }
    } finally {
      await unshape(HOST);
    }

    const done = await site.converge();
    expect(done.code, explain(done)).toBe(0);
    expect((await sh(`sha256sum < ${DIR}/big.bin`)).split(" ")[0]).toBe(sha(next));
    expect(await sh(`cat ${DIR}/three.txt ${DIR}/four.txt`)).toBe("step three\nstep four\n");
    const again = await site.converge();
    expect(again.code, explain(again)).toBe(0);
    expect(total(again, "changed")).toBe(0);
  });

  it("killed between tasks: what ran stays, nothing is half-done, the next run does the rest", async () => {
    await sh(`rm -f ${DIR}/three.txt ${DIR}/four.txt`);
    const { r, killed } = await killWhen(/changed: \[web2\] [^\n]*three\.txt/);
    expect(killed, explain(r)).toBe(true);
    expect(await leftovers()).toBe("");
    // The kill fell after three.txt was written; four.txt is either absent or whole.
    expect(await sh(`cat ${DIR}/three.txt`)).toBe("step three\n");
    expect(await sh(`cat ${DIR}/four.txt 2>/dev/null || echo absent`)).toMatch(/^(step four|absent)\n$/);
    const done = await site.converge();
    expect(done.code, explain(done)).toBe(0);
    expect(await sh(`cat ${DIR}/four.txt`)).toBe("step four\n");
    const again = await site.converge();
    expect(total(again, "changed")).toBe(0);
  });
});
