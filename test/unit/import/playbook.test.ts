import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importPlaybook } from "../../../src/import/playbook.js";
import { sortDiagnostics, typecheck } from "./type-check.js";
import { tempTree } from "../inventory/helpers.js";
import { DSL, cli } from "../safety/cli-helpers.js";

// `do-converge import playbook` on the seed deployment's own playbook (vendored: test/fixtures/
// playbooks/navigators-guide) and on a playbook written with the play keywords real ones use;
// the written site type-checks but at its notConverted() places, and a converted play runs.

const FIXTURES = new URL("../../fixtures/", import.meta.url).pathname;

describe("import playbook", { timeout: 180_000 }, () => {
  it("the seed's site.yml: its plays, with its import_role tasks as the plays' roles", async () => {
    const dir = await tempTree({});
    mkdirSync(join(dir, "roles"));
    cpSync(join(FIXTURES, "playbooks/navigators-guide/site.yml"), join(dir, "site.yml"));
    for (const r of ["ansible-galera-lb", "ansible-galera-cluster-node", "ansible-welp"]) symlinkSync(join(FIXTURES, "roles", `digitalocean.${r}`), join(dir, "roles", r), "dir");
    const r = importPlaybook(join(dir, "site.yml"), { out: join(dir, "out") });
    expect(r.plays).toBe(4);
    expect(r.notConverted).toEqual([]);
    expect(r.roles.map((x) => x.name)).toEqual(["ansible-galera-lb", "ansible-galera-cluster-node", "ansible-welp"]);
    const site = readFileSync(r.site, "utf8");
    expect(site).toContain('import { ansibleGaleraLb as ansibleGaleraLbRole } from "./roles/ansible-galera-lb/index.js";');
    expect(site).toMatch(/play\(\{\n\s+name: "all",\n\s+hosts: "all",\n\s+become: true,\n\s+gatherFacts: true,\n\s+\}\),/);
    expect(site).toMatch(/name: "galera_cluster_node",\n\s+hosts: "galera_cluster_node",\n\s+become: true,\n\s+gatherFacts: true,\n\s+roles: \[ansibleGaleraClusterNodeRole\],\n/);
    // What is left is the roles' own notConverted() places, each one a type error where it stands.
    const { problems, atNotConverted } = sortDiagnostics(typecheck([r.site]));
    expect(problems).toEqual([]);
    for (const role of r.roles) expect(atNotConverted.get(join(role.out, "index.ts")) ?? 0, role.name).toBe(role.notConverted.length);
  });

  it("play keywords, pre/post tasks, handlers and vars become a site that runs as the playbook ordered it", async () => {
    const dir = await tempTree({
      "playbook.yml": `---
- name: first
  hosts: all
  gather_facts: no
  serial: 1
  vars:
    greeting: "hello {{ inventory_hostname }}"
  pre_tasks:
    - name: pre
      shell: "echo pre >> {{ out }}/{{ inventory_hostname }}"
      notify: note
  roles:
    - demo
  tasks:
    - name: task
      shell: "echo {{ greeting | replace(' ', '-') }} >> {{ out }}/{{ inventory_hostname }}"
  post_tasks:
    - shell: "echo post >> {{ out }}/{{ inventory_hostname }}"
  handlers:
    - name: note
      shell: "echo handler >> {{ out }}/{{ inventory_hostname }}"
- import_playbook: more.yml
- hosts: all
  strategy: free
`,
      "more.yml": "- hosts: b\n  gather_facts: false\n  tasks:\n    - shell: \"echo more >> {{ out }}/{{ inventory_hostname }}\"\n",
      "roles/demo/tasks/main.yml": '- shell: "echo role >> {{ out }}/{{ inventory_hostname }}"\n',
    });
    const r = importPlaybook(join(dir, "playbook.yml"));
    expect(r.plays).toBe(3);
    expect(r.notConverted.map((p) => `${p.at} ${p.what}: ${p.why}`)).toEqual(["playbook.yml:23 play 3: play keyword strategy not converted yet"]);
    // The unconverted play is a type error; without it the site runs.
    const site = readFileSync(r.site, "utf8");
    writeFileSync(r.site, site.replace(/^notConverted\(.*\n/m, "").replace(/from "do-converge";/g, `from ${JSON.stringify(DSL)};`));
    writeFileSync(join(dir, "roles/demo/index.ts"), readFileSync(join(dir, "roles/demo/index.ts"), "utf8").replace(/from "do-converge";/g, `from ${JSON.stringify(DSL)};`));
    const out = join(dir, "o");
    writeFileSync(join(dir, "hosts.yml"), `all:\n  vars: { ansible_connection: local, out: ${JSON.stringify(out)} }\n  hosts: { a: {}, b: {} }\n`);
    mkdirSync(out);
    const run = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(readFileSync(join(out, "a"), "utf8")).toBe("pre\nhandler\nrole\nhello-a\npost\n");
    expect(readFileSync(join(out, "b"), "utf8")).toBe("pre\nhandler\nrole\nhello-b\npost\nmore\n");
  });
});
