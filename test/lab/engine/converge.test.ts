import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, explain, total } from "./harness.js";

const skip = labSkipReason();
const HOSTS = ["db1", "db2", "web1"];

const SITE = `
import { site, play, role, z } from "$DSL";

const demo = role({
  name: "demo",
  vars: z.object({ demo_dir: z.string().default("/srv/dcv-demo"), demo_port: z.number().int().default(8080) }),
  handlers: {
    "record reload": (h) => h.shell({ cmd: "echo reload >> " + h.vars.demo_dir + "/reloads" }, { become: true }),
  },
  async tasks(h, v) {
    await h.file({ path: v.demo_dir, state: "directory", mode: "0755" }, { become: true });
    await h.copy({ dest: v.demo_dir + "/motd", content: "hello " + h.name + "\\n", mode: "0640" }, { become: true, notify: "record reload" });
    await h.template({ src: "app.conf.njk", dest: v.demo_dir + "/app.conf", validate: "grep -q '^port = ' %s" }, { become: true, notify: "record reload" });
    await h.command({ argv: ["touch", v.demo_dir + "/created-once"], creates: v.demo_dir + "/created-once" }, { become: true });
    await h.file({ path: v.demo_dir + "/current", state: "link", src: v.demo_dir + "/app.conf" }, { become: true });
    const st = await h.stat({ path: v.demo_dir + "/motd" });
    if (!h.check && (!st.exists || st.mode !== "0640")) await h.fail("motd has mode " + st.mode);
  },
});

export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: "demo", hosts: "all", roles: [demo] })],
});
`;

const TEMPLATE = `# {{ inventory_hostname }}: written by do-converge
port = {{ demo_port }}
peers = {% for h in groups['all'] | sort %}{{ hostvars[h]['ansible_host'] }}{% if not loop.last %},{% endif %}{% endfor %}
`;

describe.skipIf(skip !== undefined)("converging real hosts: file, copy, template, command, stat, handlers", () => {
  const lab = Lab.fromFile();
  let site: TestSite;
  const root = new RootShells(lab);
  const sh = (name: string, cmd: string) => root.run(name, cmd);

  beforeAll(async () => {
    await lab.up();
    for (const h of HOSTS) await sh(h, "rm -rf /srv/dcv-demo");
    site = new TestSite(lab, { "site.ts": SITE, "roles/demo/templates/app.conf.njk": TEMPLATE }, HOSTS);
  });
  afterAll(async () => {
    for (const h of HOSTS) await sh(h, "rm -rf /srv/dcv-demo").catch(() => "");
    root.close();
    site.remove();
  });

  it("converges, then a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(total(first, "failed")).toBe(0);
    for (const h of HOSTS) expect(first.report?.recap[h]?.changed, explain(first)).toBe(6); // dir, motd, conf, command, link, handler

    const peers = HOSTS.map((h) => lab.host(h).privateIpv4).join(",");
    expect(await sh("db2", "cat /srv/dcv-demo/app.conf")).toBe(`# db2: written by do-converge\nport = 8080\npeers = ${peers}\n`);
    expect(await sh("db2", "stat -c '%a %U' /srv/dcv-demo/motd; cat /srv/dcv-demo/motd; readlink /srv/dcv-demo/current; cat /srv/dcv-demo/reloads")).toBe(
      "640 root\nhello db2\n/srv/dcv-demo/app.conf\nreload\n",
    );

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
    expect(await sh("db2", "cat /srv/dcv-demo/reloads")).toBe("reload\n");
  });

  it("--check --diff reports drift made by hand and changes nothing; the next converge repairs it once", async () => {
    await sh("db1", "echo tampered > /srv/dcv-demo/motd");
    await sh("web1", "chmod 0666 /srv/dcv-demo/motd");
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    const changed = check.report?.tasks.filter((t) => t.changed).map((t) => `${t.host} ${t.task}`);
    expect(changed).toEqual(expect.arrayContaining(["db1 copy /srv/dcv-demo/motd", "web1 copy /srv/dcv-demo/motd"]));
    expect(check.report?.recap.db2?.changed).toBe(0);
    expect(check.stdout).toContain("-tampered\n+hello db1\n");
    expect(check.stdout).toContain("-mode: 0666\n+mode: 0640\n");
    expect(await sh("db1", "cat /srv/dcv-demo/motd")).toBe("tampered\n");
    expect(await sh("web1", "stat -c %a /srv/dcv-demo/motd")).toBe("666\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(await sh("db1", "cat /srv/dcv-demo/motd; cat /srv/dcv-demo/reloads")).toBe("hello db1\nreload\nreload\n");
    expect(await sh("web1", "stat -c %a /srv/dcv-demo/motd")).toBe("640\n");
    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a template that fails validation leaves the live file alone and fails the host", async () => {
    site.write("roles/demo/templates/app.conf.njk", "broken = {{ demo_port }}\n");
    const bad = await site.converge(["--limit", "db1"]);
    expect(bad.code, explain(bad)).toBe(2);
    expect(bad.stdout).toMatch(/fatal: \[db1\] template \/srv\/dcv-demo\/app.conf => .*validation failed/);
    expect(await sh("db1", "head -n 2 /srv/dcv-demo/app.conf")).toBe("# db1: written by do-converge\nport = 8080\n");
    expect(await sh("db1", "ls -a /srv/dcv-demo | grep -c dcv-tmp || true")).toBe("0\n");
    site.write("roles/demo/templates/app.conf.njk", TEMPLATE);
  });
});
