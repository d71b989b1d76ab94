import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite, playSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-getent";
const GROUP = "dcvgetent";

// getent's results are written to files, so the host shows what it returned and a group changed
// by hand shows as drift of those files.
const SITE = playSite(
  "getent",
  { D: DIR, G: GROUP },
  `
    const grp = await h.getent({ database: "group", key: G }, { name: "group" });
    await h.copy({ dest: D + "/group.json", content: JSON.stringify(grp.ansible_facts) + "\\n" }, { name: "record group" });
    const root = await h.getent({ database: "passwd", key: "root", split: ":" }, { name: "root" });
    const hosts = await h.getent({ database: "hosts", key: "localhost", service: "files" }, { name: "hosts" });
    const none = await h.getent({ database: "passwd", key: "dcv-no-such-user", fail_key: false }, { name: "missing ok" });
    await h.copy({ dest: D + "/other.json", content: JSON.stringify([root.ansible_facts.getent_passwd, hosts.ansible_facts.getent_hosts, none.ansible_facts.getent_passwd, none.msg]) + "\\n" }, { name: "record other" });
`,
);

const FAILING = playSite(
  "failing getent",
  { D: DIR },
  `
    await h.getent({ database: "passwd", key: "dcv-no-such-user" }, { name: "missing", ignoreErrors: true });
    await h.getent({ database: "nosuchdb" }, { name: "unknown", ignoreErrors: true });
`,
);

describe.skipIf(skip !== undefined)("getent on a real host (web2)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING }, () =>
      sh(`rm -rf ${DIR}; mkdir -p ${DIR}; groupdel ${GROUP} 2>/dev/null; groupadd -g 4711 ${GROUP} && gpasswd -M root,www-data ${GROUP} >/dev/null`),
    );
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}; groupdel ${GROUP}`)));

  it("reads the databases, changes nothing, and a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["record group", "record other"]);
    expect(JSON.parse(await sh(`cat ${DIR}/group.json`))).toEqual({ getent_group: { [GROUP]: ["x", "4711", "root,www-data"] } });
    const [passwd, hosts, none, msg] = JSON.parse(await sh(`cat ${DIR}/other.json`)) as unknown[];
    expect(passwd).toEqual({ root: ["x", "0", "0", "root", "/root", "/bin/bash"] });
    // getent prints one line (the host's first address for the name): address, then its names.
    const [address, ...names] = (await sh("getent hosts localhost -s files")).trim().split(/\s+/);
    expect(hosts).toEqual({ [address ?? ""]: names });
    expect(none).toEqual({ "dcv-no-such-user": null });
    expect(msg).toBe("One or more supplied key could not be found in the database.");

    const second = await site.converge();
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff shows a member added by hand without changing anything; the next converge records it", async () => {
    await sh(`gpasswd -a daemon ${GROUP} >/dev/null`);
    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["record group"]);
    expect(check.stdout).toContain(`+{"getent_group":{"${GROUP}":["x","4711","root,www-data,daemon"]}}`);
    expect(await sh(`cat ${DIR}/group.json`)).not.toContain("daemon");
    const fix = await site.converge();
    expect(changedTasks(fix)).toEqual(["record group"]);
    expect(await sh(`cat ${DIR}/group.json`)).toContain("root,www-data,daemon");
    expect(total(await site.converge(), "changed")).toBe(0);
  });

  it("a missing key and an unknown database fail with Ansible's messages", async () => {
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName.missing).toMatchObject({ status: "ignored", msg: "getent passwd dcv-no-such-user: One or more supplied key could not be found in the database." });
    expect(byName.unknown).toMatchObject({ status: "ignored", msg: "getent nosuchdb: Missing arguments, or database unknown." });
  });
});
