import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { DEPLOY_USER } from "../base.js";
import { Lab } from "../lab.js";
import { type LabSsh, knownKeys, labSsh } from "../ssh.js";
import { TestSite, explain } from "./harness.js";

const skip = labSkipReason();
const HOSTS = ["db1", "web1"];
const MARK = "/tmp/dcv-bad-input-touched";

const role = (tasks: string, extra = "") => `
import { site, play, role, z } from "$DSL";
const demo = role({
  name: "demo",
  vars: z.object({ demo_port: z.number().int().min(1).max(65535).default(8080) }),
  async tasks(h, v) {
    await h.file({ path: "${MARK}", state: "touch" });
    ${tasks}
  },
});
${extra}
export default site({ inventory: ["inventory.yml"], plays: [play({ name: "demo", hosts: "all", roles: [demo] })] });
`;

describe.skipIf(skip !== undefined)("bad input fails before any host is touched, naming where", () => {
  const lab = Lab.fromFile();
  const sessions: LabSsh[] = [];
  let site: TestSite;

  beforeAll(async () => {
    await lab.up();
    for (const h of HOSTS) {
      const s = await labSsh({ host: lab.host(h).privateIpv4, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, h) });
      sessions.push(s);
      await s.exec(`rm -f ${MARK}`);
    }
  });
  afterAll(() => {
    for (const s of sessions) s.close();
    site?.remove();
  });

  async function expectUntouched(files: Record<string, string>, message: RegExp, args: string[] = []) {
    site?.remove();
    site = new TestSite(lab, files, HOSTS);
    const r = await site.converge(args);
    expect(r.code, explain(r)).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).not.toContain("PLAY [");
    for (const s of sessions) expect((await s.exec(`ls ${MARK} 2>/dev/null || echo untouched`)).stdout).toBe("untouched\n");
  }

  it("malformed inventory YAML: file:line", async () => {
    await expectUntouched({ "site.ts": role(""), "extra.yml": "all:\n  hosts:\n    db1: {ansible_host: [\n" }, /extra\.yml:\d+:\d+/, ["-i", "extra.yml"]);
  });

  it("a variable failing the role's schema: role, host, key and the file that set it", async () => {
    await expectUntouched(
      { "site.ts": role(""), "group_vars/all.yml": "demo_port: eighty\n" },
      /role demo, host db1: demo_port: .*expected number.*\(set in .*group_vars\/all\.yml:1/,
    );
  });

  it("an unknown module argument: a type error at site.ts:line:col", async () => {
    await expectUntouched({ "site.ts": role(`await h.copy({ dest: "/tmp/x", content: "x", mdoe: "0644" });`) }, /site\.ts:\d+:\d+: .*'mdoe' does not exist/);
  });

  it("an unknown role: a type error naming it", async () => {
    await expectUntouched({ "site.ts": role("", "const other = [nosuchrole];") }, /site\.ts:\d+:\d+: Cannot find name 'nosuchrole'/);
  });

  it("template syntax: template:line:col", async () => {
    await expectUntouched(
      { "site.ts": role(`await h.template({ src: "a.conf.njk", dest: "/tmp/a.conf" });`), "roles/demo/templates/a.conf.njk": "ok\n{% if demo_port %}\nport {{ demo_port }\n{% endif %}\n" },
      /a\.conf\.njk:3:\d+/,
    );
  });

  it("an undefined template variable: template:line:col and the variable", async () => {
    await expectUntouched(
      { "site.ts": role(`await h.template({ src: "a.conf.njk", dest: "/tmp/a.conf" });`), "roles/demo/templates/a.conf.njk": "port {{ demo_port }}\nname {{ demo_nmae }}\n" },
      /roles\/demo\/templates\/a\.conf\.njk:2:9: undefined variable 'demo_nmae' for hosts db1, web1 \(role demo\)/,
    );
  });

  it("an unknown group in a play's hosts pattern: names it", async () => {
    const text = role("").replace('hosts: "all"', 'hosts: "dbservers"');
    await expectUntouched({ "site.ts": text }, /dbservers/);
  });

  it("a malformed --extra-vars: names it", async () => {
    await expectUntouched({ "site.ts": role("") }, /--extra-vars/, ["-e", "novalue"]);
  });
});
