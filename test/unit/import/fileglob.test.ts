import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "../safety/cli-helpers.js";
import { twin } from "./ansible-twin.js";

// with_fileglob as cloudalchemy.prometheus writes it (patterns from a variable, relative to the
// role's files/), a bare pattern, an absolute one and one that matches nothing: run by
// ansible-playbook and by do-converge over the local connection, the same files copied.

const elsewhere = scratchDir("fileglob");
const TASKS = `---
- name: prometheus's
  copy:
    src: "{{ item }}"
    dest: "{{ out }}/{{ item | basename }}"
  with_fileglob: "{{ rules_files }}"
- name: bare pattern
  copy:
    src: "{{ item }}"
    dest: "{{ out }}/bare-{{ item | basename }}"
  with_fileglob: "*.txt"
- name: absolute, and a pattern that matches nothing
  copy:
    src: "{{ item }}"
    dest: "{{ out }}/abs-{{ item | basename }}"
  with_fileglob:
    - "${elsewhere}/*.conf"
    - "nothing/*.x"
`;

describe("import role: with_fileglob", { timeout: 120_000 }, () => {
  it("loops over the control node's files the patterns match, as ansible-playbook does", async () => {
    mkdirSync(join(elsewhere, "sub"));
    writeFileSync(join(elsewhere, "x.conf"), "x\n");
    writeFileSync(join(elsewhere, "y.txt"), "y\n");
    const t = await twin(
      {
        "tasks/main.yml": TASKS,
        "defaults/main.yml": "rules_files: [prometheus/rules/*.rules]\n",
        "files/prometheus/rules/a.rules": "a\n",
        "files/prometheus/rules/b.rules": "b\n",
        "files/prometheus/rules/.hidden.rules": "hidden\n",
        "files/prometheus/rules/c.txt": "c\n",
        "files/prometheus/rules/d.rules/": "",
        "files/top.txt": "top\n",
      },
      { hosts: ["a"] },
    );
    expect(t.imported.notConverted).toEqual([]);
    expect(t.code).toContain('for (const item of h.jinja.fileglob(jinja("{{ rules_files }}"))) {');
    expect(t.run.code, t.run.stdout + t.run.stderr).toBe(0);
    expect(Object.keys(t.ours)).toEqual(["a.rules", "abs-x.conf", "b.rules", "bare-top.txt"]);
    expect(t.ours).toEqual(t.ansible);
  });
});
