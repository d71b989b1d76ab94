import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { readExtraVars } from "../../../src/cli/extra-vars.js";
import { cachedFactVars } from "../../../src/facts/fact-cache.js";
import { loadInventory } from "../../../src/inventory/load.js";
import { magicVars } from "../../../src/inventory/magic.js";
import { resolveHostVarsTracked } from "../../../src/inventory/precedence.js";
import type { TrackedVars } from "../../../src/inventory/provenance.js";
import { inventorySource } from "../../../src/inventory/source-factory.js";
import { readVarsFile } from "../../../src/inventory/vars-file.js";
import { createTemplateEngine } from "../../../src/template/index.js";
import { dataVars, hostvarsMapping, scopeVars } from "../../../src/vars/build.js";
import { EvaluationStack, VarScope } from "../../../src/vars/scope.js";
import { runPlaybook } from "./ansible.js";
import { type Facts, writeFactCache } from "./facts.js";
import type { Rendering } from "./ours.js";

// The typed differential test of variables whose values are templates: a real role's defaults
// (test/fixtures/roles/*/defaults/main.yml, full of `"{{ other }}"` values), below an inventory
// whose group_vars override some of the variables those values use, and -e above all. Each
// variable's value is printed as JSON by both tools — `{{ name | to_json }}` — so a list that
// came back as text, a "2" that should be 2, or a default that missed its group_vars override
// shows as a difference. Ansible runs the role itself (its defaults have a role's precedence);
// do-converge evaluates the same layers with its own variable scopes.

const GROUP = "app";

/** Where a role is evaluated: the real-role test's host, inventory and peers' facts (harness/roles.ts). */
export interface RoleSetting {
  host: string;
  inventory?: string;
  peerFacts: Readonly<Record<string, Facts>>;
}
const Mapping = z.record(z.string(), z.unknown()).nullable();

export interface TypedCase {
  role: string;
  defaults: string;
  host: string;
  /** The inventory files: the role's own, if any, then one putting the host in `app` (group_vars/ beside it). */
  inventories: string[];
  extraVars: string;
  factsCache: string;
  /** The role's default variables, in file order: one value each to compare. */
  names: string[];
  /** What group_vars and -e override, for the reader of a failure. */
  overridden: Record<string, unknown>;
}

/** Names a template string reads (a rough scan: identifiers inside `{{ }}` and `{% %}`). */
function namesRead(v: unknown, out: Set<string>): void {
  if (typeof v === "string") {
    for (const m of v.matchAll(/\{[{%]([\s\S]*?)[}%]\}/g)) for (const id of (m[1] ?? "").matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) out.add(id[0]);
  } else if (Array.isArray(v)) v.forEach((x) => namesRead(x, out));
  else if (v !== null && typeof v === "object") Object.values(v).forEach((x) => namesRead(x, out));
}

function changed(v: unknown, mark: string): unknown {
  if (typeof v === "string") return `${v}-${mark}`;
  if (typeof v === "number") return v + (mark === "gv" ? 1 : 2);
  if (typeof v === "boolean") return !v;
  return undefined;
}

/**
 * A case for one role: every default a template in the defaults reads, when its own value is a
 * plain string, number or boolean, is changed in group_vars/app.yml; the first of them (by name)
 * is changed again by -e.
 */
