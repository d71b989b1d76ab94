import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { tempTree } from "../inventory/helpers.js";
import { twin } from "./ansible-twin.js";

// setup (and the gather_facts module) as roles write it: converted into h.gatherFacts(), which
// gathers the host's facts again for the rest of the run; run by ansible-playbook and by
// do-converge over the local connection in a play without gather_facts, the facts it gives read the same.

const TASKS = `---
- name: before any gather
  copy:
    content: "{{ ansible_facts.hostname | default('none') }} {{ ansible_hostname | default('none') }}\\n"
    dest: "{{ out }}/before-{{ inventory_hostname }}"
- setup:
- name: after setup
  copy:
    content: "{{ ansible_facts.distribution }} {{ ansible_hostname }} {{ ansible_facts.os_family }} {{ ansible_local | default({}) | length }} {{ module_setup }}\\n"
    dest: "{{ out }}/after-{{ inventory_hostname }}"
- name: a subset, again
  ansible.builtin.setup:
    gather_subset: ["!all", "network"]
    gather_timeout: 5
  register: again
- name: what setup registers
  copy:
    content: "{{ again.ansible_facts.ansible_hostname }} {{ again.ansible_facts.module_setup }} {{ again.changed }} {{ again.ansible_facts.ansible_distribution }}\\n"
    dest: "{{ out }}/registered-{{ inventory_hostname }}"
- ansible.builtin.gather_facts:
  tags: [facts]
`;

describe("import role: setup and gather_facts", { timeout: 180_000 }, () => {
  it("become h.gatherFacts(): the facts after it, and its registered result, are Ansible's", async () => {
    const t = await twin({ "tasks/main.yml": TASKS }, { hosts: ["a"] });
    expect(t.imported.notConverted).toEqual([]);
    expect(t.code).toContain("await h.gatherFacts();");
    expect(t.code).toContain('const again = await h.gatherFacts({ name: "a subset, again" });');
    expect(t.code).toContain('await h.gatherFacts({ tags: ["facts"] });');
    expect(t.run.code, t.run.stdout + t.run.stderr).toBe(0);
    expect(t.ours["before-a"]).toBe("none none\n");
    expect(t.ours["after-a"]).toMatch(/^Debian \S+ Debian \d+ True\n$/);
    expect(t.ours["registered-a"]).toMatch(/^\S+ True False Debian\n$/);
    expect(t.ours).toEqual(t.ansible);
  });

  it("what would gather other facts than all of them (filter, fact_path), or elsewhere, is left to convert by hand", async () => {
    const dir = await tempTree({
      "tasks/main.yml": [
        "- setup: filter=ansible_hostname",
        "- setup:",
        "    fact_path: /srv/facts",
        "- setup:",
        "  delegate_to: db1",
        "- setup:",
        "  ignore_errors: true",
        "- setup: gather_subset=network",
        "  become: true",
        "",
      ].join("\n"),
    });
    const r = importRole(dir, { name: "demo", out: join(dir, "out") });
    expect(r.notConverted.map((p) => `${p.at} ${p.why}`)).toEqual([
      "tasks/main.yml:1 setup filter not converted yet",
      "tasks/main.yml:2 setup fact_path not converted yet",
      "tasks/main.yml:4 delegate_to on setup not converted yet",
      "tasks/main.yml:6 ignore_errors on setup not converted yet",
    ]);
    expect(readFileSync(join(dir, "out/index.ts"), "utf8")).toContain("await h.gatherFacts({ become: true });");
  });
});
