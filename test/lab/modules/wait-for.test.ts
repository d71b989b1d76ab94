import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { type Converge, RootShells, type TestSite, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web1";
const DIR = "/srv/dcv-wait";
const PORT = 18081;

// A listener that greets every client with a banner and exits after 8 s. perl-base is Essential
// on Debian: nothing to install.
const LISTENER = `use IO::Socket::INET;
my $s = IO::Socket::INET->new(LocalAddr => "0.0.0.0", LocalPort => ${PORT}, Listen => 16, ReuseAddr => 1) or die "listen: $!";
$SIG{ALRM} = sub { exit 0 };
alarm 8;
while (1) { my $c = $s->accept or next; print $c "DCV-READY v1\\r\\n"; close $c; }
`;

// The events waited for are started by the site itself (transient units, in check mode too),
// so their timing does not depend on how long the CLI takes to start.
const SITE = `
import { site, play } from "$DSL";

const D = ${JSON.stringify(DIR)};
const later = (unit: string, script: string) =>
  "systemctl stop " + unit + " 2>/dev/null; systemctl reset-failed " + unit + " 2>/dev/null; systemd-run --quiet --collect --unit " + unit + " sh -c '" + script + "'";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "waits",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        const setup = { changedWhen: false, checkMode: false } as const;
        await h.shell({ cmd: later("dcv-wait-listener", "sleep 2; exec perl " + D + "/listen.pl") }, { name: "start a listener in 2 s", ...setup });
        const open = await h.wait_for({ port: ${PORT}, timeout: 30 }, { name: "port opens" });
        if (open.elapsed < 1) await h.fail("the port was open at once: " + open.elapsed);
        const banner = await h.wait_for({ port: ${PORT}, search_regex: "^DCV-READY v(?P<version>\\\\d+)", timeout: 30 }, { name: "banner" });
        if (banner.match_groupdict.version !== "1" || banner.match_groups.join() !== "1") await h.fail("banner groups: " + JSON.stringify(banner));
        await h.wait_for({ port: ${PORT}, state: "stopped", timeout: 30, sleep: 0.5 }, { name: "port closes" });

        await h.shell({ cmd: "rm -f " + D + "/ready; " + later("dcv-wait-touch", "sleep 2; echo state: starting > " + D + "/ready; sleep 2; echo state: ready 42 >> " + D + "/ready") }, { name: "write a file later", ...setup });
        const appears = await h.wait_for({ path: D + "/ready", timeout: 30 }, { name: "file appears" });
        if (appears.elapsed < 1) await h.fail("the file was there at once");
        const ready = await h.wait_for({ path: D + "/ready", search_regex: "ready (\\\\d+)", timeout: 30 }, { name: "file says ready" });
        if (ready.match_groups[0] !== "42") await h.fail("file groups: " + JSON.stringify(ready));
        await h.shell({ cmd: later("dcv-wait-rm", "sleep 2; rm -f " + D + "/ready") }, { name: "remove the file later", ...setup });
        await h.wait_for({ path: D + "/ready", state: "absent", timeout: 30 }, { name: "file goes" });
        await h.wait_for({ host: h.vars.ansible_host as string, port: 22, search_regex: "OpenSSH" }, { name: "ssh by address" });
      },
    }),
  ],
});
`;

const TIMEOUTS = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "timeouts",
      hosts: "all",
      gatherFacts: false,
      tasks: async (h) => {
        await h.wait_for({ port: 1, timeout: 2 }, { name: "closed port", ignoreErrors: true });
        await h.wait_for({ port: 22, state: "stopped", timeout: 1 }, { name: "ssh never stops", ignoreErrors: true });
        await h.wait_for({ port: 22, search_regex: "^NOT-SSH", timeout: 2 }, { name: "wrong banner", ignoreErrors: true });
        await h.wait_for({ path: "/nonexistent/flag", timeout: 1 }, { name: "no file", ignoreErrors: true });
        await h.wait_for({ path: "/etc/hostname", search_regex: "^no-such-name$", timeout: 1, msg: "hostname never changed" }, { name: "custom msg", ignoreErrors: true });
        await h.wait_for({ path: "/etc/hostname", state: "absent", timeout: 1 }, { name: "file stays", ignoreErrors: true });
      },
    }),
  ],
});
`;

describe.skipIf(skip !== undefined)("wait_for on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const stopUnits = () => sh("for u in dcv-wait-listener dcv-wait-touch dcv-wait-rm; do systemctl stop $u 2>/dev/null; systemctl reset-failed $u 2>/dev/null; done; true");
  const statuses = (r: Converge) => Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t.status]));

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "timeouts.ts": TIMEOUTS }, async () => {
      await stopUnits();
      await sh(`rm -rf ${DIR}; mkdir -p ${DIR}; cat > ${DIR}/listen.pl <<"EOF"\n${LISTENER}EOF`);
    });
  });
  afterAll(() =>
    closeSite(root, site, async () => {
      await stopUnits().catch(() => "");
      await sh(`rm -rf ${DIR}`);
    }),
  );

  it("waits for a port to open (and greet) and close, and a file to appear, say something and go; never changed", async () => {
    const r = await site.converge();
    expect(r.code, explain(r)).toBe(0);
    expect(total(r, "changed"), explain(r)).toBe(0);
    const s = statuses(r);
    for (const t of ["port opens", "banner", "port closes", "file appears", "file says ready", "file goes", "ssh by address"]) expect(s[t], t).toBe("ok");
    expect(await sh(`ls ${DIR}`)).toBe("listen.pl\n");
  });

  it("waits in check mode too, as Ansible does", async () => {
    const r = await site.converge(["--check"]);
    expect(r.code, explain(r)).toBe(0);
    expect(total(r, "changed"), explain(r)).toBe(0);
    expect(statuses(r)["file says ready"]).toBe("ok");
  });

  it("fails after the timeout with Ansible's messages, in check mode as well", async () => {
    for (const mode of [[], ["--check"]]) {
      const r = await site.converge(mode, { site: "timeouts.ts" });
      expect(r.code, explain(r)).toBe(0);
      const tasks = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
      const msg = (t: string) => tasks[t]?.msg ?? "";
      for (const t of Object.values(tasks)) expect(t.status, t.task).toBe("ignored");
      expect(msg("closed port")).toMatch(/^Timeout when waiting for 127\.0\.0\.1:1 \(gave up after \d+ s\)$/);
      expect(msg("ssh never stops")).toMatch(/^Timeout when waiting for 127\.0\.0\.1:22 to stop\. \(gave up/);
      expect(msg("wrong banner")).toMatch(/^Timeout when waiting for search string \^NOT-SSH in 127\.0\.0\.1:22 \(gave up/);
      expect(msg("no file")).toMatch(/^Timeout when waiting for file \/nonexistent\/flag \(gave up/);
      expect(msg("custom msg")).toBe("hostname never changed");
      expect(msg("file stays")).toMatch(/^Timeout when waiting for \/etc\/hostname to be absent\. \(gave up/);
      const durations = (r.report?.tasks ?? []) as unknown as { task: string; duration_ms: number }[];
      const closed = durations.find((t) => t.task === "closed port")?.duration_ms ?? 0;
      // It waited out its timeout (2 s) rather than giving up early; no upper bound: a loaded
      // machine may take longer, and that is not the module's fault.
      expect(closed).toBeGreaterThanOrEqual(2000);
    }
  });
});
