import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ImportedRole, importRole } from "../../../src/import/role.js";
import type { RunResult } from "../../lab/exec.js";
import { tempTree } from "../inventory/helpers.js";
import { DSL, cli } from "../safety/cli-helpers.js";
import { ansible } from "../vault/ansible.js";

// One Ansible role run twice over the local connection: by ansible-playbook (the oracle) and, imported,
// by do-converge. Its tasks write under "{{ out }}" (ansible/ and ours/ of the scratch directory), so
// what each tool left there is compared file by file.

export interface Twin {
  dir: string;
  imported: ImportedRole;
  /** The imported role's code. */
  code: string;
  ansible: Record<string, string>;
  ours: Record<string, string>;
  run: RunResult;
}

/** Every file under `root` by relative path (directories as "<dir>/"), sorted. */
export function tree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of readdirSync(join(root, rel)).sort()) {
      const r = rel === "" ? e : `${rel}/${e}`;
      if (statSync(join(root, r)).isDirectory()) {
        out[`${r}/`] = "";
        walk(r);
      } else out[r] = readFileSync(join(root, r), "utf8");
    }
  };
  if (existsSync(root)) walk("");
  return out;
}

/**
 * `role`: the role's files (tasks/main.yml, ...); `hosts`: inventory host names (all local);
 * `hostVars`: extra YAML for the inventory's `all.vars` lines (already indented by 4); `oracle:
 * false`: do-converge's run only (what it does that Ansible cannot show, such as its own shells).
 */
export async function twin(role: Readonly<Record<string, string>>, o: { hosts?: readonly string[]; hostVars?: string; args?: readonly string[]; oracle?: boolean } = {}): Promise<Twin> {
  const files = Object.fromEntries(Object.entries(role).map(([k, v]) => [`roles/demo/${k}`, v]));
  const dir = await tempTree(files);
  const hosts = o.hosts ?? ["a", "b"];
  const inventory = (out: string) =>
    `all:\n  vars:\n    ansible_connection: local\n    ansible_python_interpreter: /usr/bin/python3\n    out: ${JSON.stringify(join(dir, out))}\n${o.hostVars ?? ""}  hosts:\n${hosts.map((h) => `    ${h}: {}\n`).join("")}`;
  writeFileSync(join(dir, "ansible.yml"), inventory("ansible"));
  writeFileSync(join(dir, "ours.yml"), inventory("ours"));
  writeFileSync(join(dir, "playbook.yml"), "- hosts: all\n  gather_facts: false\n  roles: [demo]\n");
  mkdirSync(join(dir, "ansible"));
  mkdirSync(join(dir, "ours"));
  if (o.oracle !== false) await ansible(dir, "ansible-playbook", ["-i", "ansible.yml", "playbook.yml", ...(o.args ?? [])]);

  const imported = importRole(join(dir, "roles/demo"), { name: "demo", out: join(dir, "site/roles/demo") });
  const code = readFileSync(join(dir, "site/roles/demo/index.ts"), "utf8");
  writeFileSync(
    join(dir, "site/site.ts"),
    code.replace(/from "do-converge";/, `from ${JSON.stringify(DSL)};`) +
      `\nimport { play as play_, site as site_ } from ${JSON.stringify(DSL)};\nexport default site_({ plays: [play_({ name: "p", hosts: "all", gatherFacts: false, roles: [demo] })] });\n`,
  );
  const run = await cli(join(dir, "site"), ["site.ts", "-i", join(dir, "ours.yml"), "--no-typecheck", ...(o.args ?? [])]);
  return { dir, imported, code, ansible: tree(join(dir, "ansible")), ours: tree(join(dir, "ours")), run };
}
