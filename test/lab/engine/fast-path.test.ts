import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { type Converge, RootShells, TestSite, explain } from "./harness.js";

// The fast path over SSH with become (docs/fast-path.md): a run learns what its probes read, the
// next fetches all of it in one batch per host, play and user, and answers the probes from that
// snapshot until something is applied. Correctness is what is tested here — drift is always seen,
// a change invalidates what later tasks read, --check and --diff say what the slow path says —
// and that a converged host's probes are all answered; its speed is a benchmark's (npm run bench).
const skip = labSkipReason();

const HOSTS = ["spare1", "web3"];
const DIR = "/srv/dcv-fast-path";

const SITE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "as root",
      hosts: "all",
      become: true,
      handlers: { "note it": async (h) => { await h.command({ argv: ["touch", "${DIR}/noted"] }); } },
      tasks: async (h) => {
        await h.file({ path: "${DIR}", state: "directory", mode: "0755" });
        await h.copy({ content: "a\\n", dest: "${DIR}/x.conf", mode: "0644" });
        // Holds once copy has written the file: read before copy's change, it would add "a" again.
        await h.lineinfile({ path: "${DIR}/x.conf", line: "a" });
        await h.template({ src: "t.conf.j2", dest: "${DIR}/t.conf", mode: "0640" }, { notify: "note it" });
        await h.lineinfile({ path: "${DIR}/app.ini", regexp: "^host=", line: "host=" + h.facts.hostname, create: true });
        await h.user({ name: "dcvfast", shell: "/bin/bash" });
        await h.command({ argv: ["touch", "${DIR}/.initialized"], creates: "${DIR}/.initialized" });
        await h.apt({ name: "openssh-server", state: "present" });
        await h.systemd({ name: "ssh", state: "started", enabled: true });
      },
    }),
    play({
      name: "as the login user",
      hosts: "all",
      tasks: async (h) => {
        const s = await h.stat({ path: "${DIR}/x.conf" });
        await h.debug("x.conf=" + String(s.size));
      },
    }),
  ],
});
`;

interface FastPathReport {
  answered: number;
  live: number;
  snapshots: number;
}

const fastPathOf = (r: Converge): FastPathReport | undefined => (r.report as { fast_path?: FastPathReport } | undefined)?.fast_path;
const changed = (r: Converge): string[] => (r.report?.tasks ?? []).filter((t) => t.changed).map((t) => `${t.host} ${t.task}`).sort();

/** What a run said, for comparing two runs: its output without the lines that differ by nature. */
const said = (r: Converge): string => r.stdout.replace(/^.*took .*$/gm, "").trim();

describe.skipIf(skip !== undefined)("the fast path on lab hosts", { timeout: 600_000 }, () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  let site: TestSite;
  const clean = () => Promise.all(HOSTS.map((h) => root.run(h, `rm -rf ${DIR}; userdel -r dcvfast 2>/dev/null; true`)));

  beforeAll(async () => {
    await lab.up();
    await clean();
    site = new TestSite(lab, { "site.ts": SITE, "templates/t.conf.j2": "name={{ inventory_hostname }}\n" }, HOSTS);
  });
  afterAll(async () => {
    await clean().catch(() => []);
    root.close();
    site.remove();
  });

  it("a converged host: every probe (and the facts, the pending-handlers record) answered from one snapshot per play and user", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    const noop = await site.converge(["--profile"]);
    expect(noop.code, explain(noop)).toBe(0);
    expect(changed(noop)).toEqual([]);
    // Two hosts, two plays, one user each.
    expect(fastPathOf(noop)).toMatchObject({ live: 0, snapshots: 4 });
    expect(fastPathOf(noop)?.answered, explain(noop)).toBeGreaterThanOrEqual(2 * 12);
    expect(noop.stdout).toMatch(/^fast path: \d+ probe reads answered from 4 snapshots, 0 read live$/m);
    const slow = await site.converge(["--no-fast-path"]);
    expect(changed(slow)).toEqual([]);
    expect(fastPathOf(slow)).toBeUndefined();
  });

  it("drift made between runs is seen, exactly where it was made; a change invalidates what later tasks read", async () => {
    await site.converge();
    await root.run("spare1", `printf 'z\\n' > ${DIR}/x.conf; chmod 0600 ${DIR}/t.conf; sed -i '/^host=/d' ${DIR}/app.ini; usermod -s /bin/sh dcvfast; rm ${DIR}/.initialized`);
    const r = await site.converge(["--forks", "1"]);
    expect(r.code, explain(r)).toBe(0);
    // copy puts x.conf back; the lineinfile after it reads the file copy wrote (not the snapshot's
    // "z"), so it has nothing to add. The template's mode change notifies the handler.
    expect(changed(r), explain(r)).toEqual(
      ["spare1 copy /srv/dcv-fast-path/x.conf", "spare1 template /srv/dcv-fast-path/t.conf", "spare1 lineinfile /srv/dcv-fast-path/app.ini", "spare1 user dcvfast", "spare1 command touch /srv/dcv-fast-path/.initialized", "spare1 command touch /srv/dcv-fast-path/noted"].sort(),
    );
    expect(await root.run("spare1", `cat ${DIR}/x.conf; stat -c %a ${DIR}/t.conf; getent passwd dcvfast | cut -d: -f7`)).toBe("a\n640\n/bin/bash\n");
    const after = await site.converge();
    expect(changed(after)).toEqual([]);
    expect(fastPathOf(after)?.live).toBe(0);
  });

  it("--check and --diff say what the slow path says, and change nothing", async () => {
    await site.converge();
    await root.run("spare1", `printf 'z\\n' > ${DIR}/x.conf; sed -i 's/^host=.*/host=elsewhere/' ${DIR}/app.ini`);
    await root.run("web3", `printf 'name=drifted\\n' > ${DIR}/t.conf; usermod -s /bin/sh dcvfast`);
    const fast = await site.converge(["--check", "--diff", "--forks", "1"]);
    const slow = await site.converge(["--check", "--diff", "--forks", "1", "--no-fast-path"]);
    expect(fast.code, explain(fast)).toBe(0);
    expect(fastPathOf(fast)?.answered).toBeGreaterThan(0);
    expect(said(fast)).toBe(said(slow));
    expect(changed(fast)).toEqual(changed(slow));
    expect(changed(fast).length, explain(fast)).toBeGreaterThanOrEqual(5);
    expect(fast.stdout).toContain("host=elsewhere");
    expect(await root.run("spare1", `cat ${DIR}/x.conf`)).toBe("z\n");
    expect(await root.run("web3", `cat ${DIR}/t.conf`)).toBe("name=drifted\n");
  });
});
