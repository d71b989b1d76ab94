import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modules } from "../../../src/modules/registry.js";
import { DSL, cli, scratchDir } from "../safety/cli-helpers.js";
import { twin } from "./ansible-twin.js";

// run_once on a loop, throttle, meta: reset_connection and the user module's groups as text:
// converted, then run over the local connection (by ansible-playbook too where Ansible can show it).

const TASKS = `---
- name: looped once
  shell: "echo {{ item }} | tee -a {{ out }}/once"
  loop: [1, 2]
  run_once: true
  register: looped
- name: every host got the one run's results
  copy:
    content: "{{ looped.results | map(attribute='stdout') | list }} {{ looped.results | length }}\\n"
    dest: "{{ out }}/r-{{ inventory_hostname }}"
- name: looped once without register, skipped by when on an item
  shell: "echo {{ item }} >> {{ out }}/once-when"
  with_items: [3, 4]
  when: item != 4
  run_once: yes
- block:
    - name: in a run_once block
      shell: "echo x | tee -a {{ out }}/block-once"
      register: in_block
    - name: not once
      copy: { content: "{{ in_block.stdout }}\\n", dest: "{{ out }}/b-{{ inventory_hostname }}" }
      run_once: false
  run_once: true
- name: one host at a time
  shell: "mkdir {{ out }}/held && sleep 0.3 && rmdir {{ out }}/held && echo {{ inventory_hostname }} >> {{ out }}/throttled"
  throttle: 1
- name: one host at a time, looped
  shell: "mkdir {{ out }}/held2 && sleep 0.1 && rmdir {{ out }}/held2"
  loop: [a, b]
  throttle: "1"
  register: thr
`;

describe("import role: run_once on a loop, throttle, reset_connection, user groups as text", { timeout: 120_000 }, () => {
  it("runs a run_once loop on one host and gives every host its results; throttle keeps hosts out of each other's way", async () => {
    const t = await twin({ "tasks/main.yml": TASKS }, { hosts: ["a", "b", "c"] });
    expect(t.imported.notConverted).toEqual([]);
    expect(t.code).toContain('const looped = await h.runOnce("tasks/main.yml:2", async () => {');
    expect(t.code).toContain('await h.throttle("tasks/main.yml:24", 1, () => h.shell(');
    expect(t.code).toContain('await h.throttle("tasks/main.yml:27", 1, async () => {');
    expect(t.run.code, t.run.stdout + t.run.stderr).toBe(0);
    expect(t.ours["once"]).toBe("1\n2\n");
    expect(t.ours["r-c"]).toBe("['1', '2'] 2\n");
    expect(t.ours["once-when"]).toBe("3\n");
    // A block's run_once is each of its tasks' (one of which says otherwise).
    expect(t.code).toContain('const in_block = await h.runOnce("tasks/main.yml:17", () => h.shell(');
    expect(t.ours["block-once"]).toBe("x\n");
    expect(t.ours["b-c"]).toBe("x\n");
    expect(t.ours["throttled"]?.split("\n").sort()).toEqual(["", "a", "b", "c"]);
    const { throttled: _a, ...ansible } = t.ansible;
    const { throttled: _o, ...ours } = t.ours;
    expect(ours).toEqual(ansible);
  });

  it("meta: reset_connection: the next task runs in a new shell", async () => {
    const tasks = `- shell: "echo $$ >> {{ out }}/pids-{{ inventory_hostname }}"\n- shell: "echo $$ >> {{ out }}/pids-{{ inventory_hostname }}"\n- meta: reset_connection\n- shell: "echo $$ >> {{ out }}/pids-{{ inventory_hostname }}"\n`;
    const t = await twin({ "tasks/main.yml": tasks }, { hosts: ["a"], oracle: false });
    expect(t.code).toContain("await h.resetConnection();");
    expect(t.run.code, t.run.stdout + t.run.stderr).toBe(0);
    const [first, second, third] = (t.ours["pids-a"] ?? "").trim().split("\n");
    expect(second).toBe(first);
    expect(third).not.toBe(first);
  });

  it("user's groups given as text are names separated by commas, as Ansible's user module reads them", () => {
    const parse = (groups: unknown) => modules.user.args.parse({ name: "u", groups }).groups;
    expect(parse("docker")).toEqual(["docker"]);
    expect(parse("docker, adm,")).toEqual(["docker", "adm"]);
    expect(parse("")).toEqual([]);
    expect(parse(["a", 7])).toEqual(["a", 7]);
    expect(modules.user.args.safeParse({ name: "u", groups: "a,b c" }).success).toBe(false);
  });
});

describe("h.runOnce keys", { timeout: 60_000 }, () => {
  const work = scratchDir("run-once-keys");
  it("are each role's own: two roles' tasks at the same file:line both run once", async () => {
    const out = join(work, "out");
    writeFileSync(join(work, "inventory.yml"), "all:\n  vars: { ansible_connection: local }\n  hosts: { a: {}, b: {} }\n");
    const roleCode = (name: string) =>
      `role({ name: ${JSON.stringify(name)}, async tasks(h) { await h.runOnce("tasks/main.yml:1", () => h.shell({ cmd: "echo ${name} >> ${out}" })); } })`;
    writeFileSync(
      join(work, "site.ts"),
      `import { play, role, site } from ${JSON.stringify(DSL)};\nexport default site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, roles: [${roleCode("one")}, ${roleCode("two")}] })] });\n`,
    );
    const r = await cli(work, ["site.ts", "-i", "inventory.yml", "--no-typecheck"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe("one\ntwo\n");
  });
});
