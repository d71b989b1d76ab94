import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importPlaybook } from "../../../src/import/playbook.js";
import { tempTree } from "../inventory/helpers.js";
import { DSL, cli } from "../safety/cli-helpers.js";
import { ansible } from "../vault/ansible.js";
import { tree } from "./ansible-twin.js";

// A play's vars_files: converted into the play's varsFiles, read before the run, ranking above the
// play's vars (a later file above an earlier one), as ansible-playbook reads them (compared over the
// local connection).

describe("import playbook: vars_files", { timeout: 120_000 }, () => {
  it("become varsFiles, whose variables rank above the play's vars, as ansible-playbook ranks them", async () => {
    const dir = await tempTree({
      "playbook.yml": `- hosts: all\n  gather_facts: false\n  vars: { a: play, b: play, d: play }\n  vars_files: [vars/common.yml, more.yml]\n  tasks:\n    - shell: "echo {{ a }} {{ b }} {{ c }} {{ d }} > {{ out }}/v-{{ inventory_hostname }}"\n- hosts: all\n  vars_files: ["vars/{{ ansible_os_family }}.yml"]\n`,
      "vars/common.yml": "a: common\nb: common\n",
      "more.yml": 'b: more\nc: "{{ a }}-{{ inventory_hostname }}"\n',
    });
    for (const [f, out] of [["ansible.yml", "ansible"], ["hosts.yml", "ours"]] as const) {
      writeFileSync(join(dir, f), `all:\n  vars: { ansible_connection: local, ansible_python_interpreter: /usr/bin/python3, out: ${JSON.stringify(join(dir, out))}, a: inventory }\n  hosts: { a: {} }\n`);
      mkdirSync(join(dir, out));
    }
    writeFileSync(join(dir, "first.yml"), readFileSync(join(dir, "playbook.yml"), "utf8").split("- hosts: all\n  vars_files:")[0] ?? "");
    await ansible(dir, "ansible-playbook", ["-i", "ansible.yml", "first.yml"]);
    const r = importPlaybook(join(dir, "playbook.yml"));
    expect(r.notConverted.map((p) => `${p.at} ${p.why}`)).toEqual(["playbook.yml:7 vars_files of a templated name or a first-found list not converted yet"]);
    const site = readFileSync(r.site, "utf8");
    expect(site).toContain('varsFiles: ["vars/common.yml", "more.yml"],');
    writeFileSync(r.site, site.replace(/^notConverted\(.*\n/m, "").replace(/from "do-converge";/g, `from ${JSON.stringify(DSL)};`));
    const run = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tree(join(dir, "ours"))).toEqual({ "v-a": "common more common-a play\n" });
    expect(tree(join(dir, "ours"))).toEqual(tree(join(dir, "ansible")));
  });

  it("a vars file that is not there is the run's error before any host is touched", async () => {
    const dir = await tempTree({
      "site.ts": `import { play, site } from ${JSON.stringify(DSL)};\nexport default site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, varsFiles: ["nope.yml"], tasks: async (h) => { await h.command({ argv: ["touch", "touched"] }); } })] });\n`,
      "hosts.yml": "all:\n  hosts: { a: { ansible_connection: local } }\n",
    });
    const run = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("nope.yml");
    expect(run.stderr).not.toContain("    at ");
  });
});
