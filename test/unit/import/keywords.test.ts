import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { tempTree } from "../inventory/helpers.js";
import { DSL, cli } from "../safety/cli-helpers.js";

// Task keywords real roles template or repeat (task vars, a name registered twice, ignore_errors: "{{ ansible_check_mode }}", until/
// retries/delay, run_once), converted and then run: the imported role converges over the local
// connection with the results Ansible gives.

const TASKS = `---
- name: counter
  shell: "f={{ dir }}/n-{{ inventory_hostname }}; n=$(cat $f 2>/dev/null || echo 0); echo $((n+1)) > $f; cat $f"
  register: counted
  until: counted.stdout | int >= 3
  retries: 5
  delay: 0
- name: once
  command: "mkdir {{ dir }}/once-{{ inventory_hostname }}"
  run_once: true
- name: default retries
  command: /bin/true
  register: t
  until: t.rc == 0
- name: task vars
  command: "touch {{ dir }}/{{ f }}"
  vars: { f: "v-{{ inventory_hostname }}" }
  register: same
- name: registered again
  command: "touch {{ dir }}/{{ f }}-{{ same.rc }}"
  vars:
    f: w
  register: same
  changed_when: same.rc == 0
- name: loop
  command: "touch {{ dir }}/l-{{ item }}-{{ same.rc }}"
  loop: [x, "{{ f | default('y') }}"]
- name: dict
  command: "touch {{ dir }}/d-{{ item.key }}-{{ item.value }}"
  with_dict: "{{ {'p': 1, 'q': 2} }}"
- name: subelements
  command: "touch {{ dir }}/s-{{ item.0.name }}-{{ item.1 }}"
  with_subelements:
    - "{{ [{'name': 'u', 'keys': ['k1', 'k2']}, {'name': 'z'}] }}"
    - keys
    - skip_missing: true
- name: shared fact
  set_fact:
    picked: "{{ inventory_hostname }}"
  run_once: true
- name: picked
  include: picked.yml
- name: template in a loop
  template: { src: item.j2, dest: "{{ dir }}/t-{{ item }}" }
  loop: [m, "{{ f | default('q') }}"]
- set_fact: flag=yes n=1
- command: "touch {{ dir }}/f-{{ flag is boolean }}-{{ n is string }}"
- name: fails but ignored in check mode
  command: /bin/false
  ignore_errors: "{{ ansible_check_mode }}"
  check_mode: no
`;

describe("import role: task keywords and loops", () => {
  it("writes them as task options and the role runs as Ansible runs it", async () => {
    const dir = await tempTree({ "role/tasks/main.yml": TASKS, "role/templates/item.j2": "item={{ item }} rc={{ same.rc }}\n", "role/tasks/picked.yml": '- command: "touch {{ dir }}/picked-{{ inventory_hostname }}-{{ picked }}"\n', "role/defaults/main.yml": "dir: /tmp\n" });
    const r = importRole(join(dir, "role"), { name: "demo", out: join(dir, "site/roles/demo") });
    expect(r.notConverted).toEqual([]);
    const code = readFileSync(join(dir, "site/roles/demo/index.ts"), "utf8");
    expect(code).toContain('until: (r) => h.jinja.when("counted.stdout | int >= 3", { counted: r }), retries: 5, delay: 0');
    expect(code).toContain('ignoreErrors: h.jinja.when("ansible_check_mode"), checkMode: false');
    expect(code).toContain('await h.runOnce("tasks/main.yml:8", () => h.command(');
    expect(code).toContain("retries: 3, delay: 5");

    // Run it: two hosts on the local connection share the machine, so run_once makes one directory.
    const work = join(dir, "work");
    writeFileSync(join(dir, "site/hosts.yml"), `all:\n  vars: { ansible_connection: local, dir: ${JSON.stringify(work)} }\n  hosts: { a: {}, b: {} }\n`);
    writeFileSync(
      join(dir, "site/site.ts"),
      readFileSync(join(dir, "site/roles/demo/index.ts"), "utf8").replace(/from "do-converge";/, `from ${JSON.stringify(DSL)};`) +
        `\nimport { play as play_, site as site_ } from ${JSON.stringify(DSL)};\nexport default site_({ plays: [play_({ name: "p", hosts: "all", gatherFacts: false, roles: [demo] })] });\n`,
    );
    mkdirSync(work);
    const run = await cli(join(dir, "site"), ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    // Each host tried three times to reach 3; one host made the run_once directory.
    expect([readFileSync(join(work, "n-a"), "utf8"), readFileSync(join(work, "n-b"), "utf8")]).toEqual(["3\n", "3\n"]);
    expect(readdirSync(work).filter((f) => f.startsWith("once-"))).toHaveLength(1);
    // Task vars read by the task's arguments; a name registered twice is the latest result; a loop's
    // item and a registered result reach the arguments' templates.
    expect(readdirSync(work).filter((f) => /^(v-|w|l-)/.test(f)).sort()).toEqual(["l-x-0", "l-y-0", "v-a", "v-b", "w-0"]);
    // with_dict, with_subelements (skip_missing), a legacy include, and set_fact with run_once: every host got the one value.
    const made = readdirSync(work).sort();
    expect(made.filter((f) => /^(d|s|f)-/.test(f))).toEqual(["d-p-1", "d-q-2", "f-True-True", "s-u-k1", "s-u-k2"]);
    const picked = made.filter((f) => f.startsWith("picked-"));
    expect(picked.map((f) => f.replace(/^picked-[ab]-/, ""))).toEqual([picked[0]?.replace(/^picked-[ab]-/, ""), picked[0]?.replace(/^picked-[ab]-/, "")]);
    expect(picked.map((f) => f.slice(0, "picked-a".length))).toEqual(["picked-a", "picked-b"]);
    // A template task's loop item and registered results are the template's variables too, as in Ansible.
    expect(readFileSync(join(work, "t-m"), "utf8")).toBe("item=m rc=0\n");
    expect(readFileSync(join(work, "t-q"), "utf8")).toBe("item=q rc=0\n");
    // ignore_errors was false (not check mode): the failure fails both hosts' runs.
    expect(run.code).toBe(2);
  });
});