export function typedCase(roleDir: string, role: string, setting: RoleSetting, facts: Facts, work: string): TypedCase {
  const defaults = join(roleDir, "defaults", "main.yml");
  const values = Mapping.parse(parse(readFileSync(defaults, "utf8"))) ?? {};
  const read = new Set<string>();
  namesRead(values, read);
  const groupVars: Record<string, unknown> = {};
  for (const name of [...read].sort()) {
    const v = values[name];
    if (typeof v === "string" && /\{[{%#]/.test(v)) continue;
    const c = changed(v, "gv");
    if (c !== undefined) groupVars[name] = c;
  }
  const first = Object.keys(groupVars)[0];
  const extra: Record<string, unknown> = first === undefined ? {} : { [first]: changed(values[first], "e") };
  const dir = join(work, role);
  mkdirSync(join(dir, "inv", "group_vars"), { recursive: true });
  const inventory = join(dir, "inv", "hosts.yml");
  writeFileSync(inventory, JSON.stringify({ all: { children: { [GROUP]: { hosts: { [setting.host]: null } } } } }, null, 2));
  writeFileSync(join(dir, "inv", "group_vars", `${GROUP}.yml`), JSON.stringify(groupVars, null, 2));
  const extraVars = join(dir, "extra.yml");
  writeFileSync(extraVars, JSON.stringify(extra));
  const factsCache = join(dir, "facts");
  writeFactCache(factsCache, { ...setting.peerFacts, [setting.host]: facts });
  const inventories = [...(setting.inventory === undefined ? [] : [setting.inventory]), inventory];
  return { role, defaults, host: setting.host, inventories, extraVars, factsCache, names: Object.keys(values), overridden: { ...groupVars, ...extra } };
}

/** Ansible's values: the role (its defaults only) with a template task per variable printing it as JSON. */
export async function ansibleValues(c: TypedCase, work: string): Promise<Map<string, Rendering>> {
  const dir = join(work, `${c.role}-ansible`);
  const role = join(dir, "roles", c.role);
  mkdirSync(join(role, "tasks"), { recursive: true });
  mkdirSync(join(role, "templates"), { recursive: true });
  cpSync(c.defaults, join(role, "defaults", "main.yml"));
  const out = join(dir, "out");
  const outputs = new Map(c.names.map((n, i) => [n, join(out, `${i}.json`)]));
  let tasks = "";
  c.names.forEach((n, i) => {
    writeFileSync(join(role, "templates", `${i}.j2`), `{{ ${n} | to_json }}`);
    tasks += `- name: ${JSON.stringify(n)}\n  ignore_errors: true\n  ansible.builtin.template:\n    src: ${i}.j2\n    dest: ${JSON.stringify(outputs.get(n))}\n`;
  });
  writeFileSync(join(role, "tasks", "main.yml"), tasks);
  const playbook = `- hosts: ${JSON.stringify(c.host)}\n  gather_facts: false\n  connection: local\n  roles: [${JSON.stringify(c.role)}]\n`;
  return runPlaybook({
    dir,
    inventories: c.inventories,
    extraVars: c.extraVars,
    playbook,
    outputs,
    env: {
      ANSIBLE_ROLES_PATH: join(dir, "roles"),
      ANSIBLE_CACHE_PLUGIN: "jsonfile",
      ANSIBLE_CACHE_PLUGIN_CONNECTION: c.factsCache,
      ANSIBLE_CACHE_PLUGIN_TIMEOUT: "0",
    },
  });
}

/**
 * do-converge's values: the role's defaults under the host's inventory variables (group_vars
 * included), its facts and magic variables, and -e on top, in one lazily evaluated scope per
 * host, each variable printed by the same `{{ name | to_json }}`.
 */
export async function ourValues(c: TypedCase): Promise<Map<string, Rendering>> {
  const engine = createTemplateEngine({ searchPaths: [] });
  const stack = new EvaluationStack();
  const inv = await loadInventory({ sources: c.inventories.map((i) => inventorySource(i)) });
  const defaults = await readVarsFile(c.defaults);
  const read = await readExtraVars([`@${c.extraVars}`]);
  const extra: TrackedVars = Object.fromEntries(Object.entries(read.values).map(([k, value]) => [k, { value, provenance: { file: "--extra-vars" } }]));
  const layers = (host: string) => [
    ...scopeVars(resolveHostVarsTracked(inv, host)),
    ...dataVars({ ansible_facts: {}, ...cachedFactVars(c.factsCache, host), ...magicVars(inv, host), hostvars }),
    ...scopeVars(extra),
  ];
  // hostvars[h] holds h's inventory variables, facts and extra vars, not a play's role defaults.
  const scopes = new Map<string, VarScope>();
  const hostvars = hostvarsMapping(
    inv.hosts.map((h) => h.name),
    (host) => {
    let scope = scopes.get(host);
    if (scope === undefined) {
      scope = new VarScope(new Map(layers(host)), { templater: engine }, stack);
      scopes.set(host, scope);
    }
    return scope;
    },
  );
  const context = new VarScope(new Map([...scopeVars(defaults), ...layers(c.host)]), { templater: engine }, stack).templateContext();
  const out = new Map<string, Rendering>();
  for (const n of c.names) {
    try {
      out.set(n, { ok: true, output: engine.renderString(`{{ ${n} | to_json }}`, context, `${n}.j2`) });
    } catch (e) {
      out.set(n, { ok: false, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
