import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web1";
const DEFAULT_FILE = "/etc/sysctl.d/99-do-converge.conf";
const TEST_FILE = "/etc/sysctl.d/60-dcv-test.conf";
// Per network namespace, and writable in an nspawn container (only /proc/sys/net is).
const KEYS = ["net.ipv4.ip_nonlocal_bind", "net.core.somaxconn", "net.ipv4.tcp_keepalive_time"];

const SITE = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "sysctl",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.sysctl({ name: "net.ipv4.ip_nonlocal_bind", value: true, sysctl_set: true }, { name: "nonlocal bind" });
        await h.sysctl({ name: "net.core.somaxconn", value: 1024, sysctl_file: ${JSON.stringify(TEST_FILE)} }, { name: "somaxconn" });
        await h.sysctl({ name: "net.ipv4.tcp_keepalive_time", value: "600", sysctl_file: ${JSON.stringify(TEST_FILE)}, reload: false }, { name: "keepalive in the file only" });
        await h.sysctl({ name: "net.ipv4.tcp_fin_timeout", state: "absent", sysctl_file: ${JSON.stringify(TEST_FILE)} }, { name: "fin timeout gone" });
      },
    }),
  ],
});
`;

const FAILING = `
import { site, play } from "$DSL";

export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "failing sysctl",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.sysctl({ name: "vm.swappiness", value: String(h.vars.swappiness), sysctl_file: ${JSON.stringify(TEST_FILE)} }, { name: "read-only key", ignoreErrors: true });
        await h.sysctl({ name: "net.ipv4.no_such_key", value: 1, sysctl_file: ${JSON.stringify(TEST_FILE)} }, { name: "unknown key", ignoreErrors: true });
        await h.sysctl({ name: "net.ipv4.no_such_key", value: 1, sysctl_file: "/etc/sysctl.d/61-dcv-test.conf", ignoreerrors: true }, { name: "unknown key ignored" });
      },
    }),
  ],
});
`;

describe.skipIf(skip !== undefined)("sysctl on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  let original = "";
  const live = () => sh(`sysctl -n ${KEYS.join(" ")}`);

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING }, async () => {
      original = await live();
      await sh(`rm -f ${DEFAULT_FILE} /etc/sysctl.d/61-dcv-test.conf; printf '# test file\\nnet.ipv4.tcp_fin_timeout = 30\\nnet.core.somaxconn = 128\\n' > ${TEST_FILE}; sysctl -w net.ipv4.ip_nonlocal_bind=0 net.core.somaxconn=128 net.ipv4.tcp_keepalive_time=7200 >/dev/null`);
    });
  });
  afterAll(() =>
    closeSite(root, site, () => {
      const [bind, conn, keep] = original.trim().split("\n");
      return sh(`rm -f ${DEFAULT_FILE} ${TEST_FILE} /etc/sysctl.d/61-dcv-test.conf; sysctl -w net.ipv4.ip_nonlocal_bind=${bind} net.core.somaxconn=${conn} net.ipv4.tcp_keepalive_time=${keep} >/dev/null`);
    }),
  );

  it("persists and applies, then a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["nonlocal bind", "somaxconn", "keepalive in the file only", "fin timeout gone"]);
    expect(await sh(`cat ${DEFAULT_FILE}; stat -c %a ${DEFAULT_FILE}`)).toBe("net.ipv4.ip_nonlocal_bind=1\n644\n");
    expect(await sh(`cat ${TEST_FILE}`)).toBe("# test file\nnet.core.somaxconn=1024\nnet.ipv4.tcp_keepalive_time=600\n");
    // reload: false left the live keepalive alone.
    expect(await live()).toBe("1\n1024\n7200\n");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check reports drift of the file and (with sysctl_set) of the live value and changes nothing; a converge repairs both", async () => {
    await sh(`sysctl -w net.ipv4.ip_nonlocal_bind=0 >/dev/null; sed -i 's/^net.core.somaxconn=1024/net.core.somaxconn = 2048/' ${TEST_FILE}`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["nonlocal bind", "somaxconn"]);
    expect(check.stdout).toContain("-net.ipv4.ip_nonlocal_bind = 0\n+net.ipv4.ip_nonlocal_bind = 1\n");
    expect(check.stdout).toContain("-net.core.somaxconn = 2048\n+net.core.somaxconn=1024\n");
    expect(await live()).toBe("0\n1024\n7200\n");
    expect(await sh(`grep somaxconn ${TEST_FILE}`)).toBe("net.core.somaxconn = 2048\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["nonlocal bind", "somaxconn"]);
    expect(await live()).toBe("1\n1024\n7200\n");
    expect(await sh(`cat ${TEST_FILE}`)).toBe("# test file\nnet.core.somaxconn=1024\nnet.ipv4.tcp_keepalive_time=600\n");

    // Without sysctl_set, a live value changed by hand is not looked at (ansible.posix.sysctl's default).
    await sh("sysctl -w net.core.somaxconn=512 >/dev/null");
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
    await sh("sysctl -w net.core.somaxconn=1024 >/dev/null");
  });

  it("a key the container cannot write fails clearly and persists nothing; unknown keys fail unless ignoreerrors", async () => {
    const swappiness = Number((await sh("sysctl -n vm.swappiness")).trim());
    const before = await sh(`cat ${TEST_FILE}`);
    for (const mode of [["--check"], []]) {
      const r = await site.converge([...mode, "-e", `swappiness=${swappiness === 60 ? 61 : 60}`], { site: "failing.ts" });
      expect(r.code, explain(r)).toBe(0);
      const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
      expect(byName["read-only key"]?.status).toBe("ignored");
      expect(byName["read-only key"]?.msg).toMatch(/^vm\.swappiness cannot be set on this host: \/proc\/sys\/vm\/swappiness is read-only .* nothing was changed$/);
      expect(byName["unknown key"]?.msg).toMatch(/^unknown sysctl key net\.ipv4\.no_such_key on this host: .*No such file or directory/);
      expect(byName["unknown key ignored"]?.status).toBe("changed");
    }
    expect(await sh(`cat ${TEST_FILE}`)).toBe(before);
    expect(await sh("cat /etc/sysctl.d/61-dcv-test.conf")).toBe("net.ipv4.no_such_key=1\n");
  });
});
