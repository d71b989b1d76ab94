import { describe, expect, it } from "vitest";
import { twin } from "./ansible-twin.js";

// loop_control's index_var and extended, with_nested and with_together: converted, then run by
// ansible-playbook and by do-converge over the local connection, with the same files left.

const TASKS = `---
- name: index_var and extended
  shell: "echo '{{ i }} {{ ansible_loop.index }}/{{ ansible_loop.length }} {{ ansible_loop.first }} {{ ansible_loop.last }} {{ ansible_loop.revindex0 }} {{ ansible_loop.previtem | default('-') }} {{ ansible_loop.nextitem | default('-') }}' >> {{ out }}/ext"
  loop: [a, b, c]
  loop_control:
    index_var: i
    extended: true
    label: "{{ item }}"
- name: index_var on its own, another loop_var
  shell: "echo {{ n }}-{{ x }} >> {{ out }}/idx"
  with_items: [[p, q], r]
  loop_control: { index_var: n, loop_var: x }
- name: paused between items
  shell: "echo {{ item }} >> {{ out }}/paused"
  loop: [1, 2]
  loop_control: { pause: 0.1 }
- name: nested
  shell: "echo '{{ item }} {{ item[0] }}-{{ item[1] }}' >> {{ out }}/nested"
  with_nested:
    - "{{ users }}"
    - [db1, db2]
    - [[x, y]]
- name: together
  shell: "echo '{{ item }}' >> {{ out }}/together"
  with_together:
    - "{{ users }}"
    - [1]
`;

describe("import role: loop_control index_var/extended/pause, with_nested, with_together", { timeout: 120_000 }, () => {
  it("gives each item its index, ansible_loop, and the lookups' items, as ansible-playbook does", async () => {
    const t = await twin({ "tasks/main.yml": TASKS, "defaults/main.yml": "users: [alice, bob]\n" }, { hosts: ["a"] });
    expect(t.imported.notConverted).toEqual([]);
    expect(t.code).toContain("for (const [i, item] of items.entries()) {");
    expect(t.code).toContain("const ansible_loop = h.jinja.loopInfo(items, i);");
    expect(t.code).toContain("for (const [index, item] of items_3.entries()) {\n      if (index > 0) await h.sleep(0.1);");
    expect(t.code).toContain('h.jinja.combine("nested", [jinja("{{ users }}"), ["db1", "db2"], [["x", "y"]]])');
    expect(t.run.code, t.run.stdout + t.run.stderr).toBe(0);
    expect(t.ours["ext"]).toBe("0 1/3 True False 2 - b\n1 2/3 False False 1 a c\n2 3/3 False True 0 b -\n");
    expect(t.ours["together"]).toBe("[alice, 1]\n[bob, None]\n");
    expect(t.ours).toEqual(t.ansible);
  });
});
