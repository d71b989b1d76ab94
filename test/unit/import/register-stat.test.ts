import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { tempTree } from "../inventory/helpers.js";
import { DSL, cli } from "../safety/cli-helpers.js";

// A registered stat as roles read it: Ansible registers the module's answer under `stat`
// (x.stat.exists), so the imported role must hand the conditions and templates that shape.

const TASKS = `---
- name: check done
  stat:
    path: "{{ dir }}/done"
  register: done_mark
- name: first time only
  command: "touch {{ dir }}/ran-{{ done_mark.stat.exists }}"
  when:
    - done_mark.stat.exists == false
- name: what stat said
  template: { src: said.j2, dest: "{{ dir }}/said" }
- name: mark
  file: { path: "{{ dir }}/done", state: touch }
  when: not done_mark.stat.exists
`;

describe("import role: a registered stat", () => {
  it("is read as Ansible registers it, result.stat.exists, in when and in templates", async () => {
    const dir = await tempTree({ "role/tasks/main.yml": TASKS, "role/templates/said.j2": "exists={{ done_mark.stat.exists }} isreg={{ done_mark.stat.isreg }}\n", "role/defaults/main.yml": "dir: /tmp\n" });
    const r = importRole(join(dir, "role"), { name: "demo", out: join(dir, "site/roles/demo") });
    expect(r.notConverted).toEqual([]);
    const work = join(dir, "work");
    writeFileSync(join(dir, "site/hosts.yml"), `all:\n  vars: { ansible_connection: local, dir: ${JSON.stringify(work)} }\n  hosts: { a: {} }\n`);
    writeFileSync(
      join(dir, "site/site.ts"),
      readFileSync(join(dir, "site/roles/demo/index.ts"), "utf8").replace(/from "do-converge";/, `from ${JSON.stringify(DSL)};`) +
        `\nimport { play as play_, site as site_ } from ${JSON.stringify(DSL)};\nexport default site_({ plays: [play_({ name: "p", hosts: "all", gatherFacts: false, roles: [demo] })] });\n`,
    );
    mkdirSync(work);
    const first = await cli(join(dir, "site"), ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(existsSync(join(work, "ran-False"))).toBe(true);
    expect(readFileSync(join(work, "said"), "utf8")).toBe("exists=False isreg=False\n");
    const second = await cli(join(dir, "site"), ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(existsSync(join(work, "ran-True"))).toBe(false);
    expect(readFileSync(join(work, "said"), "utf8")).toBe("exists=True isreg=True\n");
  }, 120_000);
});
