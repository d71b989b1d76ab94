import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importPlaybook } from "../../../src/import/playbook.js";
import { play, role } from "../../../src/index.js";
import { tempTree } from "../inventory/helpers.js";
import { DSL, cli } from "../safety/cli-helpers.js";
import { ansible } from "../vault/ansible.js";
import { tree } from "./ansible-twin.js";

// A play's role entry with parameters (`- role: x` with keys of its own, and `vars:`): converted
// into `{ role, vars }`, the parameters over the host's variables for that role only, as
// ansible-playbook runs it (compared over the local connection).

describe("import playbook: role parameters", { timeout: 120_000 }, () => {
  it("become { role, vars } and override the role's defaults and the inventory's values", async () => {
    const dir = await tempTree({
      "playbook.yml": `- hosts: all\n  gather_facts: false\n  roles:\n    - role: demo\n      listen: 8080\n      vars:\n        who: "{{ inventory_hostname }}-{{ listen }}"\n        kept2: v\n    - role: other\n      tags: [x]\n`,
      "roles/demo/defaults/main.yml": "listen: 80\nwho: nobody\nkept: default\n",
      "roles/demo/tasks/main.yml": '- shell: "echo {{ listen }} {{ who }} {{ kept }} {{ kept2 }} > {{ out }}/p-{{ inventory_hostname }}"\n',
      "roles/other/tasks/main.yml": '- shell: "echo {{ listen | default(1) }} > {{ out }}/o-{{ inventory_hostname }}"\n',
    });
    for (const [f, out] of [["ansible.yml", "ansible"], ["hosts.yml", "ours"]] as const) {
      writeFileSync(join(dir, f), `all:\n  vars: { ansible_connection: local, ansible_python_interpreter: /usr/bin/python3, out: ${JSON.stringify(join(dir, out))}, listen: 22 }\n  hosts: { a: {} }\n`);
      mkdirSync(join(dir, out));
    }
    // The per-role keyword stays notConverted: Ansible runs the role only where the tags select it.
    await ansible(dir, "ansible-playbook", ["-i", "ansible.yml", "playbook.yml", "--skip-tags", "x"]);
    const r = importPlaybook(join(dir, "playbook.yml"));
    expect(r.notConverted.map((p) => `${p.at} ${p.why}`)).toEqual(["playbook.yml:9 tags on a role entry not converted yet"]);
    const site = readFileSync(r.site, "utf8");
    expect(site).toContain('roles: [{ role: demoRole, vars: { listen: 8080, who: "{{ inventory_hostname }}-{{ listen }}", kept2: "v" } }],');
    writeFileSync(r.site, site.replace(/^notConverted\(.*\n/m, "").replace(/from "do-converge";/g, `from ${JSON.stringify(DSL)};`));
    writeFileSync(join(dir, "roles/demo/index.ts"), readFileSync(join(dir, "roles/demo/index.ts"), "utf8").replace(/from "do-converge";/g, `from ${JSON.stringify(DSL)};`));
    const run = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tree(join(dir, "ours"))).toEqual({ "p-a": "8080 a-8080 default v\n" });
    expect(tree(join(dir, "ours"))).toEqual(tree(join(dir, "ansible")));
  });

  it("one role with two sets of parameters in a play is the play's error", () => {
    const r = role({ name: "r", tasks: async () => undefined });
    expect(() => play({ name: "p", hosts: "all", roles: [{ role: r, vars: { a: 1 } }, r] })).toThrow('play "p": role r is listed with different parameters (as a dependency too): give it one set per play');
    expect(play({ name: "p", hosts: "all", roles: [{ role: r, vars: { a: 1 } }] }).roles[0]?.params).toEqual({ a: 1 });
  });
});
