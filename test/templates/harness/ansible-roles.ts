import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pLimit from "p-limit";
import { parse } from "yaml";
import { z } from "zod";
import { indentedVars, runPlaybook } from "./ansible.js";
import { type Facts, writeFactCache } from "./facts.js";
import type { Rendering } from "./ours.js";
import type { RoleTemplateCase } from "./roles.js";

// Ansible's side of the real-role test: each role's templates rendered inside the role itself, as
// a play would — a copy of the vendored role gets one extra task file (include_vars as its tasks
// do on Debian 12, then a template task per template), run by include_role, so Ansible loads the
// role's defaults and vars/main.yml with their own precedence and searches the role's paths.
// One ansible-playbook run per role: include_vars values stay on the host for the rest of a run,
// and one role's must not leak into another's. The facts are real facts, from a jsonfile cache.

const TASKS = "__template_parity.yml";
const VarsMapping = z.record(z.string(), z.unknown()).nullable();

/** Renders every case with Ansible under `work` (a fresh directory); one Rendering per case name. */
export async function renderRolesWithAnsible(cases: readonly RoleTemplateCase[], facts: Facts, work: string): Promise<Map<string, Rendering>> {
  const byRole = new Map<string, RoleTemplateCase[]>();
  for (const c of cases) byRole.set(c.role, [...(byRole.get(c.role) ?? []), c]);
  const results = new Map<string, Rendering>();
  // Two at a time: a run is mostly Python start-up, and the machine has two cores.
  const limit = pLimit(2);
  await Promise.all(
    [...byRole.values()].map((group) =>
      limit(async () => {
        for (const [name, r] of await renderRole(group, facts, join(work, group[0]?.role ?? ""))) results.set(name, r);
      }),
    ),
  );
  return results;
}

async function renderRole(cases: readonly RoleTemplateCase[], facts: Facts, dir: string): Promise<Map<string, Rendering>> {
  const first = cases[0];
  if (first === undefined) return new Map();
  const roles = join(dir, "roles");
  cpSync(first.roleDir, join(roles, first.role), { recursive: true });
  const out = join(dir, "out");
  const outputs = new Map(cases.map((c, i) => [c.name, join(out, `${i}.out`)]));
  writeFileSync(join(roles, first.role, "tasks", TASKS), tasks(cases, outputs));
  writeFactCache(join(dir, "facts"), { ...first.peerFacts, [first.host]: facts });
  const playbook =
    `- hosts: ${JSON.stringify(first.host)}\n  gather_facts: false\n  connection: local\n  tasks:\n` +
    `    - ansible.builtin.include_role:\n        name: ${JSON.stringify(first.role)}\n        tasks_from: ${TASKS}\n`;
  return runPlaybook({
    dir,
    inventories: [first.inventory ?? `${first.host},`],
    playbook,
    outputs,
    env: {
      ANSIBLE_ROLES_PATH: roles,
      ANSIBLE_CACHE_PLUGIN: "jsonfile",
      ANSIBLE_CACHE_PLUGIN_CONNECTION: join(dir, "facts"),
      ANSIBLE_CACHE_PLUGIN_TIMEOUT: "0",
    },
  });
}

/**
 * include_vars tasks, then per template a block whose vars are runtime.yml's (block vars) around
 * a template task whose vars are the template's own (task vars): both above role vars, the
 * template's above the role-wide ones — the order do-converge gets them as --vars files. Both sit
 * below include_vars, so a runtime variable may not redefine an included one (checked here).
 */
function tasks(cases: readonly RoleTemplateCase[], outputs: ReadonlyMap<string, string>): string {
  const first = cases[0];
  if (first === undefined) return "";
  const included = new Set(first.includeVars.flatMap((f) => Object.keys(mapping(join(first.roleDir, "vars", f)))));
  let y = first.includeVars.map((f) => `- ansible.builtin.include_vars: ${JSON.stringify(f)}\n`).join("");
  for (const c of cases) {
    for (const file of [c.runtime, c.templateVars]) {
      const clash = file === undefined ? [] : Object.keys(mapping(file)).filter((k) => included.has(k));
      if (clash.length > 0) throw new Error(`${file}: ${clash.join(", ")} also set by include_vars (which outranks it in Ansible): drop it`);
    }
    y += `- block:\n    - name: ${JSON.stringify(c.name)}\n      ignore_errors: true\n      ansible.builtin.template:\n`;
    y += `        src: ${JSON.stringify(c.path)}\n        dest: ${JSON.stringify(outputs.get(c.name))}\n`;
    y += `      vars:${indentedVars(c.templateVars, 8)}\n  vars:${indentedVars(c.runtime, 4)}\n`;
  }
  return y;
}

function mapping(file: string): Record<string, unknown> {
  return VarsMapping.parse(parse(readFileSync(file, "utf8"))) ?? {};
}
