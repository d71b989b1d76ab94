import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importRole } from "../../../src/import/role.js";
import { tempTree } from "../inventory/helpers.js";

// include_vars as real roles write it (geerlingguy's OS-specific variables, first_found lists,
// `name:`), converted into h.includeVars() calls that read the role's vars/ files, copied as they are.

const TASKS = `---
- name: Include OS-specific variables.
  include_vars: "{{ ansible_os_family }}.yml"
- name: First found.
  include_vars: "{{ item }}"
  with_first_found:
    - "{{ ansible_distribution }}-{{ ansible_distribution_version }}.yml"
    - main.yml
- include_vars:
    file: extra.yml
    name: extra
  tags: [conf]
- name: A directory.
  include_vars:
    dir: more
- name: first_found elsewhere.
  debug: msg="{{ item }}"
  with_first_found: [a.yml]
`;

describe("import role: include_vars, and apt's install_recommends", () => {
  it("becomes h.includeVars with the names, first-found lists and name: kept; what it cannot take is notConverted", async () => {
    const dir = await tempTree({ "tasks/main.yml": TASKS, "vars/Debian.yml": "a: 1\n", "vars/main.yml": "b: 2\n", "vars/extra.yml": "# kept\nc: 3\n" });
    const out = join(dir, "out");
    const r = importRole(dir, { name: "demo", out });
    const code = readFileSync(join(out, "index.ts"), "utf8");
    expect(code).toContain('await h.includeVars(jinja("{{ ansible_os_family }}.yml"));');
    expect(code).toContain('await h.includeVars([jinja("{{ ansible_distribution }}-{{ ansible_distribution_version }}.yml"), "main.yml"]);');
    expect(code).toContain('await h.includeVars("extra.yml", { name: "extra", tags: ["conf"] });');
    expect(r.notConverted.map((p) => `${p.at} ${p.why}`)).toEqual(["tasks/main.yml:13 include_vars dir not converted yet", "tasks/main.yml:16 with_first_found on debug not converted yet"]);
    expect(readFileSync(join(out, "vars/extra.yml"), "utf8")).toBe("# kept\nc: 3\n");
    expect(existsSync(join(out, "vars/Debian.yml"))).toBe(true);
  });

  it("apt tasks that install get install_recommends: true (Debian's apt default, which Ansible follows) unless they say", async () => {
    const dir = await tempTree({
      "tasks/main.yml": "- apt: name=memcached\n- package: { name: [a, b], state: latest }\n- apt: { name: c, install_recommends: no }\n- apt: { name: d, state: absent }\n- apt: update_cache=yes\n",
    });
    importRole(dir, { name: "demo", out: join(dir, "out") });
    const code = readFileSync(join(dir, "out/index.ts"), "utf8");
    expect(code).toContain('h.apt({ name: "memcached", install_recommends: true })');
    expect(code).toContain('h.apt({ name: ["a", "b"], state: "latest", install_recommends: true })');
    expect(code).toContain('h.apt({ name: "c", install_recommends: false })');
    expect(code).toContain('h.apt({ name: "d", state: "absent" })');
    expect(code).toContain("h.apt({ update_cache: true })");
  });
});
