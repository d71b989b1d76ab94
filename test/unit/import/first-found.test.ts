import { describe, expect, it } from "vitest";
import { twin } from "./ansible-twin.js";

// include_vars with with_first_found as real roles write it (geerlingguy.mysql's `files:` under
// vars/, geerlingguy.php's one-name list with skip, `paths:`), run by ansible-playbook and by
// do-converge over the local connection: the same variables loaded, the same tasks skipped.

const TASKS = `---
- name: mysql's
  include_vars: "{{ item }}"
  with_first_found:
    - files:
        - "vars/{{ fam }}-{{ ver }}.yml"
        - "vars/{{ fam }}.yml"
      skip: true
- name: php's, no file found
  include_vars: "{{ item }}"
  with_first_found:
    - files:
        - "{{ fam }}-{{ fam }}.yml"
        - "Nope.yml"
      skip: true
- name: paths, path by path, files split on commas
  include_vars: "{{ item }}"
  with_first_found:
    - files: "c.yml,b.yml"
      paths: [more, extra]
- copy:
    content: "{{ from_family }} {{ from_paths }}\\n"
    dest: "{{ out }}/vars-{{ inventory_hostname }}"
`;

describe("import role: with_first_found of files and paths", { timeout: 120_000 }, () => {
  it("loads the first file found, skips when none is and it is asked to, as ansible-playbook does", async () => {
    const t = await twin(
      {
        "tasks/main.yml": TASKS,
        "defaults/main.yml": "fam: Debian\nver: 12\n",
        "vars/Debian.yml": "from_family: debian\n",
        "vars/Debian-11.yml": "from_family: eleven\n",
        "vars/more/b.yml": "from_paths: more-b\n",
        "vars/extra/c.yml": "from_paths: extra-c\n",
      },
      { hosts: ["a"] },
    );
    expect(t.imported.notConverted).toEqual([]);
    expect(t.code).toContain('await h.includeVars([jinja("{{ fam }}-{{ ver }}.yml"), jinja("{{ fam }}.yml")], { skip: true });');
    expect(t.code).toContain('await h.includeVars(["more/c.yml", "more/b.yml", "extra/c.yml", "extra/b.yml"]);');
    expect(t.run.code, t.run.stdout + t.run.stderr).toBe(0);
    expect(t.ours["vars-a"]).toBe("debian more-b\n");
    expect(t.ours).toEqual(t.ansible);
  });
});
