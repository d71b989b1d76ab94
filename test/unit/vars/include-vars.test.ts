import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ansible } from "../vault/ansible.js";
import { DSL, STACK_TRACE, cli, scratchDir } from "../safety/cli-helpers.js";

// h.includeVars() against Ansible's include_vars: the same role files (vars/, templates/), the
// same inventory and -e, run by ansible-playbook (tasks/main.yml) and by do-converge (a typed
// role calling h.includeVars), over the local connection; the rendered files compared byte for
// byte. It covers where included variables rank (above inventory and role defaults, below set
// facts and extra vars), values that are templates evaluated when used, first-found names, and
// `name:`.

const dir = scratchDir("include-vars");
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};

write("hosts.yml", "all:\n  vars:\n    ansible_connection: local\n    app_name: shop\n    shadowed: from-inventory\n  hosts:\n    h1: {}\n");
write(
  "roles/app/vars/common.yml",
  'app_conf: "/etc/{{ app_name }}/{{ app_port }}.conf"\napp_port: 8080\nshadowed: from-include\noverridden: from-include\nlate: from-include\nlist_of: ["{{ app_name }}", 2]\n',
);
write("roles/app/vars/extra.yml", "x: 1\ny: \"{{ app_name }}-y\"\n");
write("roles/app/defaults/main.yml", "app_port: 1\n");
write(
  "roles/app/templates/out.j2",
  "{{ app_conf }} {{ app_port + 1 }} {{ shadowed }} {{ overridden }} {{ late }} {{ list_of }} {{ named.x }} {{ named.y }} {{ named is mapping }} {{ x is defined }} {{ both }}\n",
);
write(
  "roles/app/tasks/main.yml",
  [
    "- include_vars: \"{{ item }}\"",
    "  with_first_found: [\"missing-{{ inventory_hostname }}.yml\", common.yml]",
    "- set_fact: { late: from-set-fact, both: from-set-fact }",
    "- include_vars: { file: extra.yml, name: named }",
    `- template: { src: out.j2, dest: "${dir}/ansible.txt" }`,
    "",
  ].join("\n"),
);
write("playbook.yml", "- hosts: all\n  gather_facts: false\n  roles: [app]\n");
write(
  "site.ts",
  `import { jinja, play, role, site, z } from ${JSON.stringify(DSL)};
const app = role({
  name: "app",
  vars: z.object({ app_port: z.number().default(1) }),
  async tasks(h) {
    await h.includeVars([jinja("missing-{{ inventory_hostname }}.yml"), "common.yml"]);
    h.setFact({ late: "from-set-fact", both: "from-set-fact" });
    await h.includeVars("extra.yml", { name: "named" });
    await h.template({ src: "out.j2", dest: ${JSON.stringify(join(dir, "ours.txt"))} });
  },
});
export default site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, roles: [app] })] });
`,
);

describe("include_vars as Ansible has it", { timeout: 180_000 }, () => {
  it("ranks, evaluates and names what it includes as ansible-playbook does", async () => {
    // -e outranks include_vars and set_fact alike.
    const extra = ["-e", "overridden=from-extra-vars", "-e", "both=from-extra-vars"];
    await ansible(dir, "ansible-playbook", ["-i", "hosts.yml", "playbook.yml", ...extra]);
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck", ...extra]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ours = readFileSync(join(dir, "ours.txt"), "utf8");
    expect(ours).toBe(readFileSync(join(dir, "ansible.txt"), "utf8"));
    expect(ours).toContain("/etc/shop/8080.conf 8081 from-include from-extra-vars from-set-fact");
    expect(ours).toMatch(/ from-extra-vars\n$/);
  });

  it("no file found fails the host naming every place looked at", async () => {
    write(
      "missing.ts",
      `import { jinja, play, role, site } from ${JSON.stringify(DSL)};
const app = role({ name: "app", async tasks(h) { await h.includeVars([jinja("missing-{{ inventory_hostname }}.yml"), "/nonexistent/abs.yml"]); } });
export default site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, roles: [app] })] });
`,
    );
    const r = await cli(dir, ["missing.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/include_vars.*no vars file found: looked for \S+roles\/app\/vars\/missing-h1\.yml, \S+\/vars\/missing-h1\.yml, \/nonexistent\/abs\.yml/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
  });
});
