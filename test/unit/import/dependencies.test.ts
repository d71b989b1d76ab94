import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { type Role, play, role } from "../../../src/index.js";
import { tempTree } from "../inventory/helpers.js";
import { DSL, cli } from "../safety/cli-helpers.js";
import { ansible } from "../vault/ansible.js";
import { tree } from "./ansible-twin.js";

// meta/main.yml dependencies: converted into the role DSL's `dependencies`, run before the role,
// each role once per play, in the order ansible-playbook runs them (compared over the local connection).

const step = (name: string) => `- shell: "echo ${name} >> {{ out }}/order"\n`;

describe("import role: meta/main.yml dependencies", { timeout: 120_000 }, () => {
  it("become the role's dependencies, which run first and once per play, as ansible-playbook runs them", async () => {
    const dir = await tempTree({
      "roles/base/tasks/main.yml": step("base"),
      "roles/extra/tasks/main.yml": `- shell: "echo extra-{{ word | default('none') }} >> {{ out }}/order"\n`,
      "roles/extra/meta/main.yml": "galaxy_info: {}\ndependencies: [base]\n",
      "roles/app/tasks/main.yml": step("app"),
      "roles/app/meta/main.yml": "dependencies:\n  - role: extra\n    vars: { word: hi }\n  - base\n",
      "roles/web/tasks/main.yml": step("web"),
      "roles/web/meta/main.yml": "dependencies:\n  - { role: acme.base }\n  - { role: extra, port: 80 }\n",
    });
    for (const [f, out] of [["ansible.yml", "ansible"], ["ours.yml", "ours"]] as const) {
      writeFileSync(join(dir, f), `all:\n  vars: { ansible_connection: local, ansible_python_interpreter: /usr/bin/python3, out: ${JSON.stringify(join(dir, out))} }\n  hosts: { a: {} }\n`);
      mkdirSync(join(dir, out));
    }
    writeFileSync(join(dir, "playbook.yml"), "- hosts: all\n  gather_facts: false\n  roles: [app, base]\n");
    await ansible(dir, "ansible-playbook", ["-i", "ansible.yml", "playbook.yml"]);

    const results = Object.fromEntries(["base", "extra", "app", "web"].map((n) => [n, importRole(join(dir, "roles", n), { name: n, out: join(dir, "site/roles", n) })]));
    expect(results.app?.notConverted).toEqual([]);
    expect(results.web?.notConverted.map((p) => `${p.at} ${p.why}`)).toEqual(["meta/main.yml:3 a dependency with port not converted yet"]);
    const appCode = readFileSync(join(dir, "site/roles/app/index.ts"), "utf8");
    expect(appCode).toContain('import { extra } from "../extra/index.js";\nimport { base } from "../base/index.js";\n');
    expect(appCode).toContain('  dependencies: [{ role: extra, vars: { word: "hi" } }, base],\n');
    expect(readFileSync(join(dir, "site/roles/extra/index.ts"), "utf8")).toContain("  dependencies: [base],\n");
    // A collection's role by its short name, as import role names it; a dependency with parameters stays notConverted.
    expect(readFileSync(join(dir, "site/roles/web/index.ts"), "utf8")).toContain('import { base } from "../base/index.js";');
    for (const n of ["base", "extra", "app"]) {
      const f = join(dir, "site/roles", n, "index.ts");
      writeFileSync(f, readFileSync(f, "utf8").replace(/from "do-converge";/, `from ${JSON.stringify(DSL)};`));
    }
    writeFileSync(
      join(dir, "site/site.ts"),
      `import { play, site } from ${JSON.stringify(DSL)};\nimport { app } from "./roles/app/index.js";\nimport { base } from "./roles/base/index.js";\nexport default site({ plays: [play({ name: "p", hosts: "all", gatherFacts: false, roles: [app, base] })] });\n`,
    );
    const run = await cli(join(dir, "site"), ["site.ts", "-i", join(dir, "ours.yml"), "--no-typecheck"]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(tree(join(dir, "ours"))["order"]).toBe("base\nextra-hi\napp\n");
    expect(tree(join(dir, "ours"))).toEqual(tree(join(dir, "ansible")));
  });

  it("a dependency cycle is the play's error", () => {
    const b = role({ name: "b", tasks: async () => undefined });
    const a = role({ name: "a", tasks: async () => undefined, dependencies: [b] });
    // Typed code cannot build a cycle (an import cycle leaves one role undefined): a mutation stands for one.
    (b.dependencies as Role[]).push(a);
    expect(() => play({ name: "p", hosts: "all", roles: [a] })).toThrow('play "p": role dependencies form a cycle: a -> b -> a');
  });
});
