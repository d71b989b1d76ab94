import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { RootShells, type TestSite, changedTasks, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "./helpers.js";

const skip = labSkipReason();
const HOST = "web1";
const DIR = "/srv/dcv-lines";

const SEED = `# app
port = 80
#Listen 1.2.3.4:80
obsolete = yes
java = -Xms512m -Dx
`;

const SITE = `
import { site, play } from "$DSL";

const D = ${JSON.stringify(DIR)};
export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "lines",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.lineinfile({ path: D + "/app.conf", regexp: "^port\\\\s*=", line: "port = 8080", mode: "0640" }, { name: "port" });
        await h.lineinfile({ path: D + "/app.conf", line: "listen = 1", insertafter: "^#Listen" }, { name: "listen" });
        await h.lineinfile({ path: D + "/app.conf", regexp: "^obsolete", state: "absent" }, { name: "obsolete" });
        await h.lineinfile({ path: D + "/app.conf", regexp: "^java = (.*)-Xms\\\\d+m(.*)$", line: "java = \\\\1-Xms1024m\\\\2", backrefs: true }, { name: "java" });
        await h.blockinfile({ path: D + "/app.conf", block: "alpha = 1\\nbeta = 2\\n", marker: "# {mark} DCV BLOCK", insertbefore: "^#Listen" }, { name: "block" });
        await h.lineinfile({ path: D + "/sub/dir/new.conf", line: "created = yes", create: true, mode: "0640", group: "adm" }, { name: "created" });
        await h.blockinfile({ path: D + "/blocks.conf", block: "x = 1", create: true, validate: "grep -q 'BEGIN ANSIBLE MANAGED BLOCK' %s", backup: true }, { name: "blocks" });
        await h.lineinfile({ path: D + "/link.conf", line: "via = link" }, { name: "through a link" });
      },
    }),
  ],
});
`;

const FAILING = `
import { site, play } from "$DSL";

const D = ${JSON.stringify(DIR)};
export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({
      name: "failing lines",
      hosts: "all",
      become: true,
      gatherFacts: false,
      tasks: async (h) => {
        await h.lineinfile({ path: D + "/app.conf", line: "bad = 1", validate: "grep -q '^never' %s" }, { name: "invalid", ignoreErrors: true });
        await h.lineinfile({ path: D + "/missing.conf", line: "a = 1" }, { name: "missing", ignoreErrors: true });
        await h.blockinfile({ path: D + "/missing.conf", block: "a" }, { name: "missing block", ignoreErrors: true });
      },
    }),
  ],
});
`;

const APP = `# app
port = 8080
# BEGIN DCV BLOCK
alpha = 1
beta = 2
# END DCV BLOCK
#Listen 1.2.3.4:80
listen = 1
java = -Xms1024m -Dx
`;
const BLOCKS = "# BEGIN ANSIBLE MANAGED BLOCK\nx = 1\n# END ANSIBLE MANAGED BLOCK\n";

describe.skipIf(skip !== undefined)("lineinfile and blockinfile on a real host", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "failing.ts": FAILING }, () =>
      sh(`rm -rf ${DIR}; mkdir -p ${DIR}; printf '%s' '${SEED}' > ${DIR}/app.conf; printf 't\\n' > ${DIR}/target.conf; ln -s target.conf ${DIR}/link.conf`),
    );
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  it("converges, then a second converge changes nothing", async () => {
    const first = await site.converge();
    expect(first.code, explain(first)).toBe(0);
    expect(changedTasks(first)).toEqual(["port", "listen", "obsolete", "java", "block", "created", "blocks", "through a link"]);
    expect(await sh(`cat ${DIR}/app.conf; stat -c '%a %U' ${DIR}/app.conf`)).toBe(`${APP}640 root\n`);
    expect(await sh(`cat ${DIR}/sub/dir/new.conf; stat -c '%a %U %G' ${DIR}/sub/dir/new.conf`)).toBe("created = yes\n640 root adm\n");
    expect(await sh(`cat ${DIR}/blocks.conf; ls ${DIR} | grep -c '~$' || true`)).toBe(`${BLOCKS}0\n`);
    // The link stays a link; its target got the line.
    expect(await sh(`readlink ${DIR}/link.conf; cat ${DIR}/target.conf`)).toBe("target.conf\nt\nvia = link\n");

    const second = await site.converge();
    expect(second.code, explain(second)).toBe(0);
    expect(total(second, "changed"), explain(second)).toBe(0);
  });

  it("--check --diff reports drift made by hand and changes nothing; the next converge repairs it", async () => {
    await sh(`sed -i 's/^port = 8080/port = 81/; /^beta/d' ${DIR}/app.conf; chmod 0644 ${DIR}/app.conf; sed -i 's/x = 1/x = 2/' ${DIR}/blocks.conf; rm ${DIR}/sub/dir/new.conf`);
    const drifted = await sh(`cat ${DIR}/app.conf ${DIR}/blocks.conf`);

    const check = await site.converge(["--check", "--diff"]);
    expect(check.code, explain(check)).toBe(0);
    expect(changedTasks(check)).toEqual(["port", "block", "created", "blocks"]);
    expect(check.stdout).toContain("-port = 81\n+port = 8080\n");
    expect(check.stdout).toContain("-mode: 0644\n+mode: 0640\n");
    expect(check.stdout).toContain("+beta = 2\n");
    expect(check.stdout).toContain("-x = 2\n+x = 1\n");
    expect(await sh(`cat ${DIR}/app.conf ${DIR}/blocks.conf`)).toBe(drifted);
    expect(await sh(`stat -c %a ${DIR}/app.conf; ls ${DIR}/sub/dir`)).toBe("644\n");

    const fix = await site.converge();
    expect(fix.code, explain(fix)).toBe(0);
    expect(changedTasks(fix)).toEqual(["port", "block", "created", "blocks"]);
    expect(await sh(`cat ${DIR}/app.conf; stat -c %a ${DIR}/app.conf; cat ${DIR}/blocks.conf ${DIR}/sub/dir/new.conf`)).toBe(`${APP}640\n${BLOCKS}created = yes\n`);
    // backup: true kept the drifted blocks.conf.
    expect(await sh(`cat ${DIR}/blocks.conf.*~`)).toBe(BLOCKS.replace("x = 1", "x = 2"));

    const again = await site.converge();
    expect(total(again, "changed"), explain(again)).toBe(0);
  });

  it("a failed validate leaves the file alone; a missing file without create is an error", async () => {
    const before = await sh(`cat ${DIR}/app.conf`);
    const r = await site.converge([], { site: "failing.ts" });
    expect(r.code, explain(r)).toBe(0);
    const byName = Object.fromEntries((r.report?.tasks ?? []).map((t) => [t.task, t]));
    expect(byName.invalid?.status).toBe("ignored");
    expect(byName.invalid?.msg).toMatch(/validation failed/);
    expect(byName.missing?.msg).toBe(`${DIR}/missing.conf does not exist (create: true would create it)`);
    expect(byName["missing block"]?.msg).toBe(`${DIR}/missing.conf does not exist (create: true would create it)`);
    expect(await sh(`cat ${DIR}/app.conf`)).toBe(before);
    expect(await sh(`ls -a ${DIR} | grep -c dcv-tmp || true; ls ${DIR}/missing.conf 2>&1 || true`)).toMatch(/^0\n.*No such file/);
  });
});
