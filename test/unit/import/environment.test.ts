import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { tempTree } from "../inventory/helpers.js";
import { cli, scratchDir, siteSource } from "../safety/cli-helpers.js";
import { twin } from "./ansible-twin.js";

// `environment:` on tasks and blocks, and become_user / delegate_to given as templates: converted,
// then run by ansible-playbook and by do-converge over the local connection, with the same files left.

const TASKS = `---
- name: task environment
  shell: 'echo "$GREETING $N $T $HOME_OF" > {{ out }}/e-{{ inventory_hostname }}'
  environment:
    GREETING: "hello {{ inventory_hostname }}"
    N: 1
    T: true
    HOME_OF: "{{ who }}"
- name: none after
  shell: 'echo "[\${GREETING:-unset}]" > {{ out }}/after-{{ inventory_hostname }}'
- block:
    - name: merged, the task's over the block's
      shell: 'echo "$A $B" > {{ out }}/m-{{ inventory_hostname }}'
      environment:
        B: task
    - name: from a variable
      shell: 'echo $C > {{ out }}/v-{{ inventory_hostname }}'
      environment: "{{ env_var }}"
  environment:
    A: block
    B: block
- name: looped, the item in the environment
  shell: 'echo "$I" > {{ out }}/l-{{ item }}-{{ inventory_hostname }}'
  environment: { I: "{{ item }}" }
  loop: [x, y]
- name: delegated by a template
  shell: 'echo "$X" > {{ out }}/d-{{ inventory_hostname }}'
  delegate_to: "{{ peer }}"
  environment: { X: "{{ inventory_hostname }}" }
`;

describe("import role: environment, templated delegate_to and become_user", { timeout: 120_000 }, () => {
  it("exports the task's (and its blocks') environment for the module's commands, as ansible-playbook does", async () => {
    const t = await twin({ "tasks/main.yml": TASKS, "defaults/main.yml": "who: me\nenv_var: { C: from-var }\npeer: b\n" });
    expect(t.imported.notConverted).toEqual([]);
    expect(t.code).toContain('environment: h.jinja.env({ GREETING: jinja("hello {{ inventory_hostname }}"), N: 1, T: true, HOME_OF: jinja("{{ who }}") })');
    expect(t.code).toContain('environment: h.jinja.env([{ A: "block", B: "block" }, { B: "task" }])');
    expect(t.code).toContain('environment: h.jinja.env([{ A: "block", B: "block" }, jinja("{{ env_var }}")])');
    expect(t.code).toContain('environment: h.jinja.env({ I: jinja("{{ item }}") }, { item })');
    expect(t.code).toContain('delegateTo: String(h.jinja.value(jinja("{{ peer }}")))');
    expect(t.run.code, t.run.stdout + t.run.stderr).toBe(0);
    expect(t.ours["e-a"]).toBe("hello a 1 True me\n");
    expect(t.ours["after-b"]).toBe("[unset]\n");
    expect(t.ours["m-a"]).toBe("block task\n");
    expect(t.ours["v-a"]).toBe("from-var\n");
    expect(t.ours["l-y-b"]).toBe("y\n");
    expect(t.ours["d-a"]).toBe("a\n");
    expect(t.ours).toEqual(t.ansible);
  });

  it("a templated become_user is evaluated per host when the task runs; a literal one stays text", async () => {
    const dir = await tempTree({
      "tasks/main.yml": `- command: initdb\n  become: true\n  become_user: "{{ postgresql_user }}"\n- command: id\n  become: true\n  become_user: postgres\n- block:\n    - command: whoami\n      loop: [1]\n  become: true\n  become_user: "{{ item_user | default('x') }}"\n`,
      "defaults/main.yml": "postgresql_user: postgres\n",
    });
    const r = importRole(dir, { name: "demo", out: join(dir, "out") });
    expect(r.notConverted).toEqual([]);
    const code = readFileSync(join(dir, "out/index.ts"), "utf8");
    expect(code).toContain('await h.command({ cmd: "initdb" }, { become: String(h.jinja.value(jinja("{{ postgresql_user }}"))) });');
    expect(code).toContain('await h.command({ cmd: "id" }, { become: "postgres" });');
    expect(code).toContain(`await h.command({ cmd: "whoami" }, { become: String(h.jinja.value(jinja("{{ item_user | default('x') }}"))) });`);
  });
});

describe("TaskMeta.environment in site code", { timeout: 60_000 }, () => {
  const work = scratchDir("environment");
  it("reaches the module's commands, overrides the fixed PATH, ends with the task; a name no shell can export fails the task", async () => {
    writeFileSync(join(work, "inventory.yml"), "all:\n  hosts:\n    a: { ansible_connection: local }\n");
    const out = join(work, "out");
    writeFileSync(
      join(work, "site.ts"),
      siteSource(`
  await h.shell({ cmd: 'echo "$GREETING|$PATH" > ${out}' }, { environment: { GREETING: "it's $HOME \\"quoted\\"", PATH: "/bin:/usr/bin" } });
  await h.shell({ cmd: 'echo "[\${GREETING:-}]" >> ${out}' });
  await h.shell({ cmd: "true" }, { name: "bad", environment: { "NOT-A-NAME": "x" } });
`),
    );
    const json = join(work, "report.json");
    const r = await cli(work, ["site.ts", "-i", "inventory.yml", "--no-typecheck", "--json", json]);
    expect(r.code).toBe(2);
    expect(readFileSync(out, "utf8")).toBe(`it's $HOME "quoted"|/bin:/usr/bin\n[]\n`);
    const tasks = (JSON.parse(readFileSync(json, "utf8")) as { tasks: { task: string; status: string; msg?: string }[] }).tasks;
    expect(tasks.find((t) => t.task === "bad")).toMatchObject({ status: "failed", msg: 'environment: "NOT-A-NAME" is not a name a shell can export' });
  });
});
